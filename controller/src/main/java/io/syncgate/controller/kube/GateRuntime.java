package io.syncgate.controller.kube;

import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.CatchUp;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.StaleReadExposure;
import io.syncgate.policy.status.TickOutcome;
import io.syncgate.policy.status.TickReport;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gate for as long as it exists: its spec, its seams to the outside (pods, Patroni, mesh,
 * status, events), its timer and its leadership {@link Term}. While it leads it runs one {@link
 * GateTick} every {@code spec.pollInterval}, never two at once (a tick that finds the previous one
 * still running is skipped), and applies each tick's result: the memory for the next tick, and the
 * report (conditions, events, metrics) published through the {@link StatusPublisher} and the event
 * sink.
 *
 * <p>All of it runs on the controller's context. Each tick recomputes from what it observes now;
 * the only memory carried between ticks is adopted from the gate's status and the live
 * VirtualService at the start of every term, so a restart or failover moves no traffic.
 */
final class GateRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(GateRuntime.class);

  /** How often a gate with an invalid spec is looked at again (its pollInterval may be bad). */
  static final Duration INVALID_SPEC_INTERVAL = Duration.ofSeconds(1);

  private final GateKey key;
  private final GateSeams seams;
  private final GateEnv env;
  private final StatusPublisher status;

  private ReplicaGate gate;
  private GateSettings.Parsed parsed;

  /** The stale-read exposure of the last decided tick, and when (monotonic). */
  private int exposure;

  private Instant exposureAt;
  private Object watchedSelector;

  /** The Services whose EndpointSlices are watched, or null before the first valid spec. */
  private Set<String> watchedServices;

  private Term term = Term.ended();
  private long timer = -1;
  private Duration timerPeriod;
  private boolean ticking;
  private long ticksDone;

  /** When a tick last completed with something to report (or the term began), monotonic. */
  private long lastProgressNanos;

  /** The watchdog has reported the current stall. */
  private boolean stalled;

  /** Carried between ticks of one term; null until the term's first tick adopts it. */
  private GateTick.Memory memory;

  /**
   * What the ticks last learned about mesh objects of the gate's name that syncgate does not
   * manage; null until a tick of this term looked.
   */
  private SameNameCheck sameName;

  private final Set<String> replicaSeries = new HashSet<>();

  /** Set once the gate is deleted; from then on nothing is recorded in the metrics. */
  private boolean closed;

  private SyncgateMetrics discardedMetrics;

  GateRuntime(GateKey key, GateSeams seams, GateEnv env) {
    this.key = key;
    this.seams = seams;
    this.env = env;
    this.status =
        new StatusPublisher(
            key, seams.status(), env.context(), env.statusLagInterval(), this::metrics);
  }

  /** The gate appeared or changed (spec, metadata or our own status write). */
  void update(ReplicaGate newGate) {
    boolean recreated =
        gate != null
            && !Objects.equals(gate.getMetadata().getUid(), newGate.getMetadata().getUid());
    boolean specChanged =
        gate == null || recreated || !Objects.equals(gate.getSpec(), newGate.getSpec());
    if (recreated) {
      // Deleted and created again under the same name, seen as an update: a new gate, whose
      // first tick adopts its own (empty) status, not the old gate's state.
      LOG.info("{}: re-created (new uid), starting over", key);
      memory = null;
      status.reset();
    }
    gate = newGate;
    status.seen(newGate.getMetadata().getResourceVersion());
    if (!specChanged) {
      return;
    }
    parsed = GateSettings.parse(newGate);
    if (parsed.valid()) {
      GateSettings settings = parsed.settings();
      if (!Objects.equals(watchedSelector, settings.selector())) {
        seams.pods().watch(settings.selector());
        watchedSelector = settings.selector();
      }
      if (!Objects.equals(watchedServices, settings.endpointServices())) {
        seams.endpoints().watch(settings.endpointServices());
        watchedServices = settings.endpointServices();
      }
      LOG.info(
          "{}: spec accepted, polling every {}",
          key,
          HumanFormat.duration(settings.pollInterval()));
    } else {
      LOG.warn("{}: invalid spec: {}", key, parsed.describeViolations());
    }
    schedule();
  }

  /** This controller leads now: a new term, which adopts the live state on its first tick. */
  void activate() {
    term.end();
    term = new Term();
    memory = null;
    sameName = null;
    status.reset();
    lastProgressNanos = env.clock().nanoTime();
    stalled = false;
    schedule();
    env.context().runOnContext(v -> tick());
  }

  /** Leadership lost: the term ends, so a tick in flight writes nothing more. */
  void deactivate() {
    term.end();
    cancelTimer();
    memory = null;
  }

  /** The gate was deleted: stop and release everything; owner references remove the mesh. */
  void close() {
    deactivate();
    closed = true;
    seams.pods().close();
    seams.endpoints().close();
    seams.members().close();
    seams.analysis().close();
    env.metrics().forgetGate(key.namespace(), key.name());
    seams.events().forget(key);
    replicaSeries.clear();
  }

  /** How many ticks have ended (for tests that wait for progress). */
  long ticksDone() {
    return ticksDone;
  }

  /**
   * Runs one tick, unless the gate does not lead or the previous tick still runs.
   *
   * @return completes when the tick has ended and its result is applied (status writes it started
   *     may still be in flight)
   */
  Future<Void> tick() {
    if (!term.current() || parsed == null) {
      return Future.succeededFuture();
    }
    if (ticking) {
      LOG.debug("{}: previous tick still running, skipping this one", key);
      metrics().tickSkipped(key.namespace(), key.name());
      return Future.succeededFuture();
    }
    ticking = true;
    long started = System.nanoTime();
    Instant now = env.clock().monotonic();
    GateTick tick =
        new GateTick(
            key,
            term,
            now,
            env.clock().wallFor(now),
            gate,
            parsed,
            memory,
            sameName,
            seams,
            env.context(),
            duration -> metrics().recordPoll(key.namespace(), key.name(), duration));
    Future<GateTick.Result> run;
    try {
      run = tick.run();
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    return run.map(
            result -> {
              apply(tick, result);
              return (Void) null;
            })
        .onComplete(
            ar -> {
              ticking = false;
              ticksDone++;
              metrics()
                  .recordTick(
                      key.namespace(), key.name(), Duration.ofNanos(System.nanoTime() - started));
              if (ar.failed()) {
                LOG.warn("{}: tick failed: {}", key, ar.cause().toString());
                LOG.debug("{}: tick failure", key, ar.cause());
              }
            });
  }

  /** Applies what a tick found, if its term is still this gate's. */
  private void apply(GateTick tick, GateTick.Result result) {
    if (!tick.term().current()) {
      return;
    }
    if (result.sameName() != null) {
      sameName = result.sameName();
    }
    if (result.outcome() == null) {
      return;
    }
    if (result.restored() != null) {
      status.adopt(result.restored().status(), result.restored().resourceVersion());
    }
    if (result.memory() != null) {
      memory = result.memory();
    }
    lastProgressNanos = env.clock().nanoTime();
    stalled = false;
    metrics().recordTickCompleted(key.namespace(), key.name(), tick.wallNow());
    TickReport report = TickReport.of(result.outcome(), key.namespace(), key.name());
    if (result.outcome() instanceof TickOutcome.Decided decided) {
      recordReplicaMetrics(decided.state(), decided.route());
      recordExposure(decided, tick.now(), env.clock().monotonic());
      // The actions of this tick are the ones the core stamped with its time.
      decided.state().actions().stream()
          .filter(a -> tick.now().equals(a.appliedAt()))
          .forEach(
              a -> metrics().recordAction(key.namespace(), key.name(), a.action(), a.applied()));
    }
    publish(report, tick.term(), tick.now(), tick.wallNow());
  }

  /** Counts, records and writes what a tick (or the watchdog) reports. */
  private void publish(TickReport report, Term inTerm, Instant now, Instant wallNow) {
    for (String pollError : report.pollErrors()) {
      metrics().pollError(key.namespace(), key.name(), pollError);
    }
    for (TickReport.WriteCount count : report.meshWrites()) {
      metrics().meshWrite(key.namespace(), key.name(), count.kind(), count.result());
    }
    for (TickReport.Event event : report.events()) {
      seams
          .events()
          .record(gate, event.reason(), event.message())
          .onSuccess(
              written -> {
                if (written != WriteResult.NOOP) {
                  metrics().meshWrite(key.namespace(), key.name(), "event", written.label());
                }
              });
    }
    Long generation = gate.getMetadata().getGeneration();
    ReplicaGateStatus desired =
        report.status(status.base(gate), generation, wallNow, TickClock.toWall(now, wallNow));
    status.publish(gate, desired, inTerm, now);
  }

  /**
   * How long a gate may go without completing a tick: three poll intervals and a Patroni timeout.
   */
  static Duration stallLimit(GateSettings settings) {
    return settings.pollInterval().multipliedBy(3).plus(settings.patroni().timeout());
  }

  /**
   * Runs every second: a leading gate that has not completed a tick within {@link #stallLimit} (a
   * tick hangs on an API call, every tick is skipped) says so in its Ready condition and an event,
   * once per stall, so a gate that cannot protect never looks as if it did.
   */
  void watchdog() {
    if (!term.current() || parsed == null || !parsed.valid() || stalled) {
      return;
    }
    Duration limit = stallLimit(parsed.settings());
    if (Duration.ofNanos(env.clock().nanoTime() - lastProgressNanos).compareTo(limit) <= 0) {
      return;
    }
    stalled = true;
    String message =
        "no tick has completed for over "
            + HumanFormat.duration(limit)
            + " (3 × pollInterval + patroni.timeout); the route is not being kept up to date";
    LOG.warn("{}: {}", key, message);
    Instant now = env.clock().monotonic();
    publish(
        TickReport.of(new TickOutcome.Stalled(message), key.namespace(), key.name()),
        term,
        now,
        env.clock().wallFor(now));
  }

  /**
   * The stale-read exposure of this tick, and the exposure in force since the previous tick
   * integrated over the time between them (monotonic). Never less than what was exposed: the
   * previous value counts until this tick began; while the tick ran (its polls wait up to {@code
   * patroni.timeout} for an answer, and the previous route stays in force until the tick has
   * written) the larger of the two counts, since a poll that will go unanswered was already
   * unanswered then; this tick's value counts from when it was applied.
   *
   * @param now the tick's time, which the samples' times are compared with
   * @param appliedAt when the tick's outcome (and its route write) was done
   */
  private void recordExposure(TickOutcome.Decided decided, Instant now, Instant appliedAt) {
    int percent =
        parsed.valid()
            ? StaleReadExposure.percent(
                decided.state(),
                decided.route(),
                decided.plan().leader() != null && !decided.plan().degraded(),
                parsed.settings().policy(),
                now)
            : 0;
    double before = exposureAt == null ? 0 : exposure * seconds(exposureAt, now);
    double during = Math.max(exposure, percent) * seconds(now, appliedAt);
    metrics().recordExposure(key.namespace(), key.name(), percent, before + during);
    exposure = percent;
    exposureAt = appliedAt;
  }

  /** Seconds from {@code from} to {@code to}, 0 when {@code to} is not later. */
  private static double seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
  }

  private void recordReplicaMetrics(GateState state, Optional<Route> route) {
    Set<String> now = new HashSet<>();
    for (ReplicaState r : state.replicas().values()) {
      now.add(r.name());
      metrics()
          .recordReplica(
              key.namespace(),
              key.name(),
              r.name(),
              r.phase(),
              route.map(x -> x.weightOf(r.name())).orElse(0),
              r.lagBytes());
      CatchUp.Estimate estimate = state.trend(r.name()).estimate();
      metrics()
          .recordCatchUp(
              key.namespace(),
              key.name(),
              r.name(),
              estimate == null ? null : estimate.bytesPerSecond(),
              estimate == null || estimate.eta() == null
                  ? null
                  : estimate.eta().toMillis() / 1000.0);
    }
    for (String gone : replicaSeries) {
      if (!now.contains(gone)) {
        metrics().forgetReplica(key.namespace(), key.name(), gone);
      }
    }
    replicaSeries.clear();
    replicaSeries.addAll(now);
  }

  // ------------------------------------------------------------------ scheduling

  private void schedule() {
    if (!term.current() || parsed == null) {
      return;
    }
    Duration period = parsed.valid() ? parsed.settings().pollInterval() : INVALID_SPEC_INTERVAL;
    if (timer != -1 && period.equals(timerPeriod)) {
      return;
    }
    cancelTimer();
    timerPeriod = period;
    timer = env.vertx().setPeriodic(Math.max(1, period.toMillis()), id -> tick());
  }

  private void cancelTimer() {
    if (timer != -1) {
      env.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * The metrics while the gate lives; once it is closed, a registry nobody scrapes: a tick or write
   * still in flight when the gate was deleted must not bring its series back after {@code
   * forgetGate}.
   */
  private SyncgateMetrics metrics() {
    if (!closed) {
      return env.metrics();
    }
    if (discardedMetrics == null) {
      discardedMetrics = new SyncgateMetrics();
    }
    return discardedMetrics;
  }
}
