package io.syncgate.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.syncgate.policy.gating.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Syncgate's Prometheus metrics. The scraped names, with labels {@code namespace}, {@code gate} and
 * (per replica) {@code replica}:
 *
 * <ul>
 *   <li>{@code syncgate_replica_lag_bytes} gauge: replay lag; absent while it cannot be computed
 *   <li>{@code syncgate_replica_weight} gauge: percent of the read route
 *   <li>{@code syncgate_replica_phase{phase}} gauge: 1 for the replica's phase, 0 for the others
 *   <li>{@code syncgate_replica_catch_up_bytes_per_second} gauge: how fast the lag shrinks
 *       (negative: grows); absent while too few samples
 *   <li>{@code syncgate_replica_catch_up_eta_seconds} gauge: time to admission.maxLag at that rate;
 *       absent while it is not catching up
 *   <li>{@code syncgate_patroni_poll_seconds} histogram: one tick's Patroni polls of a gate
 *   <li>{@code syncgate_patroni_poll_errors_total{reason}} counter
 *   <li>{@code syncgate_mesh_writes_total{kind,result}} counter
 *   <li>{@code syncgate_tick_seconds} histogram: one tick of a gate, start to finish
 *   <li>{@code syncgate_events_dropped_total} counter: events about a gate not recorded (rate limit
 *       or backlog)
 *   <li>{@code syncgate_stale_read_exposure_percent} gauge: route weight on replicas whose lag is
 *       unknown or over admission.maxLag; {@code
 *       syncgate_stale_read_exposure_percent_seconds_total} counter: that weight integrated over
 *       time
 *   <li>{@code syncgate_actions_total{action,result}} counter: operator actions taken ({@code
 *       applied}) or {@code refused}
 *   <li>{@code syncgate_analysis_checks_total{check,result}} counter: analysis check results,
 *       {@code pass} or {@code fail}
 *   <li>{@code syncgate_shards_held} gauge: how many shards' Leases this controller holds (without
 *       gate labels)
 *   <li>{@code syncgate_shard_leader{shard}} gauge: 1 while this controller holds the shard's
 *       Lease, else 0
 * </ul>
 *
 * <p>Per-replica series are removed by {@link #forgetReplica} and everything of a gate by {@link
 * #forgetGate}, so a deleted replica or gate does not linger in the scrape. Safe to use from any
 * thread; the controller updates from its context, the HTTP server scrapes from its own.
 */
public final class SyncgateMetrics {

  /** The content type of {@link #scrape()}: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Allowed {@code kind} label values of {@code syncgate_mesh_writes_total}. */
  public static final Set<String> MESH_WRITE_KINDS =
      Set.of("DestinationRule", "VirtualService", "status", "event");

  /** Allowed {@code result} label values of {@code syncgate_mesh_writes_total}. */
  public static final Set<String> MESH_WRITE_RESULTS =
      Set.of("created", "updated", "noop", "conflict", "error");

  private static final String LAG = "syncgate.replica.lag.bytes";
  private static final String WEIGHT = "syncgate.replica.weight";
  private static final String PHASE = "syncgate.replica.phase";
  private static final String CATCH_UP_RATE = "syncgate.replica.catch.up.bytes.per.second";
  private static final String CATCH_UP_ETA = "syncgate.replica.catch.up.eta";
  private static final String POLL = "syncgate.patroni.poll";
  private static final String POLL_ERRORS = "syncgate.patroni.poll.errors";
  private static final String MESH_WRITES = "syncgate.mesh.writes";
  private static final String TICK = "syncgate.tick";
  private static final String TICKS_SKIPPED = "syncgate.ticks.skipped";
  private static final String LAST_TICK = "syncgate.gate.last.tick.timestamp";
  private static final String EVENTS_DROPPED = "syncgate.events.dropped";
  private static final String ACTIONS = "syncgate.actions";
  private static final String EXPOSURE = "syncgate.stale.read.exposure.percent";
  private static final String EXPOSURE_SECONDS = "syncgate.stale.read.exposure.percent.seconds";
  private static final String CHECKS = "syncgate.analysis.checks";
  private static final String SHARDS_HELD = "syncgate.shards.held";
  private static final String SHARD_LEADER = "syncgate.shard.leader";

  private static final Phase[] PHASES = Phase.values();

  /** The {@code action} label values of {@code syncgate_actions_total}. */
  public static final Set<String> ACTION_NAMES =
      Set.of("hold", "resume", "promote", "abort", "approve", "unknown");

  // Poll and tick durations span sub-millisecond (a loopback Patroni) to the 2 s default timeout.
  private static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private record ReplicaKey(String namespace, String gate, String replica) {}

  /** One per-gate timer or counter; {@code detail} holds its further labels, or "". */
  private record GateMeterKey(String name, String namespace, String gate, String detail) {}

  private record GateId(String namespace, String gate) {}

  private final PrometheusMeterRegistry registry;
  private final Map<ReplicaKey, ReplicaGauges> replicas = new ConcurrentHashMap<>();

  // Every tick records into a few of these; a builder and a registry lookup each time cost more
  // than the recording (a profile at 1,000 members put them at 3% of the controller's CPU).
  private final Map<GateId, Map<GateMeterKey, Meter>> gateMeters = new ConcurrentHashMap<>();

  /** Per gate, the route weight now exposed to stale reads, behind its gauge. */
  private final Map<GateId, AtomicLong> exposures = new ConcurrentHashMap<>();

  /** Per gate, the wall time (epoch ms) of its last completed tick, behind its gauge. */
  private final Map<GateId, AtomicLong> lastTicks = new ConcurrentHashMap<>();

  /** Per shard, 1 while this controller holds its Lease, behind its gauge. */
  private final Map<Integer, AtomicLong> shardLeaders = new ConcurrentHashMap<>();

  /** Metrics in a registry of their own. */
  public SyncgateMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Metrics in {@code registry}, which may hold other meters too (JVM, Vert.x …). */
  public SyncgateMetrics(PrometheusMeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The whole registry in Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Sets a replica's gauges: its phase ({@code Unknown}, {@code Gated}, {@code Ramping}, {@code
   * Serving}, {@code Ejected}), weight (0..100) and lag in bytes (null while unknown, which removes
   * the lag series).
   */
  public void recordReplica(
      String namespace, String gate, String replica, String phase, int weight, Long lagBytes) {
    Objects.requireNonNull(phase, "phase");
    recordReplica(namespace, gate, replica, Phase.fromDisplayName(phase), weight, lagBytes);
  }

  /** As {@link #recordReplica(String, String, String, String, int, Long)} with the enum. */
  public void recordReplica(
      String namespace, String gate, String replica, Phase phase, int weight, Long lagBytes) {
    ReplicaKey key =
        new ReplicaKey(
            requireLabel(namespace, "namespace"),
            requireLabel(gate, "gate"),
            requireLabel(replica, "replica"));
    Objects.requireNonNull(phase, "phase");
    if (weight < 0 || weight > 100) {
      throw new IllegalArgumentException("weight must be 0..100, got " + weight);
    }
    if (lagBytes != null && lagBytes < 0) {
      throw new IllegalArgumentException("lagBytes must be >= 0, got " + lagBytes);
    }
    // compute/computeIfPresent keep a concurrent forgetReplica from orphaning a gauge.
    replicas.compute(
        key,
        (k, gauges) -> {
          ReplicaGauges current = gauges != null ? gauges : new ReplicaGauges(k);
          current.set(phase, weight, lagBytes);
          return current;
        });
  }

  /**
   * Sets a replica's catch-up gauges; a null removes the series (too few samples; not catching up).
   * Call after {@link #recordReplica} for the same replica.
   */
  public void recordCatchUp(
      String namespace, String gate, String replica, Double bytesPerSecond, Double etaSeconds) {
    replicas.computeIfPresent(
        new ReplicaKey(namespace, gate, replica),
        (k, gauges) -> {
          gauges.catchUp(bytesPerSecond, etaSeconds);
          return gauges;
        });
  }

  /** Removes every series of one replica (it left the cluster). */
  public void forgetReplica(String namespace, String gate, String replica) {
    replicas.computeIfPresent(
        new ReplicaKey(namespace, gate, replica),
        (k, gauges) -> {
          gauges.removeAll();
          return null;
        });
  }

  /** Removes every series of one gate, its replicas' included (the gate was deleted). */
  public void forgetGate(String namespace, String gate) {
    for (ReplicaKey key : List.copyOf(replicas.keySet())) {
      if (key.namespace().equals(namespace) && key.gate().equals(gate)) {
        forgetReplica(key.namespace(), key.gate(), key.replica());
      }
    }
    // Only this gate's own meters: a scan of the whole registry per gate made stopping a controller
    // with 1,000 gates hold its event loop for over 10 s.
    lastTicks.remove(new GateId(namespace, gate));
    exposures.remove(new GateId(namespace, gate));
    Map<GateMeterKey, Meter> meters = gateMeters.remove(new GateId(namespace, gate));
    if (meters != null) {
      meters.values().forEach(registry::remove);
    }
  }

  /**
   * A gate completed a tick at {@code at} (wall time): {@code
   * syncgate_gate_last_tick_timestamp_seconds}, for an alert on a gate that has gone quiet ({@code
   * time() - syncgate_gate_last_tick_timestamp_seconds > ...}).
   */
  public void recordTickCompleted(String namespace, String gate, Instant at) {
    Objects.requireNonNull(at, "at");
    AtomicLong millis =
        lastTicks.computeIfAbsent(
            new GateId(requireLabel(namespace, "namespace"), requireLabel(gate, "gate")),
            id -> {
              AtomicLong holder = new AtomicLong();
              cached(
                  new GateMeterKey(LAST_TICK, namespace, gate, ""),
                  () ->
                      Gauge.builder(LAST_TICK, holder, h -> h.get() / 1000.0)
                          .description("Wall time a gate last completed a tick")
                          .baseUnit("seconds")
                          .tags(gateTags(namespace, gate))
                          .register(registry),
                  Gauge.class);
              return holder;
            });
    millis.set(at.toEpochMilli());
  }

  /**
   * The route weight a gate gives now to replicas whose lag is unknown or over admission.maxLag,
   * and the weight-seconds it gave since its previous tick.
   *
   * @param percent 0..100
   * @param percentSeconds the exposure in force since the previous tick times its length
   */
  public void recordExposure(String namespace, String gate, int percent, double percentSeconds) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("exposure must be 0..100, got " + percent);
    }
    AtomicLong holder =
        exposures.computeIfAbsent(
            new GateId(requireLabel(namespace, "namespace"), requireLabel(gate, "gate")),
            id -> {
              AtomicLong h = new AtomicLong();
              cached(
                  new GateMeterKey(EXPOSURE, namespace, gate, ""),
                  () ->
                      Gauge.builder(EXPOSURE, h, AtomicLong::doubleValue)
                          .description(
                              "Route weight on replicas whose lag is unknown or over"
                                  + " admission.maxLag")
                          .tags(gateTags(namespace, gate))
                          .register(registry),
                  Gauge.class);
              return h;
            });
    holder.set(percent);
    Counter counter =
        cached(
            new GateMeterKey(EXPOSURE_SECONDS, namespace, gate, ""),
            () ->
                Counter.builder(EXPOSURE_SECONDS)
                    .description(
                        "Route weight on replicas whose lag was unknown or over admission.maxLag,"
                            + " integrated over time (percent-seconds)")
                    .tags(gateTags(namespace, gate))
                    .register(registry),
            Counter.class);
    if (percentSeconds > 0) {
      counter.increment(percentSeconds);
    }
  }

  /**
   * {@code syncgate_stale_read_exposure_percent_seconds_total} of every gate of {@code namespace}
   * that has recorded one, by gate name: what the demo and the benchmark report.
   */
  public Map<String, Double> staleReadExposurePercentSeconds(String namespace) {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (Counter c : registry.find(EXPOSURE_SECONDS).tag("namespace", namespace).counters()) {
      out.put(c.getId().getTag("gate"), c.count());
    }
    return out;
  }

  /** Patroni polls without a usable answer so far, over every gate and reason. */
  public double pollErrors() {
    double total = 0;
    for (Counter c : registry.find(POLL_ERRORS).counters()) {
      total += c.count();
    }
    return total;
  }

  /** A tick of a gate was skipped because the previous one still ran (slow Patroni or API). */
  public void tickSkipped(String namespace, String gate) {
    cached(
            new GateMeterKey(TICKS_SKIPPED, namespace, gate, ""),
            () ->
                Counter.builder(TICKS_SKIPPED)
                    .description("Ticks of a gate skipped because the previous one still ran")
                    .tags(gateTags(namespace, gate))
                    .register(registry),
            Counter.class)
        .increment();
  }

  /** How long one tick's Patroni polls of a gate took (all members, concurrently). */
  public void recordPoll(String namespace, String gate, Duration duration) {
    Duration checked = requireNonNegative(duration); // before the timer exists: no empty series
    timer(POLL, "Duration of one tick's Patroni polls of a gate", namespace, gate).record(checked);
  }

  /** One member's poll failed; {@code reason} is a SampleFailure label such as {@code timeout}. */
  public void pollError(String namespace, String gate, String reason) {
    requireLabel(reason, "reason");
    cached(
            new GateMeterKey(POLL_ERRORS, namespace, gate, reason),
            () ->
                Counter.builder(POLL_ERRORS)
                    .description("Patroni polls without a usable answer, by reason")
                    .tags(gateTags(namespace, gate).and("reason", reason))
                    .register(registry),
            Counter.class)
        .increment();
  }

  /** One write (or skipped write) of a mesh object, status or event, and how it ended. */
  public void meshWrite(String namespace, String gate, String kind, String result) {
    if (!MESH_WRITE_KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "mesh write kind must be one of " + MESH_WRITE_KINDS + ", got " + kind);
    }
    if (!MESH_WRITE_RESULTS.contains(result)) {
      throw new IllegalArgumentException(
          "mesh write result must be one of " + MESH_WRITE_RESULTS + ", got " + result);
    }
    cached(
            new GateMeterKey(MESH_WRITES, namespace, gate, kind + "/" + result),
            () ->
                Counter.builder(MESH_WRITES)
                    .description(
                        "Writes of DestinationRules, VirtualServices, status and events, by result")
                    .tags(gateTags(namespace, gate).and("kind", kind, "result", result))
                    .register(registry),
            Counter.class)
        .increment();
  }

  /**
   * An operator action the gate took or refused.
   *
   * @param action hold, resume, promote, abort, approve, or unknown (a request that could not be
   *     read)
   */
  public void recordAction(String namespace, String gate, String action, boolean applied) {
    String name = ACTION_NAMES.contains(action) ? action : "unknown";
    String result = applied ? "applied" : "refused";
    cached(
            new GateMeterKey(ACTIONS, namespace, gate, name + "/" + result),
            () ->
                Counter.builder(ACTIONS)
                    .description("Operator actions taken (applied) or refused, by action")
                    .tags(gateTags(namespace, gate).and("action", name, "result", result))
                    .register(registry),
            Counter.class)
        .increment();
  }

  /** One result of an analysis check (a check name is a DNS label, validated with the spec). */
  public void recordCheck(String namespace, String gate, String check, boolean passed) {
    String result = passed ? "pass" : "fail";
    cached(
            new GateMeterKey(CHECKS, namespace, gate, check + "/" + result),
            () ->
                Counter.builder(CHECKS)
                    .description("Analysis check results, by check and pass or fail")
                    .tags(gateTags(namespace, gate).and("check", check, "result", result))
                    .register(registry),
            Counter.class)
        .increment();
  }

  /** An event about a gate was not recorded: its rate limit or the backlog of event writes. */
  public void eventDropped(String namespace, String gate) {
    cached(
            new GateMeterKey(EVENTS_DROPPED, namespace, gate, ""),
            () ->
                Counter.builder(EVENTS_DROPPED)
                    .description("Events about a gate not recorded (rate limit or backlog)")
                    .tags(gateTags(namespace, gate))
                    .register(registry),
            Counter.class)
        .increment();
  }

  /**
   * The controller spreads its gates over {@code count} shards: registers {@code
   * syncgate_shards_held} and {@code syncgate_shard_leader} for each shard, at 0 (none held).
   * Calling it again with the same count changes nothing.
   */
  public void shards(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    for (int shard = 0; shard < count; shard++) {
      String label = Integer.toString(shard);
      shardLeaders.computeIfAbsent(
          shard,
          s -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(SHARD_LEADER, holder, AtomicLong::doubleValue)
                .description("1 while this controller holds the shard's Lease, else 0")
                .tags("shard", label)
                .strongReference(true)
                .register(registry);
            return holder;
          });
    }
    Gauge.builder(SHARDS_HELD, shardLeaders, SyncgateMetrics::held)
        .description("How many shards' Leases this controller holds")
        .strongReference(true)
        .register(registry);
  }

  /** This controller gained ({@code held}) or lost the Lease of {@code shard}. */
  public void recordShard(int shard, boolean held) {
    AtomicLong holder = shardLeaders.get(shard);
    if (holder == null) {
      throw new IllegalArgumentException("shard " + shard + " not among " + shardLeaders.keySet());
    }
    holder.set(held ? 1 : 0);
  }

  private static double held(Map<Integer, AtomicLong> leaders) {
    return leaders.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** How long one tick of a gate took, from observing to writing. */
  public void recordTick(String namespace, String gate, Duration duration) {
    Duration checked = requireNonNegative(duration);
    timer(TICK, "Duration of one reconciliation tick of a gate", namespace, gate).record(checked);
  }

  private Timer timer(String name, String description, String namespace, String gate) {
    return cached(
        new GateMeterKey(name, namespace, gate, ""),
        () ->
            Timer.builder(name)
                .description(description)
                .tags(gateTags(namespace, gate))
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry),
        Timer.class);
  }

  /**
   * The gate's meter under {@code key}, registered on first use. Labels are checked then (by {@link
   * #gateTags}); a key that holds a value was checked when it was made.
   */
  private <M extends Meter> M cached(GateMeterKey key, Supplier<M> register, Class<M> type) {
    Map<GateMeterKey, Meter> meters =
        gateMeters.computeIfAbsent(
            new GateId(key.namespace(), key.gate()), g -> new ConcurrentHashMap<>());
    Meter meter = meters.get(key);
    if (meter == null) {
      meter = meters.computeIfAbsent(key, k -> register.get());
    }
    return type.cast(meter);
  }

  private static Tags gateTags(String namespace, String gate) {
    return Tags.of(
        "namespace", requireLabel(namespace, "namespace"), "gate", requireLabel(gate, "gate"));
  }

  private static String requireLabel(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return value;
  }

  private static Duration requireNonNegative(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + duration);
    }
    return duration;
  }

  /**
   * The value holders behind one replica's gauges, and the gauges, so they can be removed. Only
   * touched inside the map's per-key compute, so one thread at a time.
   */
  private final class ReplicaGauges {
    private final Tags tags;
    private final AtomicLong weight = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();

    /** By the phase's ordinal: set on every tick, where iterating an EnumMap allocates. */
    private final AtomicLong[] phases = new AtomicLong[PHASES.length];

    private final List<Meter> fixedMeters = new ArrayList<>();
    private Meter lagGauge;
    // A double's bits in an AtomicLong, not a boxed Double: one per replica and tick would be a
    // young object referenced from an old one, which every young collection has to scan.
    private final AtomicLong rate = new AtomicLong();
    private final AtomicLong eta = new AtomicLong();
    private Meter rateGauge;
    private Meter etaGauge;

    ReplicaGauges(ReplicaKey key) {
      tags = Tags.of("namespace", key.namespace(), "gate", key.gate(), "replica", key.replica());
      fixedMeters.add(
          Gauge.builder(WEIGHT, weight, AtomicLong::doubleValue)
              .description("Percent of the read route the replica gets")
              .tags(tags)
              .strongReference(true)
              .register(registry));
      for (Phase phase : PHASES) {
        AtomicLong holder = new AtomicLong();
        phases[phase.ordinal()] = holder;
        fixedMeters.add(
            Gauge.builder(PHASE, holder, AtomicLong::doubleValue)
                .description("1 for the replica's current phase, 0 for the others")
                .tags(tags.and("phase", phase.displayName()))
                .strongReference(true)
                .register(registry));
      }
    }

    void set(Phase phase, int newWeight, Long lagBytes) {
      weight.set(newWeight);
      for (Phase p : PHASES) {
        phases[p.ordinal()].set(p == phase ? 1 : 0);
      }
      if (lagBytes == null) {
        if (lagGauge != null) {
          registry.remove(lagGauge);
          lagGauge = null;
        }
        return;
      }
      lag.set(lagBytes);
      if (lagGauge == null) {
        lagGauge =
            Gauge.builder(LAG, lag, AtomicLong::doubleValue)
                .description("Replay lag of the replica behind the leader")
                .baseUnit(BaseUnits.BYTES)
                .tags(tags)
                .strongReference(true)
                .register(registry);
      }
    }

    void catchUp(Double bytesPerSecond, Double etaSeconds) {
      rateGauge =
          optional(
              rateGauge,
              rate,
              bytesPerSecond,
              CATCH_UP_RATE,
              "How fast the replica's replay lag shrinks (negative: grows), bytes per second",
              null);
      etaGauge =
          optional(
              etaGauge,
              eta,
              etaSeconds,
              CATCH_UP_ETA,
              "Time until the replica's lag is within admission.maxLag at its catch-up rate",
              "seconds");
    }

    /** A gauge present while {@code value} is not null. */
    private Meter optional(
        Meter gauge,
        AtomicLong holder,
        Double value,
        String name,
        String description,
        String unit) {
      if (value == null) {
        if (gauge != null) {
          registry.remove(gauge);
        }
        return null;
      }
      holder.set(Double.doubleToRawLongBits(value));
      if (gauge != null) {
        return gauge;
      }
      Gauge.Builder<AtomicLong> builder =
          Gauge.builder(name, holder, h -> Double.longBitsToDouble(h.get()))
              .description(description)
              .tags(tags)
              .strongReference(true);
      return (unit == null ? builder : builder.baseUnit(unit)).register(registry);
    }

    void removeAll() {
      fixedMeters.forEach(registry::remove);
      catchUp(null, null);
      if (lagGauge != null) {
        registry.remove(lagGauge);
        lagGauge = null;
      }
    }
  }
}
