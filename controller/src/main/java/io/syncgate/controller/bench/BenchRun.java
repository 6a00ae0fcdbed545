package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.mesh.MeshDiff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One benchmark run in one simulator mode, on the calling thread: the embedded API server, the
 * Patroni fleet, the member pods and the gates, the real controller; then, once every replica
 * serves and the warm-up has passed, a steady phase (nothing changes) and a flapping phase (every
 * {@code flipEvery} a replica falls behind ejection.maxLag or catches up again), and the figures.
 *
 * <p>The bench gates use the defaults of a ReplicaGate except: {@code pollInterval} from the
 * settings, {@code admission.stableFor: 0s} (so an admission's latency is the controller's, not the
 * deliberate wait), {@code ramp.steps: [50, 100]} and {@code ramp.stepInterval: 5s} (so the fleet
 * is serving within seconds).
 */
final class BenchRun {

  static final String NAMESPACE = "bench";
  static final String CLUSTER_LABEL = "syncgate.io/bench-cluster";
  static final long MESH_PORT = MeshSpec.DEFAULT_PORT;
  static final List<Integer> RAMP_STEPS = List.of(50, 100);
  static final String STEP_INTERVAL = "5s";
  static final String STABLE_FOR = "0s";

  /** How far a flipped replica falls behind: four times the default ejection.maxLag (16 MiB). */
  static final long LAGGING_BYTES = 64L << 20;

  /** How fast every simulated leader writes. */
  static final long LEADER_WRITE_BYTES_PER_SECOND = 256L << 10;

  private static final long SECOND = 1_000_000_000L;
  private static final ObjectMapper EVENT_JSON = new ObjectMapper();
  private static final double MIB = 1024.0 * 1024.0;

  /** The outcome of one run: its figures, or why it was skipped, and notes. */
  record Result(
      PatroniSimulator.Mode mode,
      Map<Figure, Double> figures,
      String skipped,
      List<String> notes) {}

  private final BenchSettings settings;
  private final PatroniSimulator.Mode mode;
  private final PrintWriter progress;
  private final ApiTraffic traffic = new ApiTraffic();
  private final Reactions reactions = new Reactions();
  private final Map<String, Map<String, Integer>> liveWeights = new HashMap<>();
  private final List<Map<String, Integer>> eventReasons = List.of(new TreeMap<>(), new TreeMap<>());
  private final long[][] counts = new long[2][ApiTraffic.Kind.values().length];

  /**
   * Writes the API server refused, by phase, kind and status (a 409 is a write sent again): they
   * count in the write figures, and this says how many of those were not taken.
   */
  private final List<Map<String, Integer>> refusedWrites =
      List.of(new TreeMap<>(), new TreeMap<>());

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final SplittableRandom random = new SplittableRandom(42);
  private final List<String> notes = new ArrayList<>();
  private final Set<Long> benchThreads = Set.of(Thread.currentThread().getId());
  private long steadyStart = Long.MAX_VALUE;
  private long steadyEnd = Long.MAX_VALUE;
  private long flappingStart = Long.MAX_VALUE;
  private long flappingEnd = Long.MAX_VALUE;
  private int flips;
  private Fleet fleet;

  BenchRun(BenchSettings settings, PatroniSimulator.Mode mode, PrintWriter progress) {
    this.settings = settings;
    this.mode = mode;
    this.progress = progress;
  }

  /** The name of a mode in the table and the JSON. */
  static String modeName(PatroniSimulator.Mode mode) {
    return mode == PatroniSimulator.Mode.HTTP10_CLOSE ? "http10-close" : "keep-alive";
  }

  /**
   * File descriptors the process that holds the most of the fleet needs: a listening socket per
   * member it serves, the server end of each such member's kept connection in keep-alive mode, and
   * room for the rest (connections being opened and closed, the API server's, the JVM's own files).
   * {@code processes} 0: the whole fleet in the benchmark's process; more: split over that many
   * child processes (each inherits this process's limit), the largest slice counting. The
   * controller and HAProxy run as processes of their own, with limits of their own.
   */
  static long openFilesNeeded(BenchSettings settings, PatroniSimulator.Mode mode, int processes) {
    long gates = processes == 0 ? settings.gates() : (settings.gates() + processes - 1) / processes;
    long members = gates * settings.membersPerGate();
    long kept = mode == PatroniSimulator.Mode.KEEP_ALIVE ? members : 0;
    return members + kept + 1000;
  }

  /**
   * The simulator processes of a run: as set, or (auto) 0 when the fleet fits this process's
   * open-file limit {@code limit} (-1: unknown), else the fewest child processes whose slices fit
   * (all gates', one each, when none do: the run is then skipped).
   */
  static int simulatorProcesses(BenchSettings settings, PatroniSimulator.Mode mode, long limit) {
    if (settings.simulatorProcesses() != BenchSettings.AUTO) {
      return settings.simulatorProcesses();
    }
    if (limit <= 0 || openFilesNeeded(settings, mode, 0) <= limit) {
      return 0;
    }
    for (int processes = 1; processes < settings.gates(); processes++) {
      if (openFilesNeeded(settings, mode, processes) <= limit) {
        return processes;
      }
    }
    return settings.gates();
  }

  Result run() throws Exception {
    long limit = maxOpenFiles();
    int processes = simulatorProcesses(settings, mode, limit);
    long needed = openFilesNeeded(settings, mode, processes);
    if (limit > 0 && needed > limit) {
      String why =
          String.format(
              Locale.ROOT,
              "needs about %d open files in %s (a listening socket per member%s), the limit is"
                  + " %d: raise it (ulimit -n), split the simulator over more processes"
                  + " (--simulator-processes) or run fewer members",
              needed,
              processes == 0 ? "the benchmark's process" : "each simulator process",
              mode == PatroniSimulator.Mode.KEEP_ALIVE
                  ? " plus the server end of its kept connection"
                  : "",
              limit);
      say("skipped: " + why);
      return new Result(mode, null, why, List.of());
    }
    Map<Figure, Double> figures = new EnumMap<>(Figure.class);
    figures.put(Figure.LOAD_BEFORE, loadAverage());
    try (EmbeddedApiServer api = EmbeddedApiServer.start(false, traffic)) {
      fleet = startFleet(processes);
      try {
        say(
            String.format(
                Locale.ROOT,
                "%d members on 127.%d.0.0/16:%d (%s), creating pods",
                settings.members(),
                fleet.subnet(),
                FleetSimulator.PATRONI_PORT,
                fleet.describe()));
        createPods(api.admin());
        runHaproxy(figures);
        runController(api, figures);
      } finally {
        fleet.close();
      }
    }
    figures.put(Figure.LOAD_AFTER, loadAverage());
    return new Result(mode, figures, null, List.copyOf(notes));
  }

  /**
   * HAProxy checks the fleet the controller will poll, in the same run, so the two CPU figures
   * compare: same simulator, same machine, same minute.
   */
  private void runHaproxy(Map<Figure, Double> figures) throws IOException {
    if (settings.haproxyFor().isZero()) {
      return;
    }
    Optional<String> haproxy = HaproxyRun.find();
    if (haproxy.isEmpty()) {
      notes.add("HAProxy not found (" + String.join(", ", HaproxyRun.CANDIDATES) + "): no ratio");
      return;
    }
    List<List<String>> hosts = new ArrayList<>();
    for (int g = 0; g < settings.gates(); g++) {
      List<String> cluster = new ArrayList<>();
      for (int m = 0; m < settings.membersPerGate(); m++) {
        cluster.add(fleet.host(g, m));
      }
      hosts.add(cluster);
    }
    // HAProxy spreads its first checks over one interval.
    Duration settle = settings.pollInterval().multipliedBy(2).plusSeconds(3);
    say(
        "HAProxy checks the fleet: "
            + settle.toSeconds()
            + "s settling, "
            + settings.haproxyFor().toSeconds()
            + "s measured");
    HaproxyRun.Measured measured =
        HaproxyRun.measure(
            haproxy.get(),
            socket ->
                HaproxyRun.config(
                    hosts, FleetSimulator.PATRONI_PORT, settings.pollInterval(), socket),
            workDir().resolve("haproxy-" + modeName(mode)),
            settle,
            settings.haproxyFor(),
            fleet::polls,
            this::absorbTraffic);
    figures.put(Figure.HAPROXY_CHECKS, measured.checksPerSecond());
    figures.put(Figure.HAPROXY_MICROS_PER_CHECK, measured.microsPerCheck());
    figures.put(Figure.HAPROXY_KERNEL_MICROS_PER_CHECK, measured.kernelMicrosPerCheck());
    figures.put(Figure.HAPROXY_CORES, measured.cores());
    say(
        String.format(
            Locale.ROOT,
            "HAProxy: %.0f checks/s, %.1f us per check",
            measured.checksPerSecond(),
            measured.microsPerCheck()));
  }

  /** Where the run's files go (HAProxy's configuration, the controller's log): by the JSON. */
  private Path workDir() {
    Path parent = settings.jsonOut().toAbsolutePath().getParent();
    return parent.resolve("syncgate-bench");
  }

  private void runController(EmbeddedApiServer api, Map<Figure, Double> figures) throws Exception {
    Files.createDirectories(workDir());
    Path log = workDir().resolve("controller-" + modeName(mode) + ".log");
    Files.deleteIfExists(log);
    say("starting the controller process (log: " + log + ")");
    long watches0 = traffic.watches();
    try (ControllerChild controller =
        ControllerChild.start(
            api.config().getMasterUrl(),
            NAMESPACE,
            settings.controllerJvmOptions(),
            log,
            Duration.ofSeconds(180))) {
      long polls0 = fleet.polls();
      long gatesCreated = System.nanoTime();
      createGates(api.admin());
      say("waiting until every replica serves");
      double warmup = awaitServing(api.admin(), gatesCreated);
      figures.put(Figure.WARMUP_SECONDS, warmup);
      // The warm-up's second half flips replicas as the flapping phase does, so the JIT has
      // compiled ejection, admission and the ramp before anything is measured: without it, half
      // of the flapping phase's CPU was the JIT compiling those paths for the first time (perf),
      // which a controller that has run for a while has long done.
      say(
          "all replicas serving; warming up for "
              + settings.warmup().toSeconds()
              + "s, flipping replicas in its second half");
      long quiet = settings.warmup().toNanos() / 2;
      runFor(quiet, false, null);
      runFor(settings.warmup().toNanos() - quiet, true, null);
      settleWarmupFlips(api.admin());
      long fromStartCpu = controller.cpu().totalNanos();
      long fromStartPolls = fleet.polls() - polls0;
      figures.put(
          Figure.CONTROLLER_MICROS_PER_POLL_FROM_START,
          fromStartPolls == 0 ? Double.NaN : fromStartCpu / 1e3 / fromStartPolls);
      measure(controller, figures);
      figures.put(Figure.WATCHES, (double) (traffic.watches() - watches0));
    }
    Double haproxy = figures.get(Figure.HAPROXY_MICROS_PER_CHECK);
    if (haproxy != null) {
      figures.put(Figure.RATIO_STEADY, figures.get(Figure.CONTROLLER_MICROS_PER_POLL) / haproxy);
      figures.put(
          Figure.RATIO_FROM_START,
          figures.get(Figure.CONTROLLER_MICROS_PER_POLL_FROM_START) / haproxy);
    }
  }

  private void measure(ControllerChild controller, Map<Figure, Double> figures) throws IOException {
    CpuMeter cpu = new CpuMeter(traffic.serverThreads(), benchThreads);
    controller.mark();
    JsonNode report0 = controller.report();
    Map<String, Double> stale0 = staleReads(report0);
    long polls0 = fleet.polls();
    ProcessStats.Cpu controllerCpu0 = controller.cpu();
    long simulatorCpu0 = fleet.cpuNanos();
    cpu.start();
    steadyStart = System.nanoTime();
    steadyEnd = steadyStart + settings.steady().toNanos();
    say("measuring: " + settings.steady().toSeconds() + "s steady");
    runFor(steadyEnd - System.nanoTime(), false, cpu);
    ProcessStats.Cpu controllerCpu1 = controller.cpu();
    long polls1 = fleet.polls();
    double steadySeconds = (System.nanoTime() - steadyStart) / 1e9;
    JsonNode report1 = controller.report();
    Map<String, Double> stale1 = staleReads(report1);
    flappingStart = System.nanoTime();
    flappingEnd = flappingStart + settings.flapping().toNanos();
    say(
        "measuring: "
            + settings.flapping().toSeconds()
            + "s flapping, a flip every "
            + settings.flipEvery().toMillis()
            + "ms");
    runFor(flappingEnd - System.nanoTime(), true, cpu);
    ProcessStats.Cpu controllerCpu2 = controller.cpu();
    long simulator = fleet.cpuNanos() - simulatorCpu0;
    cpu.stop();
    long measuredNanos = System.nanoTime() - steadyStart;
    long polls = fleet.polls() - polls0;

    // Late reactions to the last flips still count; nothing else is measured any more.
    awaitReactions();
    JsonNode report = controller.report();
    Map<String, Double> stale2 = staleReads(report);

    double seconds = measuredNanos / 1e9;
    figures.put(Figure.POLLS_ASKED, settings.askedPollsPerSecond());
    figures.put(Figure.POLLS_ACHIEVED, polls / seconds);
    figures.put(Figure.POLL_ERRORS, report.path("pollErrors").asDouble(Double.NaN));
    figures.put(Figure.TICKS, report.path("ticks").asDouble(Double.NaN));
    figures.put(Figure.TICK_P50, report.path("tickP50Millis").asDouble(Double.NaN));
    figures.put(Figure.TICK_P99, report.path("tickP99Millis").asDouble(Double.NaN));
    figures.put(Figure.TICK_MAX, report.path("tickMaxMillis").asDouble(Double.NaN));
    long steadyPolls = polls1 - polls0;
    figures.put(
        Figure.CONTROLLER_MICROS_PER_POLL,
        steadyPolls == 0
            ? Double.NaN
            : (controllerCpu1.totalNanos() - controllerCpu0.totalNanos()) / 1e3 / steadyPolls);
    figures.put(
        Figure.CONTROLLER_KERNEL_MICROS_PER_POLL,
        steadyPolls == 0
            ? Double.NaN
            : (controllerCpu1.kernelNanos() - controllerCpu0.kernelNanos()) / 1e3 / steadyPolls);
    figures.put(
        Figure.CONTROLLER_JIT_MILLIS_PER_SECOND,
        (report1.path("jitMillis").asDouble(Double.NaN)
                - report0.path("jitMillis").asDouble(Double.NaN))
            / steadySeconds);
    figures.put(
        Figure.CONTROLLER_MICROS_PER_POLL_MEASURED,
        polls == 0
            ? Double.NaN
            : (controllerCpu2.totalNanos() - controllerCpu0.totalNanos()) / 1e3 / polls);
    figures.put(
        Figure.CONTROLLER_CORES,
        (controllerCpu2.totalNanos() - controllerCpu0.totalNanos()) / (double) measuredNanos);
    figures.put(
        Figure.SIMULATOR_MICROS_PER_POLL, polls == 0 ? Double.NaN : simulator / 1e3 / polls);
    figures.put(Figure.SIMULATOR_CORES, simulator / (double) measuredNanos);
    figures.put(
        Figure.API_SERVER_CORES, cpu.nanos(CpuMeter.Part.API_SERVER) / (double) measuredNanos);
    figures.put(Figure.BENCH_PROCESS_CORES, cpu.processNanos() / (double) measuredNanos);
    putReactions(figures, Reactions.Direction.EJECT);
    putReactions(figures, Reactions.Direction.ADMIT);
    double steadyMinutes = (steadyEnd - steadyStart) / 60e9;
    double flappingMinutes = (flappingEnd - flappingStart) / 60e9;
    putWrites(figures, 0, steadyMinutes, Figure.STEADY_DR, Figure.STEADY_VS, Figure.STEADY_STATUS);
    figures.put(Figure.STEADY_EVENTS, count(0, ApiTraffic.Kind.EVENT_WRITE) / steadyMinutes);
    figures.put(Figure.STEADY_READS, count(0, ApiTraffic.Kind.READ) / steadyMinutes);
    putWrites(
        figures,
        1,
        flappingMinutes,
        Figure.FLAPPING_DR,
        Figure.FLAPPING_VS,
        Figure.FLAPPING_STATUS);
    figures.put(Figure.FLAPPING_EVENTS, count(1, ApiTraffic.Kind.EVENT_WRITE) / flappingMinutes);
    figures.put(Figure.FLAPPING_READS, count(1, ApiTraffic.Kind.READ) / flappingMinutes);
    putStaleReads(figures, stale0, stale1, Figure.STALE_STEADY_SUM, Figure.STALE_STEADY_MAX);
    putStaleReads(figures, stale1, stale2, Figure.STALE_FLAPPING_SUM, Figure.STALE_FLAPPING_MAX);
    figures.put(Figure.HEAP_AFTER, report.path("heapAfterGcMiB").asDouble(Double.NaN));
    figures.put(Figure.RSS, report.path("rssMiB").asDouble(Double.NaN));
    figures.put(Figure.OPEN_FILES, report.path("maxOpenFiles").asDouble(Double.NaN));
    for (int phase = 0; phase < 2; phase++) {
      String name = phase == 0 ? "steady" : "flapping";
      if (!eventReasons.get(phase).isEmpty()) {
        notes.add(name + " events by reason: " + eventReasons.get(phase));
      }
      if (!refusedWrites.get(phase).isEmpty()) {
        notes.add(name + " writes refused, by kind and status: " + refusedWrites.get(phase));
      }
    }
    if (count(0, ApiTraffic.Kind.OTHER_WRITE) + count(1, ApiTraffic.Kind.OTHER_WRITE) > 0) {
      notes.add(
          "other writes while measuring: "
              + (count(0, ApiTraffic.Kind.OTHER_WRITE) + count(1, ApiTraffic.Kind.OTHER_WRITE)));
    }
    say(String.format(Locale.ROOT, "done: %d polls in %.1fs, %d flips", polls, seconds, flips));
  }

  /** The stale-read counters of a controller report, by gate. */
  private static Map<String, Double> staleReads(JsonNode report) {
    Map<String, Double> out = new HashMap<>();
    report
        .path("staleReads")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    return out;
  }

  /**
   * The rise of each gate's stale-read exposure counter between two readings: summed over the
   * gates, and the largest of one gate.
   */
  static void putStaleReads(
      Map<Figure, Double> figures,
      Map<String, Double> before,
      Map<String, Double> after,
      Figure sum,
      Figure worst) {
    double total = 0;
    double most = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double rise = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
      total += rise;
      most = Math.max(most, rise);
    }
    figures.put(sum, total);
    figures.put(worst, most);
  }

  private void putReactions(Map<Figure, Double> figures, Reactions.Direction direction) {
    Latencies.Summary summary = reactions.summary(direction);
    boolean eject = direction == Reactions.Direction.EJECT;
    figures.put(eject ? Figure.EJECTIONS : Figure.ADMISSIONS, (double) summary.count());
    figures.put(eject ? Figure.EJECTION_P50 : Figure.ADMISSION_P50, summary.p50Millis());
    figures.put(eject ? Figure.EJECTION_P99 : Figure.ADMISSION_P99, summary.p99Millis());
    figures.put(eject ? Figure.EJECTION_MAX : Figure.ADMISSION_MAX, summary.maxMillis());
    figures.put(
        eject ? Figure.EJECTIONS_MISSED : Figure.ADMISSIONS_MISSED,
        (double) reactions.missed(direction));
  }

  private void putWrites(
      Map<Figure, Double> figures,
      int phase,
      double minutes,
      Figure destinationRules,
      Figure virtualServices,
      Figure status) {
    figures.put(destinationRules, count(phase, ApiTraffic.Kind.DESTINATION_RULE_WRITE) / minutes);
    figures.put(virtualServices, count(phase, ApiTraffic.Kind.VIRTUAL_SERVICE_WRITE) / minutes);
    figures.put(status, count(phase, ApiTraffic.Kind.STATUS_WRITE) / minutes);
  }

  private long count(int phase, ApiTraffic.Kind kind) {
    return counts[phase][kind.ordinal()];
  }

  // ------------------------------------------------------------------ the driver loop

  /** Runs the loop for {@code nanos}: API traffic, samples, and flips when {@code flipping}. */
  private void runFor(long nanos, boolean flipping, CpuMeter cpu) {
    long now = System.nanoTime();
    long end = now + Math.max(0, nanos);
    long nextSample = now + SECOND;
    long flipEvery = settings.flipEvery().toNanos();
    long nextFlip = flipping ? now + flipEvery : Long.MAX_VALUE;
    while ((now = System.nanoTime()) < end) {
      absorbTraffic();
      if (now >= nextSample) {
        if (cpu != null) {
          cpu.sample();
        }
        nextSample += SECOND;
      }
      if (now >= nextFlip) {
        flip();
        nextFlip += flipEvery;
      }
      LockSupport.parkNanos(Math.min(10_000_000L, Math.max(1, end - now)));
    }
    absorbTraffic();
  }

  /** Runs the loop until {@code done} or the time is up; says which. */
  private boolean runUntil(BooleanSupplier done, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      runFor(50_000_000L, false, null);
    }
    return true;
  }

  /** Counts the API requests of the measured phases and follows the VirtualService weights. */
  private void absorbTraffic() {
    for (ApiTraffic.Request request : traffic.drain()) {
      int phase = phaseOf(request.nanos());
      if (phase >= 0) {
        counts[phase][request.kind().ordinal()]++;
        if (request.kind().isWrite() && !request.succeeded()) {
          refusedWrites.get(phase).merge(request.kind() + " " + request.status(), 1, Integer::sum);
        }
        if (request.kind() == ApiTraffic.Kind.EVENT_WRITE && request.body() != null) {
          eventReasons.get(phase).merge(eventReason(request.body()), 1, Integer::sum);
        }
      }
      if (request.kind() == ApiTraffic.Kind.VIRTUAL_SERVICE_WRITE
          && request.succeeded()
          && request.body() != null) {
        VirtualService vs =
            serialization.unmarshal(new ByteArrayInputStream(request.body()), VirtualService.class);
        if (vs == null || vs.getMetadata() == null) {
          continue;
        }
        String gate = vs.getMetadata().getName();
        Map<String, Integer> weights =
            MeshDiff.routeOf(vs, MESH_PORT).map(Route::weights).orElse(Map.of());
        liveWeights.put(gate, weights);
        reactions.written(gate, weights, request.nanos());
      }
    }
  }

  /** The reason of an Event or events.k8s.io Event written, "?" when the body says none. */
  private static String eventReason(byte[] body) {
    try {
      return EVENT_JSON.readTree(body).path("reason").asText("?");
    } catch (IOException e) {
      return "?";
    }
  }

  /** 0 steady, 1 flapping, -1 neither. */
  private int phaseOf(long nanos) {
    if (nanos >= steadyStart && nanos < steadyEnd) {
      return 0;
    }
    if (nanos >= flappingStart && nanos < flappingEnd) {
      return 1;
    }
    return -1;
  }

  /** Waits for the flips made so far to show in a VirtualService write, at most a few polls. */
  private void awaitReactions() {
    long grace = 3 * settings.pollInterval().toNanos() + 5 * SECOND;
    runUntil(() -> reactions.pendingCount() == 0, Duration.ofNanos(grace));
  }

  /**
   * Ends the warm-up's flips: waits for their reactions, puts back every replica still lagging,
   * waits until every replica serves again and forgets what was seen, none of which is measured.
   */
  private void settleWarmupFlips(KubernetesClient admin) {
    awaitReactions();
    for (Reactions.Flip lagging : reactions.forget()) {
      changed(fleet.setLagging(lagging.gate(), lagging.replica(), false));
    }
    awaitServing(admin, System.nanoTime());
    notes.add(
        "warm-up: "
            + flips
            + " flips in its second half, every replica serving again before measuring");
    flips = 0;
  }

  /**
   * Every other flip brings back the oldest replica whose ejection was seen; the others make a
   * random replica that has a share fall behind.
   */
  private void flip() {
    flips++;
    Reactions.Flip back = flips % 2 == 0 ? reactions.takeEjected() : null;
    if (back != null) {
      long nanos = changed(fleet.setLagging(back.gate(), back.replica(), false));
      reactions.flipped(
          FleetSimulator.gateName(back.gate()),
          new Reactions.Flip(
              Reactions.Direction.ADMIT, back.gate(), back.replica(), back.replicaName(), nanos));
      return;
    }
    for (int attempt = 0; attempt < 50; attempt++) {
      int gate = random.nextInt(settings.gates());
      int replica = 1 + random.nextInt(settings.membersPerGate() - 1);
      String gateName = FleetSimulator.gateName(gate);
      String name = FleetSimulator.memberName(gate, replica);
      Map<String, Integer> weights = liveWeights.get(gateName);
      if (weights == null
          || weights.getOrDefault(name, 0) == 0
          || reactions.isPending(gateName, name)) {
        continue;
      }
      long nanos = changed(fleet.setLagging(gate, replica, true));
      reactions.flipped(
          gateName, new Reactions.Flip(Reactions.Direction.EJECT, gate, replica, name, nanos));
      return;
    }
  }

  private static long changed(java.util.concurrent.CompletableFuture<Long> flip) {
    try {
      return flip.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the simulator did not flip a replica: " + e, e);
    }
  }

  // ------------------------------------------------------------------ set-up

  private Fleet startFleet(int processes) throws IOException {
    FleetSimulator.Script script =
        new FleetSimulator.Script(
            LEADER_WRITE_BYTES_PER_SECOND, settings.lagJitterBytes(), LAGGING_BYTES);
    if (processes == 0) {
      return FleetSimulator.startOnFreeSubnet(
          settings.gates(), settings.membersPerGate(), mode, script, settings.simulatorThreads());
    }
    Files.createDirectories(workDir());
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      Path log = workDir().resolve("simulator-" + modeName(mode) + "-" + i + ".log");
      Files.deleteIfExists(log);
      logs.add(log);
    }
    say("starting " + processes + " simulator processes (logs: " + logs.get(0) + ", ...)");
    notes.add(
        "simulator split over "
            + processes
            + " child processes of "
            + settings.simulatorThreads()
            + " event loop(s) each; simulator CPU = the sum of their whole-process CPU time"
            + " (user + system from /proc, GC and JIT included), which the benchmark process's"
            + " CPU no longer includes");
    return SplitFleet.start(
        processes,
        settings.gates(),
        settings.membersPerGate(),
        mode,
        script,
        settings.simulatorThreads(),
        logs::get);
  }

  private void createPods(KubernetesClient admin) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> created = new ArrayList<>();
      for (int g = 0; g < settings.gates(); g++) {
        for (int m = 0; m < settings.membersPerGate(); m++) {
          Pod pod = pod(g, m);
          String service = FleetSimulator.gateName(g) + "-replicas";
          created.add(
              pool.submit(
                  () -> {
                    admin.pods().inNamespace(NAMESPACE).resource(pod).create();
                    // Every member is a ready endpoint of its gate's read host.
                    return admin
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(NAMESPACE)
                        .resource(MemberPods.readyEndpoint(service, pod, true))
                        .create();
                  }));
        }
      }
      for (java.util.concurrent.Future<?> f : created) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot create the member pods: " + e.getCause(), e);
    } finally {
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private Pod pod(int gate, int member) {
    String name = FleetSimulator.memberName(gate, member);
    return MemberPods.running(
        NAMESPACE,
        name,
        fleet.host(gate, member),
        Map.of(CLUSTER_LABEL, FleetSimulator.gateName(gate), MeshSpec.DEFAULT_SUBSET_LABEL, name));
  }

  /** One gate after the other, so their ticks spread over the poll interval, as in a cluster. */
  private void createGates(KubernetesClient admin) {
    for (int g = 0; g < settings.gates(); g++) {
      admin.resources(ReplicaGate.class).inNamespace(NAMESPACE).resource(gate(g)).create();
      absorbTraffic();
    }
  }

  ReplicaGate gate(int index) {
    String name = FleetSimulator.gateName(index);
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace(NAMESPACE);
    gate.getMetadata().setName(name);
    ReplicaGateSpec spec = gate.getSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels(CLUSTER_LABEL, name).build());
    MeshSpec mesh = new MeshSpec();
    // The read Service's EndpointSlices are made with the pods (createPods): keep the names alike.
    mesh.setHost(name + "-replicas." + NAMESPACE + ".svc.cluster.local");
    spec.setMesh(mesh);
    spec.setPollInterval(goDuration(settings.pollInterval()));
    spec.getAdmission().setStableFor(STABLE_FOR);
    spec.getRamp().setSteps(RAMP_STEPS);
    spec.getRamp().setStepInterval(STEP_INTERVAL);
    return gate;
  }

  /** Seconds from the first gate's creation until every gate reports all replicas serving. */
  private double awaitServing(KubernetesClient admin, long since) {
    long limit = (120L + settings.members() / 50) * SECOND;
    long nextReport = System.nanoTime() + 10 * SECOND;
    int serving = 0;
    while (System.nanoTime() - since < limit) {
      serving = servingGates(admin);
      if (serving == settings.gates()) {
        return (System.nanoTime() - since) / 1e9;
      }
      if (System.nanoTime() >= nextReport) {
        say(serving + " of " + settings.gates() + " gates serving");
        nextReport += 10 * SECOND;
      }
      runFor(SECOND, false, null);
    }
    String note =
        String.format(
            Locale.ROOT,
            "only %d of %d gates had every replica serving after %ds; measured anyway",
            serving,
            settings.gates(),
            limit / SECOND);
    notes.add(note);
    say(note);
    return Double.NaN;
  }

  private int servingGates(KubernetesClient admin) {
    int expected = settings.membersPerGate() - 1;
    int serving = 0;
    for (ReplicaGate gate :
        admin.resources(ReplicaGate.class).inNamespace(NAMESPACE).list().getItems()) {
      if (gate.getStatus() != null
          && gate.getStatus().getServing() != null
          && gate.getStatus().getServing() == expected) {
        serving++;
      }
    }
    return serving;
  }

  // ------------------------------------------------------------------ the process

  /** The process's open-file limit, or -1 when unknown. */
  static long maxOpenFiles() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** A duration the way a ReplicaGate spells it: {@code 1s}, {@code 250ms}. */
  static String goDuration(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  private void say(String message) {
    progress.printf("bench [%s]: %s%n", modeName(mode), message);
    progress.flush();
  }
}
