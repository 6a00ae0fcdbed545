package io.syncgate.controller.bench;

import io.syncgate.controller.demo.PatroniSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@code syncgate bench} runs.
 *
 * @param gates how many ReplicaGates (Patroni clusters)
 * @param membersPerGate members of each cluster, the leader included
 * @param duration the measured time of one run: the first half steady, the second half flapping
 * @param pollInterval every gate's {@code spec.pollInterval}
 * @param modes how the simulator answers, one run per mode, in this order
 * @param flipEvery how often a replica's lag is flipped while flapping
 * @param warmup how long to keep running once every replica serves, before measuring
 * @param simulatorThreads event loops of the Patroni fleet simulator, per simulator process
 * @param simulatorProcesses child processes the simulator is split over: {@link #AUTO}, 0 (in the
 *     benchmark's process) or more
 * @param lagJitterBytes the largest replay lag of a replica that keeps up (0: always caught up)
 * @param haproxyFor how long HAProxy checks the same fleet before the controller runs, measured
 *     after one check interval of settling; zero: no HAProxy run
 * @param controllerJvmOptions options for the controller process's JVM (none: its own defaults; the
 *     command's default is {@link #DEPLOYED_JVM_OPTIONS})
 * @param jsonOut where the JSON report goes
 */
public record BenchSettings(
    int gates,
    int membersPerGate,
    Duration duration,
    Duration pollInterval,
    List<PatroniSimulator.Mode> modes,
    Duration flipEvery,
    Duration warmup,
    int simulatorThreads,
    int simulatorProcesses,
    long lagJitterBytes,
    Duration haproxyFor,
    List<String> controllerJvmOptions,
    Path jsonOut) {

  /**
   * {@link #simulatorProcesses} chosen per run: in the benchmark's process when its open-file limit
   * allows, otherwise split over the fewest child processes that fit.
   */
  public static final int AUTO = -1;

  /**
   * The controller process's JVM options unless told otherwise: the deployment's {@code
   * JAVA_TOOL_OPTIONS} (deploy/base/deployment.yaml), with {@code -XX:MaxRAM} standing for its
   * memory limit, so the heap is sized as in a deployed controller and not from the benchmark
   * machine's memory (a quarter of it by default, which lets the collector run far less often).
   */
  public static final String DEPLOYED_JVM_OPTIONS =
      "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError";

  /** The smallest poll interval a ReplicaGate accepts. */
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);

  public BenchSettings {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(flipEvery, "flipEvery");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(jsonOut, "jsonOut");
    Objects.requireNonNull(haproxyFor, "haproxyFor");
    modes = List.copyOf(modes);
    controllerJvmOptions = List.copyOf(controllerJvmOptions);
    if (haproxyFor.isNegative()) {
      throw new IllegalArgumentException("--haproxy-for must not be negative, got " + haproxyFor);
    }
    if (gates < 1) {
      throw new IllegalArgumentException("--gates must be at least 1, got " + gates);
    }
    if (membersPerGate < 2) {
      throw new IllegalArgumentException(
          "--members-per-gate must be at least 2 (a leader and a replica), got " + membersPerGate);
    }
    if ((long) gates * membersPerGate > FleetSimulator.MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "at most "
              + FleetSimulator.MAX_MEMBERS
              + " members fit the loopback address plan, asked for "
              + (long) gates * membersPerGate);
    }
    if (duration.compareTo(Duration.ofSeconds(2)) < 0) {
      throw new IllegalArgumentException("--duration must be at least 2s, got " + duration);
    }
    if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "--poll-interval must be at least 100ms (the ReplicaGate minimum), got " + pollInterval);
    }
    if (flipEvery.isNegative() || flipEvery.isZero()) {
      throw new IllegalArgumentException("--flip-every must be positive, got " + flipEvery);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
    }
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("no mode to run");
    }
    if (simulatorThreads < 1) {
      throw new IllegalArgumentException(
          "--simulator-threads must be at least 1, got " + simulatorThreads);
    }
    if (simulatorProcesses < AUTO) {
      throw new IllegalArgumentException(
          "--simulator-processes must be auto, 0 or more, got " + simulatorProcesses);
    }
    if (simulatorProcesses > gates) {
      throw new IllegalArgumentException(
          "--simulator-processes must be at most --gates ("
              + gates
              + "), got "
              + simulatorProcesses);
    }
    if (lagJitterBytes < 0) {
      throw new IllegalArgumentException("--lag-jitter must not be negative");
    }
  }

  /** All members of all clusters. */
  public int members() {
    return gates * membersPerGate;
  }

  /** Polls per second the gates ask for: every member once per poll interval. */
  public double askedPollsPerSecond() {
    return members() * 1e9 / pollInterval.toNanos();
  }

  /** The steady half of {@link #duration}. */
  Duration steady() {
    return duration.dividedBy(2);
  }

  /** The flapping half of {@link #duration}. */
  Duration flapping() {
    return duration.minus(steady());
  }
}
