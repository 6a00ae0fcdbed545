package io.syncgate.e2e.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the real-Patroni tests need from the machine: Debian's {@code patroni}, {@code postgresql},
 * {@code etcd-server}, {@code pgbackrest} and {@code python3-etcd} packages, {@code setpriv} when
 * running as root, a {@code postgres} OS user, and loopback addresses beyond 127.0.0.1.
 *
 * <p>Instead of Debian's Patroni, a Patroni source tree (e.g. a release tag of Patroni's
 * repository) can be named with the system property {@value #PATRONI_SOURCE_PROPERTY} or the
 * environment variable {@value #PATRONI_SOURCE_ENV}: members then run {@code /usr/bin/python3
 * <tree>/patroni.py} with the system's Python libraries, and patronictl is {@code
 * <tree>/patronictl.py}.
 *
 * <p>{@link #find()} looks everything up once; {@link #missing()} says what is absent, in words a
 * person can act on.
 */
public record Prerequisites(
    Patroni patroni,
    Path etcd,
    Path pgbackrest,
    Path setpriv,
    Path pgBin,
    OsUser postgresUser,
    List<String> missing) {

  /** Names a Patroni source tree to run instead of the packaged Patroni. */
  public static final String PATRONI_SOURCE_PROPERTY = "syncgate.e2e.patroniSource";

  /** The same as {@link #PATRONI_SOURCE_PROPERTY}, for runs that cannot pass properties. */
  public static final String PATRONI_SOURCE_ENV = "SYNCGATE_E2E_PATRONI_SOURCE";

  /** The interpreter a Patroni source tree runs on: the system's, which has Debian's libraries. */
  static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

  /**
   * The Patroni the members run.
   *
   * @param daemon the command that starts a member, without its configuration file
   * @param ctl the patronictl command, without arguments
   * @param version Patroni's version, e.g. {@code 3.0.2}
   * @param sourceTree the source tree it runs from, or null for the packaged Patroni
   */
  public record Patroni(List<String> daemon, List<String> ctl, String version, Path sourceTree) {

    public Patroni {
      daemon = List.copyOf(daemon);
      ctl = List.copyOf(ctl);
    }

    /** For summaries: {@code Patroni 4.1.4 (source tree)} or {@code Patroni 3.0.2 (package)}. */
    public String describe() {
      return "Patroni " + version + (sourceTree == null ? " (package)" : " (source tree)");
    }

    /** Major × 100 + minor: 300 for 3.0.2, 401 for 4.1.4; 0 when the version is not a number. */
    public int majorMinor() {
      Matcher m = MAJOR_MINOR.matcher(version);
      return m.lookingAt() ? Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2)) : 0;
    }

    /**
     * The smallest {@code ttl} Patroni accepts: 4.1 raises a smaller one to 20 s with a warning
     * ({@code Config._validate_and_adjust_timeouts}); 3.0.2 takes any.
     */
    public int minimumTtl() {
      return majorMinor() >= 401 ? 20 : 0;
    }

    /**
     * Patroni 4.1 or later: {@code /readiness} is lag-aware (503 for a replica that is not
     * streaming or more than {@code maximum_lag_on_failover} behind) and {@code /replica?lag} falls
     * back to the WAL receiver's position.
     */
    public boolean lagAwareReadiness() {
      return majorMinor() >= 401;
    }
  }

  /** The Debian packages that provide everything here; scripts/install-deps.sh installs them. */
  public static final String PACKAGES =
      "patroni postgresql etcd-server etcd-client pgbackrest python3-etcd util-linux";

  private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)");

  /** {@code __version__ = '4.1.4'} in patroni/version.py. */
  private static final Pattern VERSION_PY =
      Pattern.compile("^__version__\\s*=\\s*['\"]([^'\"]+)['\"]", Pattern.MULTILINE);

  private static final List<Path> SYSTEM_PATH =
      List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

  private static volatile Prerequisites found;

  /** Looks up every binary and check once per JVM. */
  public static Prerequisites find() {
    Prerequisites current = found;
    if (current == null) {
      current = lookUp();
      found = current;
    }
    return current;
  }

  /** True when nothing is missing. */
  public boolean complete() {
    return missing.isEmpty();
  }

  /** PostgreSQL's server binary directory, e.g. /usr/lib/postgresql/15/bin. */
  public Path pgBinary(String name) {
    return pgBin.resolve(name);
  }

  private static Prerequisites lookUp() {
    List<String> missing = new ArrayList<>();
    Path etcd = binary("etcd", "etcd-server", missing);
    Path pgbackrest = binary("pgbackrest", "pgbackrest", missing);
    Path pgBin = postgresBin().orElse(null);
    if (pgBin == null) {
      missing.add(
          "PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin; package postgresql)");
    } else {
      for (String tool : List.of("postgres", "initdb", "pg_ctl", "pg_basebackup", "pgbench")) {
        if (!Files.isExecutable(pgBin.resolve(tool))) {
          missing.add(pgBin.resolve(tool) + " (package postgresql)");
        }
      }
    }
    OsUser self = OsUser.current();
    Path setpriv = null;
    OsUser postgres = self;
    if (self.isRoot()) {
      // PostgreSQL refuses to run as root: the harness runs it (and Patroni) as postgres.
      setpriv = binary("setpriv", "util-linux", missing);
      Optional<OsUser> pgUser = OsUser.lookUp("postgres");
      if (pgUser.isEmpty()) {
        missing.add("the postgres OS user (created by package postgresql)");
      } else {
        postgres = pgUser.get();
      }
    }
    List<String> asDatabaseUser = new ArrayList<>();
    if (postgres.uid() != self.uid() && setpriv != null) {
      asDatabaseUser.addAll(
          List.of(
              setpriv.toString(),
              "--reuid=" + postgres.name(),
              "--regid=" + postgres.name(),
              "--init-groups"));
    }
    Optional<Path> source = patroniSourceOption();
    Patroni patroni =
        source.isPresent()
            ? sourcePatroni(source.get(), asDatabaseUser, missing)
            : packagedPatroni(missing);
    if (!canBind("127.0.0.2")) {
      missing.add("loopback addresses beyond 127.0.0.1 (Linux routes all of 127.0.0.0/8)");
    }
    return new Prerequisites(
        patroni, etcd, pgbackrest, setpriv, pgBin, postgres, List.copyOf(missing));
  }

  /** The source tree named by the system property or, failing that, the environment. */
  static Optional<Path> patroniSourceOption() {
    String value = System.getProperty(PATRONI_SOURCE_PROPERTY);
    if (value == null || value.isBlank()) {
      value = System.getenv(PATRONI_SOURCE_ENV);
    }
    return value == null || value.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(value.strip()));
  }

  /** Debian's patroni and patronictl on the PATH; the version from {@code patroni --version}. */
  private static Patroni packagedPatroni(List<String> missing) {
    Path patroni = binary("patroni", "patroni", missing);
    Path patronictl = binary("patronictl", "patroni", missing);
    if (patroni == null || patronictl == null) {
      return null;
    }
    pythonEtcdMissing(interpreterOf(patroni)).ifPresent(missing::add);
    String version = "unknown";
    try {
      // "patroni 3.0.2"
      String[] words = output(List.of(patroni.toString(), "--version")).strip().split("\\s+");
      version = words[words.length - 1];
    } catch (IOException e) {
      missing.add("a working patroni (" + patroni + " --version failed: " + e.getMessage() + ")");
    }
    return new Patroni(List.of(patroni.toString()), List.of(patronictl.toString()), version, null);
  }

  /**
   * A Patroni source tree run by the system's Python: checks that it holds patroni.py,
   * patronictl.py and patroni/version.py, and that the database user can import Patroni's REST API,
   * etcd3 DCS and patronictl from it with the system's libraries.
   */
  static Patroni sourcePatroni(Path tree, List<String> asDatabaseUser, List<String> missing) {
    String option = "Patroni source tree " + tree + " (" + PATRONI_SOURCE_PROPERTY + ")";
    Path absolute = tree.toAbsolutePath().normalize();
    List<String> files = List.of("patroni.py", "patronictl.py", "patroni/version.py");
    List<String> absent =
        files.stream().filter(f -> !Files.isRegularFile(absolute.resolve(f))).toList();
    if (!absent.isEmpty()) {
      missing.add(
          option
              + ": no "
              + String.join(", no ", absent)
              + " there; extract a Patroni release into it (e.g. git archive v4.1.4 of Patroni's"
              + " repository)");
      return null;
    }
    if (!Files.isExecutable(SYSTEM_PYTHON)) {
      missing.add(SYSTEM_PYTHON + " to run the " + option + " (package python3)");
      return null;
    }
    String version = "unknown";
    try {
      Matcher m =
          VERSION_PY.matcher(
              Files.readString(absolute.resolve("patroni/version.py"), StandardCharsets.UTF_8));
      if (m.find()) {
        version = m.group(1);
      } else {
        missing.add(option + ": patroni/version.py has no __version__");
      }
    } catch (IOException e) {
      missing.add(option + ": cannot read patroni/version.py: " + e.getMessage());
    }
    pythonEtcdMissing(SYSTEM_PYTHON.toString()).ifPresent(missing::add);
    List<String> check = new ArrayList<>(asDatabaseUser);
    check.addAll(
        List.of(
            SYSTEM_PYTHON.toString(),
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import patroni.api, patroni.dcs.etcd3,"
                + " patroni.ctl; from patroni.version import __version__; print(__version__)",
            absolute.toString()));
    try {
      String imported = output(check).strip();
      if (!imported.equals(version)) {
        missing.add(
            option + ": imports as version " + imported + ", patroni/version.py says " + version);
      }
    } catch (IOException e) {
      missing.add(
          option
              + ": the database user cannot run it with "
              + SYSTEM_PYTHON
              + " (is the tree readable by that user, are Patroni's Python libraries installed?): "
              + e.getMessage());
    }
    return new Patroni(
        List.of(SYSTEM_PYTHON.toString(), absolute.resolve("patroni.py").toString()),
        List.of(SYSTEM_PYTHON.toString(), absolute.resolve("patronictl.py").toString()),
        version,
        absolute);
  }

  /**
   * Runs a short check to completion and returns its output; an IOException carrying the last line
   * of the output when it fails.
   */
  private static String output(List<String> command) throws IOException {
    Path out = Files.createTempFile("syncgate-e2e-check", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .directory(Path.of("/").toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String[] lines = text.strip().split("\n");
        throw new IOException("exit " + process.exitValue() + ": " + lines[lines.length - 1]);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Path binary(String name, String debianPackage, List<String> missing) {
    Optional<Path> found = onPath(name);
    if (found.isEmpty()) {
      missing.add(name + " (package " + debianPackage + ")");
    }
    return found.orElse(null);
  }

  static Optional<Path> onPath(String name) {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.addAll(SYSTEM_PATH);
    return dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
  }

  /** The newest /usr/lib/postgresql/N/bin that has a postgres binary. */
  private static Optional<Path> postgresBin() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The interpreter of a script's {@code #!} line; the system's Python otherwise. */
  private static String interpreterOf(Path script) {
    try {
      String first = Files.readAllLines(script).stream().findFirst().orElse("");
      if (first.startsWith("#!")) {
        return first.substring(2).trim().split("\\s+")[0];
      }
    } catch (IOException | RuntimeException e) {
      // Not a script (or unreadable): keep the system interpreter.
    }
    return SYSTEM_PYTHON.toString();
  }

  /**
   * Patroni's etcd3 module (3.0 and 4.1 alike) imports python-etcd (the v2 client), so without
   * python3-etcd the {@code etcd3:} section fails at start-up. Asks Patroni's own interpreter.
   */
  private static Optional<String> pythonEtcdMissing(String interpreter) {
    try {
      Process check =
          new ProcessBuilder(interpreter, "-c", "import etcd")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!check.waitFor(30, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        return Optional.of("python3-etcd (checking it timed out)");
      }
      return check.exitValue() == 0
          ? Optional.empty()
          : Optional.of("python3-etcd (Patroni's etcd3 DCS imports it)");
    } catch (IOException e) {
      return Optional.of(
          "python3-etcd (could not run " + interpreter + ": " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("python3-etcd (check interrupted)");
    }
  }

  private static boolean canBind(String address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
