package io.syncgate.controller.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.syncgate.controller.bench.Bench;
import io.syncgate.controller.bench.BenchLogs;
import io.syncgate.controller.bench.BenchReport;
import io.syncgate.controller.bench.BenchSettings;
import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.policy.ByteQuantity;
import io.syncgate.policy.GoDuration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code syncgate bench}: the real controller against a simulated Patroni fleet and the embedded
 * API server on loopback; prints one table and writes the same figures as JSON.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the controller on loopback: a Patroni fleet simulator (gates x members), the"
          + " embedded API server and the real controller; prints polls/s, CPU per poll, tick"
          + " times, reaction latency, API writes and memory, and writes them as JSON.",
      "The first half of --duration is steady, the second half flips a replica's lag every"
          + " --flip-every."
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--gates",
      defaultValue = "100",
      description = "ReplicaGates, one Patroni cluster each (default: ${DEFAULT-VALUE}).")
  int gates;

  @Option(
      names = "--members-per-gate",
      defaultValue = "10",
      description = "Patroni members per cluster, the leader included (default: ${DEFAULT-VALUE}).")
  int membersPerGate;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description =
          "Measured time per mode: half steady, half flapping (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--poll-interval",
      defaultValue = "1s",
      description = "spec.pollInterval of every gate (default: ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(
      names = "--mode",
      defaultValue = "both",
      description =
          "How the simulated Patroni answers: close (HTTP/1.0, a new connection per poll, like"
              + " Patroni 3.0.2), keep-alive, or both, one run each (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--flip-every",
      defaultValue = "2s",
      description =
          "While flapping, how often a replica falls behind or catches up (default:"
              + " ${DEFAULT-VALUE}).")
  String flipEvery;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      description =
          "How long to run once every replica serves, before measuring; its second half flips"
              + " replicas as the flapping phase does, so the measured phases run compiled code,"
              + " and every replica serves again before measuring (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--simulator-threads",
      defaultValue = "1",
      description =
          "Event loops of the Patroni fleet simulator, per simulator process (default:"
              + " ${DEFAULT-VALUE}).")
  int simulatorThreads;

  @Option(
      names = "--simulator-processes",
      defaultValue = "auto",
      description =
          "Child processes the Patroni fleet simulator is split over, each serving a slice of the"
              + " gates: 0 runs it in the benchmark's process; auto does so when the process's"
              + " open-file limit allows (a socket per member, two with keep-alive) and otherwise"
              + " takes the fewest that fit (default: ${DEFAULT-VALUE}).")
  String simulatorProcesses;

  @Option(
      names = "--lag-jitter",
      defaultValue = "64Ki",
      description =
          "Largest replay lag of a replica that keeps up, drawn anew every second; 0 keeps"
              + " replicas exactly caught up (default: ${DEFAULT-VALUE}).")
  String lagJitter;

  @Option(
      names = "--haproxy-for",
      defaultValue = "30s",
      description =
          "Before the controller runs, HAProxy (option httpchk GET /patroni, inter = the poll"
              + " interval, a new connection per check) checks the same fleet this long, after"
              + " settling, and its CPU per check is set against the controller's; 0s skips it,"
              + " as does HAProxy not being installed (default: ${DEFAULT-VALUE}).")
  String haproxyFor;

  @Option(
      names = "--controller-jvm-options",
      defaultValue = BenchSettings.DEPLOYED_JVM_OPTIONS,
      description =
          "Options for the JVM of the controller process, space-separated; they replace the"
              + " default, which is the deployment's JAVA_TOOL_OPTIONS with -XX:MaxRAM standing"
              + " for its memory limit (default: ${DEFAULT-VALUE}); \"\" leaves the JVM's own"
              + " defaults.")
  String controllerJvmOptions;

  @Option(
      names = "--json-out",
      defaultValue = "target/syncgate-bench.json",
      description = "Where the JSON report goes (default: ${DEFAULT-VALUE}).")
  Path jsonOut;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BenchSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      err.println("syncgate bench: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    Map<Logger, Level> levels = BenchLogs.quiet();
    try {
      BenchReport report = Bench.run(settings, err);
      out.print(report.table());
      report.writeJson(jsonOut);
      out.println("JSON report: " + jsonOut);
      out.flush();
      return 0;
    } catch (Exception e) {
      err.println("syncgate bench: failed: " + e);
      return 1;
    } finally {
      levels.forEach(Logger::setLevel);
    }
  }

  BenchSettings settings() {
    return new BenchSettings(
        gates,
        membersPerGate,
        duration("--duration", duration),
        duration("--poll-interval", pollInterval),
        modes(mode),
        duration("--flip-every", flipEvery),
        duration("--warmup", warmup),
        simulatorThreads,
        processes(simulatorProcesses),
        bytes("--lag-jitter", lagJitter),
        duration("--haproxy-for", haproxyFor),
        controllerJvmOptions == null || controllerJvmOptions.isBlank()
            ? List.of()
            : List.of(controllerJvmOptions.strip().split("\\s+")),
        jsonOut);
  }

  static List<PatroniSimulator.Mode> modes(String mode) {
    return switch (mode) {
      case "close" -> List.of(PatroniSimulator.Mode.HTTP10_CLOSE);
      case "keep-alive" -> List.of(PatroniSimulator.Mode.KEEP_ALIVE);
      case "both" -> List.of(PatroniSimulator.Mode.HTTP10_CLOSE, PatroniSimulator.Mode.KEEP_ALIVE);
      default ->
          throw new IllegalArgumentException(
              "--mode must be close, keep-alive or both, got " + mode);
    };
  }

  static int processes(String text) {
    if (text.equals("auto")) {
      return BenchSettings.AUTO;
    }
    try {
      int processes = Integer.parseInt(text);
      if (processes >= 0) {
        return processes;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        "--simulator-processes must be auto or a number of processes (0: none), got " + text);
  }

  private static Duration duration(String option, String text) {
    try {
      return GoDuration.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          option + " must be a duration such as 60s or 500ms, got " + text, e);
    }
  }

  private static long bytes(String option, String text) {
    try {
      return ByteQuantity.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          option + " must be a byte quantity such as 64Ki, got " + text, e);
    }
  }
}
