package io.syncgate.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One Patroni member, laid out like a pod: its own loopback address with Patroni's REST API on
 * :8008 and PostgreSQL on :5432, its own directory (data, unix socket, configs) owned by the
 * database user.
 */
public final class PatroniMember {

  public static final int REST_PORT = 8008;
  public static final int PG_PORT = 5432;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final String address;
  private final Path dir;
  private final Path log;
  private ManagedProcess patroni;

  PatroniMember(String name, String address, Path dir, Path log) {
    this.name = name;
    this.address = address;
    this.dir = dir;
    this.log = log;
  }

  public String name() {
    return name;
  }

  /** The member's own loopback address: the pod IP. */
  public String address() {
    return address;
  }

  public Path dir() {
    return dir;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path socketDir() {
    return dir.resolve("sock");
  }

  public Path config() {
    return dir.resolve("patroni.yml");
  }

  public Path pgbackrestConfig() {
    return dir.resolve("pgbackrest.conf");
  }

  /** Patroni's log (PostgreSQL writes to it too: no logging collector). */
  public Path log() {
    return log;
  }

  public String restUrl(String path) {
    return "http://" + address + ":" + REST_PORT + path;
  }

  /** GET a path of this member's REST API. */
  public Http.Answer rest(String path) {
    return Http.get(restUrl(path));
  }

  /** This member's {@code GET /patroni}, parsed; empty when it does not answer 200 with JSON. */
  public Optional<JsonNode> status() {
    return parse(rest("/patroni"));
  }

  static Optional<JsonNode> parse(Http.Answer answer) {
    if (!answer.ok()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(answer.body()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** "master"/"primary" (3.x/4.x), "replica", …, or null when Patroni does not answer. */
  public String role() {
    return status().map(s -> s.path("role").asText(null)).orElse(null);
  }

  public String state() {
    return status().map(s -> s.path("state").asText(null)).orElse(null);
  }

  public boolean isLeader() {
    String role = role();
    return "master".equals(role) || "primary".equals(role);
  }

  /** Running as a replica that streams from the leader. */
  public boolean isStreamingReplica() {
    return status()
        .map(
            s ->
                "replica".equals(s.path("role").asText())
                    && "running".equals(s.path("state").asText())
                    && !s.path("xlog").path("replayed_location").isMissingNode())
        .orElse(false);
  }

  synchronized void start(Launcher launcher, Prerequisites prerequisites) {
    if (patroni != null && patroni.alive()) {
      throw new IllegalStateException(name + " already runs: " + patroni);
    }
    List<String> command = new ArrayList<>(prerequisites.patroni().daemon());
    command.add(config().toString());
    patroni = ManagedProcess.start(name, launcher.asDatabaseUser(command, Map.of()), log);
  }

  public synchronized boolean patroniRunning() {
    return patroni != null && patroni.alive();
  }

  /** Patroni's PID (the process the harness started), or -1 before the first start. */
  public synchronized long patroniPid() {
    return patroni == null ? -1 : patroni.pid();
  }

  /**
   * Stops Patroni by its PID. Patroni stops PostgreSQL on the way out, except in maintenance mode;
   * {@link #stopPostmaster} handles that.
   */
  synchronized void stopPatroni(Duration grace) {
    if (patroni != null) {
      patroni.stop(grace);
    }
  }

  /** The postmaster's PID from {@code postmaster.pid}, if that process still runs. */
  public Optional<ProcessHandle> postmaster() {
    Path pidFile = dataDir().resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
      return ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops a postmaster that outlived Patroni: fast shutdown with pg_ctl (which signals the PID in
   * postmaster.pid), SIGKILL to that PID if it is still there afterwards.
   */
  void stopPostmaster(Launcher launcher, Prerequisites prerequisites) {
    Optional<ProcessHandle> postmaster = postmaster();
    if (postmaster.isEmpty()) {
      return;
    }
    try {
      launcher.run(
          Duration.ofSeconds(40),
          Map.of(),
          List.of(
              prerequisites.pgBinary("pg_ctl").toString(),
              "stop",
              "-D",
              dataDir().toString(),
              "-m",
              "fast",
              "-w",
              "-t",
              "30"));
    } catch (RuntimeException e) {
      // Fall through to SIGKILL below.
    }
    postmaster.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** A JDBC connection as the superuser over TCP to this member's PostgreSQL. */
  public Connection connect(String database) throws SQLException {
    return connect(database, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  /**
   * Like {@link #connect(String)} with the given connect and read timeouts (whole seconds), so a
   * member that is down cannot hold the caller for long.
   */
  public Connection connect(String database, Duration connectTimeout, Duration readTimeout)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", PatroniCluster.SUPERUSER);
    props.setProperty("password", PatroniCluster.SUPERUSER_PASSWORD);
    props.setProperty("connectTimeout", Long.toString(connectTimeout.toSeconds()));
    props.setProperty("loginTimeout", Long.toString(connectTimeout.toSeconds() + 1));
    props.setProperty("socketTimeout", Long.toString(readTimeout.toSeconds()));
    props.setProperty("ApplicationName", "syncgate-e2e");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + address + ":" + PG_PORT + "/" + database, props);
  }

  @Override
  public synchronized String toString() {
    return name + "@" + address + (patroni == null ? "" : " " + patroni);
  }
}
