package io.syncgate.controller.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The peer the controller's poll cost is compared with: HAProxy (Debian's package) health-checking
 * the same simulated fleet the way Patroni's documentation sets it up, {@code option httpchk GET
 * /patroni} every {@code inter} with a new connection per check, one backend per cluster. HAProxy
 * runs as its own process; its whole-process CPU time is read from {@code /proc} as the
 * controller's is, and the checks it made are counted by the simulator.
 */
final class HaproxyRun {

  /** Where Debian installs it; {@code haproxy} on the PATH is tried first. */
  static final List<String> CANDIDATES = List.of("haproxy", "/usr/sbin/haproxy");

  /** What one run measured: checks per second and CPU per check. */
  record Measured(
      double checksPerSecond, double microsPerCheck, double kernelMicrosPerCheck, double cores) {}

  private HaproxyRun() {}

  /**
   * The configuration: one backend per cluster, every member a server checked with {@code GET
   * /patroni} every {@code interval}. Nothing is proxied: HAProxy insists on one listener, so its
   * only frontend listens on a Unix socket ({@code socket}) that nobody connects to. {@code
   * maxconn} is kept small so HAProxy asks for few file descriptors beyond one per check.
   */
  static String config(
      List<List<String>> hostsByCluster, int port, Duration interval, String socket) {
    StringBuilder out = new StringBuilder();
    out.append("global\n    maxconn 256\n\n");
    out.append("defaults\n    mode http\n");
    out.append("    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\n");
    out.append("    timeout check 1s\n\n");
    out.append("frontend unused\n    bind unix@").append(socket).append('\n');
    out.append("    default_backend cluster-00000\n\n");
    String inter = interval.toMillis() + "ms";
    for (int c = 0; c < hostsByCluster.size(); c++) {
      out.append(String.format(Locale.ROOT, "backend cluster-%05d%n", c));
      out.append("    option httpchk GET /patroni\n");
      out.append("    http-check expect status 200\n");
      out.append("    default-server inter ").append(inter).append(" fall 3 rise 2\n");
      List<String> hosts = hostsByCluster.get(c);
      for (int m = 0; m < hosts.size(); m++) {
        out.append(
            String.format(Locale.ROOT, "    server m%d %s:%d check%n", m, hosts.get(m), port));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The HAProxy executable that answers {@code -v}, if any. */
  static Optional<String> find() {
    for (String candidate : CANDIDATES) {
      try {
        Process p = new ProcessBuilder(candidate, "-v").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(candidate);
        }
      } catch (IOException e) {
        // not there; try the next
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Runs HAProxy on {@code config} (given the path of its unused socket), lets it settle for one
   * check interval and a bit (its first checks are spread over the interval), then measures for
   * {@code duration}: the checks the simulator answered ({@code checks}) and HAProxy's CPU time.
   * Stops HAProxy in any case.
   *
   * @param idle called while waiting, so the benchmark's driver keeps absorbing its own traffic
   */
  static Measured measure(
      String executable,
      Function<String, String> config,
      Path workDir,
      Duration settle,
      Duration duration,
      LongSupplier checks,
      Runnable idle)
      throws IOException {
    Files.createDirectories(workDir);
    Path cfg = workDir.resolve("haproxy.cfg");
    // A Unix socket's path is limited to about 100 bytes: a fresh directory under the system's
    // temporary one, not the (possibly deep) work directory.
    Path socketDir = Files.createTempDirectory("syncgate-haproxy");
    Path socket = socketDir.resolve("unused.sock");
    Files.writeString(cfg, config.apply(socket.toString()), StandardCharsets.UTF_8);
    Path log = workDir.resolve("haproxy.log");
    // -db: stay in the foreground, so this process owns it and it stops with it.
    Process haproxy =
        new ProcessBuilder(executable, "-db", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    try {
      waitFor(settle, haproxy, log, idle);
      ProcessStats.Cpu cpu0 = ProcessStats.cpu(haproxy.pid());
      long checks0 = checks.getAsLong();
      long start = System.nanoTime();
      waitFor(duration, haproxy, log, idle);
      ProcessStats.Cpu cpu1 = ProcessStats.cpu(haproxy.pid());
      long made = checks.getAsLong() - checks0;
      double seconds = (System.nanoTime() - start) / 1e9;
      if (cpu0 == null || cpu1 == null) {
        throw new IOException("cannot read HAProxy's CPU time from /proc");
      }
      double cpu = cpu1.totalNanos() - cpu0.totalNanos();
      double kernel = cpu1.kernelNanos() - cpu0.kernelNanos();
      return new Measured(
          made / seconds,
          made == 0 ? Double.NaN : cpu / 1e3 / made,
          made == 0 ? Double.NaN : kernel / 1e3 / made,
          cpu / 1e9 / seconds);
    } finally {
      haproxy.destroy();
      try {
        if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
          haproxy.destroyForcibly();
        }
      } catch (InterruptedException e) {
        haproxy.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(socket);
      Files.deleteIfExists(socketDir);
    }
  }

  private static void waitFor(Duration time, Process haproxy, Path log, Runnable idle)
      throws IOException {
    long end = System.nanoTime() + time.toNanos();
    while (System.nanoTime() < end) {
      if (!haproxy.isAlive()) {
        throw new IOException(
            "HAProxy stopped (exit "
                + haproxy.exitValue()
                + "): "
                + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
      idle.run();
      LockSupport.parkNanos(Math.min(50_000_000L, Math.max(1, end - System.nanoTime())));
    }
  }
}
