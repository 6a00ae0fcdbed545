package io.syncgate.e2e.harness;

import io.syncgate.controller.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Patroni cluster on loopback, built from the machine's packages: one etcd on 127.0.0.1
 * (ports of its own), members on 127.0.0.2, 127.0.0.3, … each with Patroni REST on :8008 and
 * PostgreSQL on :5432, like pods. Optionally archives WAL to a pgBackRest repository shared by all
 * members, so a new member can be created from a backup.
 *
 * <p>{@link #close()} stops everything it started by PID — replicas, then the leader, then any
 * postmaster Patroni left behind (maintenance mode), then etcd — and checks that nothing listens
 * any more. A JVM shutdown hook does the same if a test never gets that far. Logs stay in {@link
 * #logDir()}; data goes.
 */
public final class PatroniCluster implements AutoCloseable {

  /** Patroni's scope (cluster name) and the pgBackRest stanza. */
  public static final String SCOPE = "hippo";

  static final String SUPERUSER = "postgres";
  static final String SUPERUSER_PASSWORD = "e2e-superuser";
  static final String REPLICATION_USER = "replicator";
  static final String REPLICATION_PASSWORD = "e2e-replication";

  /** How a new member gets its data. */
  public enum CreateReplica {
    /** pg_basebackup from the leader (Patroni's default). */
    BASEBACKUP,
    /** A pgBackRest restore of the latest backup, then WAL from the archive and the leader. */
    PGBACKREST
  }

  /**
   * Cluster-wide settings.
   *
   * @param backups archive WAL with pgBackRest (needed for {@link #backup()})
   * @param ttl leader key TTL in seconds
   * @param loopWait Patroni's HA loop period in seconds
   * @param retryTimeout DCS and PostgreSQL retry timeout in seconds
   */
  public record Options(boolean backups, int ttl, int loopWait, int retryTimeout) {

    /** Quick timing (loop_wait 1 s, ttl 10 s), no archiving. */
    public static Options quick() {
      return new Options(false, 10, 1, 4);
    }

    public Options withBackups() {
      return new Options(true, ttl, loopWait, retryTimeout);
    }
  }

  private final String name;
  private final Options options;
  private final Prerequisites prerequisites;
  private final Launcher launcher;
  private final Path workDir;
  private final Path logDir;
  private final Etcd etcd;
  private final List<PatroniMember> members = new ArrayList<>();
  private boolean closed;
  private volatile boolean failed;

  private PatroniCluster(
      String name,
      Options options,
      Prerequisites prerequisites,
      Path workDir,
      Path logDir,
      int etcdClientPort,
      int etcdPeerPort) {
    this.name = name;
    this.options = options;
    this.prerequisites = prerequisites;
    this.workDir = workDir;
    this.logDir = logDir;
    this.launcher = new Launcher(prerequisites, logDir.resolve("commands.log"));
    this.etcd =
        new Etcd(
            prerequisites,
            launcher,
            workDir.resolve("etcd"),
            logDir.resolve("etcd.log"),
            etcdClientPort,
            etcdPeerPort);
  }

  /**
   * Creates the work directory and starts etcd. {@code name} names the log directory (e.g. the test
   * class).
   */
  public static PatroniCluster start(String name, Options options) {
    Prerequisites prerequisites = Prerequisites.find();
    if (!prerequisites.complete()) {
      throw new IllegalStateException("missing: " + String.join(", ", prerequisites.missing()));
    }
    Path workDir = createWorkDir();
    Path logDir = createLogDir(name);
    PatroniCluster cluster =
        new PatroniCluster(name, options, prerequisites, workDir, logDir, freePort(), freePort());
    Reaper.register(cluster);
    try {
      if (options.backups()) {
        Path repo = workDir.resolve("pgbackrest");
        Files.createDirectories(repo);
        prerequisites.postgresUser().chownRecursively(repo);
        Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwx------"));
      }
      cluster.etcd.start();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.markFailed();
      cluster.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  public String name() {
    return name;
  }

  /** The database superuser's password (test-only, loopback-only clusters). */
  public static String superuserPassword() {
    return SUPERUSER_PASSWORD;
  }

  public Options options() {
    return options;
  }

  public Etcd etcd() {
    return etcd;
  }

  public Path logDir() {
    return logDir;
  }

  public Launcher launcher() {
    return launcher;
  }

  public Prerequisites prerequisites() {
    return prerequisites;
  }

  /** The Patroni the members run (Debian's package, or a source tree given as an option). */
  public Prerequisites.Patroni patroni() {
    return prerequisites.patroni();
  }

  /** The members started so far, in order of creation. */
  public synchronized List<PatroniMember> members() {
    return List.copyOf(members);
  }

  public synchronized PatroniMember member(int index) {
    return members.get(index);
  }

  /** Makes {@link #close()} print the tails of all logs (a test failed). */
  public void markFailed() {
    failed = true;
  }

  // ------------------------------------------------------------------ members

  /**
   * The address member {@code index} gets: 127.0.0.{2 + index}, like a pod IP. {@code
   * -Dsyncgate.e2e.loopback=127.0.N} moves the members to 127.0.N.{2 + index}, so two runs on one
   * machine do not meet.
   */
  public static String address(int index) {
    String prefix = System.getProperty("syncgate.e2e.loopback", "127.0.0");
    if (!prefix.matches("127\\.\\d{1,3}\\.\\d{1,3}")) {
      throw new IllegalArgumentException("syncgate.e2e.loopback must be 127.A.B, not " + prefix);
    }
    return prefix + "." + (2 + index);
  }

  /** The addresses of the first {@code count} members, started or still to come. */
  public static List<String> addresses(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(address(i));
    }
    return out;
  }

  /** Starts the first member and waits until it leads. */
  public PatroniMember startLeader() {
    PatroniMember leader = startMember(CreateReplica.BASEBACKUP);
    awaitLeader(leader, Duration.ofSeconds(90));
    return leader;
  }

  /** Starts a member cloned with pg_basebackup and waits until it streams from the leader. */
  public PatroniMember startReplica() {
    PatroniMember replica = startMember(CreateReplica.BASEBACKUP);
    awaitStreaming(replica, Duration.ofSeconds(90));
    return replica;
  }

  /**
   * Starts the next member (address 127.0.0.{2 + index}) and returns at once: Patroni bootstraps or
   * clones it in the background.
   */
  public synchronized PatroniMember startMember(CreateReplica method) {
    if (closed) {
      throw new IllegalStateException("cluster closed");
    }
    int index = members.size();
    String memberName = SCOPE + "-" + index;
    String address = address(index);
    for (int port : new int[] {PatroniMember.REST_PORT, PatroniMember.PG_PORT}) {
      if (listening(address, port)) {
        throw new IllegalStateException(
            "something already listens on "
                + address
                + ":"
                + port
                + " (a leftover of an earlier run?); stop it and run again");
      }
    }
    Path dir = workDir.resolve(memberName);
    PatroniMember member =
        new PatroniMember(memberName, address, dir, logDir.resolve(memberName + ".log"));
    try {
      Files.createDirectories(member.socketDir());
      for (String sub : List.of("log", "lock", "spool")) {
        Files.createDirectories(dir.resolve("pgbackrest").resolve(sub));
      }
      Files.writeString(member.config(), patroniConfig(member, method), StandardCharsets.UTF_8);
      Files.writeString(
          member.pgbackrestConfig(), pgbackrestConfig(member), StandardCharsets.UTF_8);
      prerequisites.postgresUser().chownRecursively(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lay out " + memberName, e);
    }
    members.add(member);
    member.start(launcher, prerequisites);
    return member;
  }

  /** Starts a member's Patroni again after {@link #stopMember}. */
  public void restartMember(PatroniMember member) {
    member.start(launcher, prerequisites);
  }

  /** Stops one member's Patroni (and a postmaster it left behind). */
  public void stopMember(PatroniMember member) {
    member.stopPatroni(Duration.ofSeconds(30));
    member.stopPostmaster(launcher, prerequisites);
  }

  public void awaitLeader(PatroniMember member, Duration timeout) {
    Await.until(
        timeout,
        member.name() + " to lead",
        () -> {
          requireAlive(member);
          return member.isLeader() && member.rest("/primary").ok();
        });
  }

  public void awaitStreaming(PatroniMember member, Duration timeout) {
    Await.until(
        timeout,
        member.name() + " to run as a streaming replica",
        () -> {
          requireAlive(member);
          return member.isStreamingReplica();
        });
  }

  private void requireAlive(PatroniMember member) {
    if (!member.patroniRunning()) {
      throw new IllegalStateException(
          member.name() + "'s Patroni exited; see " + member.log() + "\n" + tail(member.log()));
    }
  }

  /** The one member that says it leads; fails if none or several do within {@code timeout}. */
  public PatroniMember leader(Duration timeout) {
    return Await.until(
            timeout,
            "exactly one leader",
            () -> members().stream().filter(PatroniMember::isLeader).toList(),
            leaders -> leaders.size() == 1)
        .get(0);
  }

  public PatroniMember leader() {
    return leader(Duration.ofSeconds(60));
  }

  // ------------------------------------------------------------------ SQL and WAL

  /** Runs statements on the current leader's {@code postgres} database. */
  public void execute(String... statements) {
    execute(leader(), "postgres", statements);
  }

  public void execute(PatroniMember member, String database, String... statements) {
    try (Connection connection = member.connect(database);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "SQL on " + member.name() + " failed: " + String.join("; ", statements) + ": " + e, e);
    }
  }

  /** A single numeric answer (e.g. an LSN difference), or null for SQL NULL. */
  public static Long queryLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      long value = rows.getLong(1);
      return rows.wasNull() ? null : value;
    }
  }

  /** The leader's current WAL insert position in bytes. */
  public long currentWalLsn(PatroniMember leader) {
    try (Connection connection = leader.connect("postgres")) {
      return queryLong(connection, "SELECT pg_current_wal_lsn() - '0/0'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the WAL position of " + leader.name(), e);
    }
  }

  /**
   * pgbench's initialisation on {@code database} of the leader: drops and recreates its tables,
   * generates {@code scale} × 100,000 rows on the server and vacuums them ({@code -I dtGv}):
   * WAL-heavy, and autovacuum finds nothing left that would write a burst of WAL later.
   */
  public void pgbenchInit(PatroniMember leader, String database, int scale) {
    launcher.run(
        Duration.ofMinutes(5),
        Map.of(),
        List.of(
            prerequisites.pgBinary("pgbench").toString(),
            "-i",
            "-I",
            "dtGv",
            "-s",
            Integer.toString(scale),
            "-q",
            "-h",
            leader.socketDir().toString(),
            "-p",
            Integer.toString(PatroniMember.PG_PORT),
            "-U",
            SUPERUSER,
            database));
  }

  // ------------------------------------------------------------------ pgBackRest

  /** Creates the stanza from the leader (run once, after the leader is up). */
  public void createStanza(PatroniMember leader) {
    pgbackrest(leader, Duration.ofMinutes(2), "stanza-create");
  }

  /** A full backup of the leader into the shared repository. */
  public void backup(PatroniMember leader) {
    pgbackrest(leader, Duration.ofMinutes(10), "--type=full", "backup");
  }

  private void pgbackrest(PatroniMember member, Duration timeout, String... args) {
    if (!options.backups()) {
      throw new IllegalStateException("cluster started without backups");
    }
    List<String> command = new ArrayList<>();
    command.add(prerequisites.pgbackrest().toString());
    command.add("--config=" + member.pgbackrestConfig());
    command.add("--stanza=" + SCOPE);
    command.addAll(List.of(args));
    launcher.run(timeout, Map.of(), command);
  }

  // ------------------------------------------------------------------ patronictl

  /** {@code patronictl switchover --force} from {@code leader} to {@code candidate}. */
  public void switchover(PatroniMember leader, PatroniMember candidate) {
    patronictl("switchover", "--leader", leader.name(), "--candidate", candidate.name(), "--force");
  }

  /** Maintenance mode on (Patroni stops managing PostgreSQL; replay pauses then stick). */
  public void pause() {
    patronictl("pause", "--wait");
  }

  public void resume() {
    patronictl("resume", "--wait");
  }

  /** Runs patronictl with the first member's configuration (any member's would do). */
  public String patronictl(String... args) {
    List<String> command = new ArrayList<>(prerequisites.patroni().ctl());
    command.add("-c");
    command.add(member(0).config().toString());
    command.addAll(List.of(args));
    return launcher.run(Duration.ofMinutes(2), Map.of(), command);
  }

  // ------------------------------------------------------------------ configuration

  private String patroniConfig(PatroniMember member, CreateReplica method) {
    String pgbackrest = "pgbackrest --config=" + member.pgbackrestConfig() + " --stanza=" + SCOPE;
    StringBuilder yaml = new StringBuilder();
    yaml.append(
        """
        scope: %s
        name: %s
        log:
          level: INFO
        restapi:
          listen: %s:%d
          connect_address: %s:%d
        etcd3:
          hosts: %s
        bootstrap:
          dcs:
            ttl: %d
            loop_wait: %d
            retry_timeout: %d
            maximum_lag_on_failover: 1073741824
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                max_wal_size: 512MB
                wal_keep_size: 256MB
          initdb:
            - encoding: UTF8
            - data-checksums
        postgresql:
          listen: %s:%d
          connect_address: %s:%d
          data_dir: %s
          bin_dir: %s
          pgpass: %s
          authentication:
            superuser:
              username: %s
              password: %s
            replication:
              username: %s
              password: %s
          basebackup:
            - checkpoint: fast
          pg_hba:
            - local all all trust
            - host replication %s 127.0.0.0/8 md5
            - host all all 127.0.0.0/8 md5
          parameters:
            unix_socket_directories: '%s'
        """
            .formatted(
                SCOPE,
                member.name(),
                member.address(),
                PatroniMember.REST_PORT,
                member.address(),
                PatroniMember.REST_PORT,
                etcd.endpoint(),
                Math.max(options.ttl(), prerequisites.patroni().minimumTtl()),
                options.loopWait(),
                options.retryTimeout(),
                member.address(),
                PatroniMember.PG_PORT,
                member.address(),
                PatroniMember.PG_PORT,
                member.dataDir(),
                prerequisites.pgBin(),
                member.dir().resolve("pgpass"),
                SUPERUSER,
                SUPERUSER_PASSWORD,
                REPLICATION_USER,
                REPLICATION_PASSWORD,
                REPLICATION_USER,
                member.socketDir()));
    if (options.backups()) {
      // Member-local, so each member archives with its own pgBackRest configuration; local
      // parameters override the cluster-wide ones in Patroni.
      yaml.append(
          """
              archive_mode: 'on'
              archive_command: '%s archive-push %%p'
            recovery_conf:
              restore_command: '%s archive-get %%f "%%p"'
          """
              .formatted(pgbackrest, pgbackrest));
    }
    if (method == CreateReplica.PGBACKREST) {
      yaml.append(
          """
            create_replica_methods:
              - pgbackrest
              - basebackup
            pgbackrest:
              command: '%s --delta restore'
              keep_data: true
              no_params: true
          """
              .formatted(pgbackrest));
    }
    return yaml.toString();
  }

  private String pgbackrestConfig(PatroniMember member) {
    Path own = member.dir().resolve("pgbackrest");
    return """
        [global]
        repo1-path=%s
        repo1-retention-full=2
        log-path=%s
        lock-path=%s
        spool-path=%s
        log-level-console=warn
        log-level-file=info
        start-fast=y
        archive-async=y
        process-max=2

        [%s]
        pg1-path=%s
        pg1-socket-path=%s
        pg1-port=%d
        pg1-user=%s
        """
        .formatted(
            workDir.resolve("pgbackrest"),
            own.resolve("log"),
            own.resolve("lock"),
            own.resolve("spool"),
            SCOPE,
            member.dataDir(),
            member.socketDir(),
            PatroniMember.PG_PORT,
            SUPERUSER);
  }

  // ------------------------------------------------------------------ clean-up

  /**
   * Stops replicas, then leaders, then leftover postmasters, then etcd; checks nothing listens any
   * more; deletes the data. Throws when something could not be stopped.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    // Replicas first: a leader stopping first would make them try to take over.
    List<PatroniMember> leaders = new ArrayList<>();
    List<PatroniMember> leadersLast = new ArrayList<>();
    for (PatroniMember member : members) {
      (member.patroniRunning() && member.isLeader() ? leaders : leadersLast).add(member);
    }
    leadersLast.addAll(leaders);
    for (PatroniMember member : leadersLast) {
      try {
        member.stopPatroni(Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        problems.add("stopping " + member.name() + ": " + e);
      }
    }
    for (PatroniMember member : members) {
      try {
        member.stopPostmaster(launcher, prerequisites);
        member
            .postmaster()
            .ifPresent(p -> problems.add(member.name() + "'s postmaster " + p.pid()));
      } catch (RuntimeException e) {
        problems.add("stopping " + member.name() + "'s postmaster: " + e);
      }
    }
    etcd.stop();
    problems.addAll(stillListening());
    if (failed || !problems.isEmpty()) {
      printLogTails();
    }
    deleteWorkDir();
    Reaper.unregister(this);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("clean-up of " + name + " incomplete: " + problems);
    }
  }

  private List<String> stillListening() {
    List<String> endpoints = new ArrayList<>();
    for (PatroniMember member : members) {
      endpoints.add(member.address() + ":" + PatroniMember.REST_PORT);
      endpoints.add(member.address() + ":" + PatroniMember.PG_PORT);
    }
    endpoints.add(Etcd.HOST + ":" + etcd.clientPort());
    endpoints.add(Etcd.HOST + ":" + etcd.peerPort());
    List<String> open = new ArrayList<>();
    for (String endpoint : endpoints) {
      String[] hostPort = endpoint.split(":");
      try {
        // Processes are gone by now; give the kernel a moment to drop their sockets.
        Await.until(
            Duration.ofSeconds(5),
            "nothing listening on " + endpoint,
            () -> !listening(hostPort[0], Integer.parseInt(hostPort[1])));
      } catch (AssertionError e) {
        open.add("still listening: " + endpoint);
      }
    }
    return open;
  }

  private void printLogTails() {
    System.err.println("==== " + name + ": logs in " + logDir);
    try (Stream<Path> logs = Files.list(logDir)) {
      for (Path log : logs.sorted().toList()) {
        System.err.println("---- " + log.getFileName());
        System.err.println(tail(log));
      }
    } catch (IOException e) {
      System.err.println("cannot list " + logDir + ": " + e);
    }
  }

  static String tail(Path log) {
    try {
      return Launcher.tail(Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private void deleteWorkDir() {
    if (Boolean.getBoolean("syncgate.e2e.keep")) {
      System.err.println(name + ": kept " + workDir);
      return;
    }
    try (Stream<Path> all = Files.walk(workDir)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println(name + ": could not delete all of " + workDir + ": " + e);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** True when something accepts TCP connections on host:port. */
  public static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(Etcd.HOST), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + Etcd.HOST, e);
    }
  }

  private static Path createWorkDir() {
    // Not under target/: the database user must be able to reach it, and a home directory
    // holding the checkout may be closed to other users.
    Path base =
        Path.of(System.getProperty("syncgate.e2e.work", System.getProperty("java.io.tmpdir")));
    try {
      // Short: PostgreSQL's socket path (dir/member/sock/.s.PGSQL.5432) must fit in 107 bytes.
      Path dir = Files.createTempDirectory(base, "syncgate-e2e-");
      if (dir.resolve("hippo-00/sock/.s.PGSQL.5432").toString().length() > 107) {
        Files.delete(dir);
        throw new IllegalStateException(
            "work directory "
                + dir
                + " is too deep for PostgreSQL's unix socket path; set -Dsyncgate.e2e.work to a"
                + " shorter directory");
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory under " + base, e);
    }
  }

  private static Path createLogDir(String name) {
    Path dir = Path.of(System.getProperty("syncgate.e2e.logs", "target/e2e-logs")).resolve(name);
    try {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
            if (!path.equals(dir)) {
              Files.delete(path);
            }
          }
        }
      }
      Files.createDirectories(dir);
      return dir.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare log directory " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "PatroniCluster " + name + " " + members();
  }
}
