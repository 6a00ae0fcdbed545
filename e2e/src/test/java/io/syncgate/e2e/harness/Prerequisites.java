package io.syncgate.e2e.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the real-Patroni tests need from the machine: Debian's {@code patroni}, {@code postgresql},
 * {@code etcd-server}, {@code pgbackrest} and {@code python3-etcd} packages, {@code setpriv} when
 * running as root, a {@code postgres} OS user, and loopback addresses beyond 127.0.0.1.
 *
 * <p>{@link #find()} looks everything up once; {@link #missing()} says what is absent, in words a
 * person can act on.
 */
public record Prerequisites(
    Path patroni,
    Path patronictl,
    Path etcd,
    Path pgbackrest,
    Path setpriv,
    Path pgBin,
    OsUser postgresUser,
    List<String> missing) {

  /** The Debian packages that provide everything here; scripts/install-deps.sh installs them. */
  public static final String PACKAGES =
      "patroni postgresql etcd-server etcd-client pgbackrest python3-etcd util-linux";

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
    Path patroni = binary("patroni", "patroni", missing);
    Path patronictl = binary("patronictl", "patroni", missing);
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
    if (patroni != null) {
      pythonEtcdMissing(patroni).ifPresent(missing::add);
    }
    if (!canBind("127.0.0.2")) {
      missing.add("loopback addresses beyond 127.0.0.1 (Linux routes all of 127.0.0.0/8)");
    }
    return new Prerequisites(
        patroni, patronictl, etcd, pgbackrest, setpriv, pgBin, postgres, List.copyOf(missing));
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

  /**
   * Patroni 3.0's etcd3 module imports python-etcd (the v2 client), so without python3-etcd the
   * {@code etcd3:} section fails at start-up. Asks Patroni's own interpreter.
   */
  private static Optional<String> pythonEtcdMissing(Path patroni) {
    String interpreter = "/usr/bin/python3";
    try {
      String first = Files.readAllLines(patroni).stream().findFirst().orElse("");
      if (first.startsWith("#!")) {
        interpreter = first.substring(2).trim().split("\\s+")[0];
      }
    } catch (IOException | RuntimeException e) {
      // Not a script (or unreadable): keep the system interpreter.
    }
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
