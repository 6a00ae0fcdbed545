package io.syncgate.controller.kube;

import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.syncgate.controller.kube.EventRecorder.Reason;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.patroni.FailureLog;
import io.syncgate.controller.patroni.PatroniClient;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.controller.patroni.PatroniPoller;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.GateRestore;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.StepResult;
import io.syncgate.policy.gating.Transition;
import io.syncgate.policy.mesh.IstioRenderer;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.status.GateConditions;
import io.syncgate.policy.status.GateConditions.Desired;
import io.syncgate.policy.status.GateStatusBuilder;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one gate: a periodic tick at {@code spec.pollInterval} that goes members from pods (Running,
 * with a pod IP) → Patroni poll → gating step → render → write → status, events and metrics.
 *
 * <p>All fields are touched on the controller's context only; every I/O step returns a future
 * completed back on it. Ticks of one gate never overlap: a tick that finds the previous one still
 * running is skipped. Each tick recomputes from what it observes now (Patroni, the live mesh
 * objects); the only memory carried between ticks is the gating state, which is adopted from the
 * gate's status and the live VirtualService whenever this controller (re)gains leadership, so a
 * restart moves no traffic.
 *
 * <p>A tick that started under one leadership term never writes in another: {@link #deactivate}
 * bumps the term, and every write checks it first.
 */
final class GateReconciler {

  private static final Logger LOG = LoggerFactory.getLogger(GateReconciler.class);

  /** How often a gate with an invalid spec is looked at again (its pollInterval may be bad). */
  static final Duration INVALID_SPEC_INTERVAL = Duration.ofSeconds(1);

  /** How often the Patroni Secrets are read again, so rotated credentials are picked up. */
  static final Duration SECRET_REFRESH = Duration.ofMinutes(1);

  private final GateKey key;
  private final ControllerParts parts;

  private ReplicaGate gate;
  private GateSettings.Parsed parsed;

  private SharedIndexInformer<Pod> pods;
  private LabelSelector podSelector;

  private PatroniClient patroniClient;
  private PatroniPoller poller;
  private GateSettings.PatroniSettings patroniFor;
  private Instant secretsReadAt;

  /** Set once the gate is deleted; from then on nothing is recorded in the metrics. */
  private volatile boolean closed;

  private SyncgateMetrics discardedMetrics;

  private long timer = -1;
  private Duration timerPeriod;
  private boolean active;
  private long term;
  private boolean ticking;

  private GateState state;
  private ReplicaGateStatus writtenStatus;
  private Instant statusWrittenAt;

  /** The gate's resourceVersion as last seen (informer or our own status write), for the PUT. */
  private String statusVersion;

  /** A status write is on its way; ticks do not wait for it, and never send a second one. */
  private boolean statusInFlight;

  /** The newest status asked for while a write was in flight; written when that write ends. */
  private Runnable statusQueued;

  private final Map<String, Boolean> reachable = new HashMap<>();
  private final Set<String> replicaSeries = new HashSet<>();
  private Object appliedDestinationRule;
  private Object appliedVirtualService;

  GateReconciler(GateKey key, ControllerParts parts) {
    this.key = key;
    this.parts = parts;
  }

  /** The gate appeared or changed (spec, metadata or our own status write). */
  void update(ReplicaGate newGate) {
    boolean specChanged =
        gate == null
            || !Objects.equals(gate.getSpec(), newGate.getSpec())
            || !Objects.equals(gate.getMetadata().getUid(), newGate.getMetadata().getUid());
    gate = newGate;
    statusVersion = newGate.getMetadata().getResourceVersion();
    if (!specChanged) {
      return;
    }
    GateSettings previous = parsed == null ? null : parsed.settings();
    parsed = GateSettings.parse(newGate);
    if (parsed.valid()) {
      GateSettings settings = parsed.settings();
      if (previous == null
          || pods == null
          || !Objects.equals(previous.selector(), settings.selector())) {
        watchPods(settings.selector());
      }
      if (previous != null && !previous.patroni().equals(settings.patroni())) {
        patroniFor = null;
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

  /** This controller leads now: adopt the live state on the next tick and start ticking. */
  void activate() {
    active = true;
    state = null;
    writtenStatus = null;
    statusWrittenAt = null;
    appliedDestinationRule = null;
    appliedVirtualService = null;
    reachable.clear();
    schedule();
    parts.context().runOnContext(v -> tick());
  }

  /** Leadership lost: stop ticking; a tick in flight writes nothing more. */
  void deactivate() {
    active = false;
    term++;
    cancelTimer();
    state = null;
  }

  /** The gate was deleted: stop and release everything; owner references remove the mesh. */
  void close() {
    deactivate();
    closed = true;
    closePods();
    closePatroni();
    parts.metrics().forgetGate(key.namespace(), key.name());
    parts.events().forget(key);
    replicaSeries.clear();
  }

  // ------------------------------------------------------------------ scheduling

  private void schedule() {
    if (!active || parsed == null) {
      return;
    }
    Duration period = parsed.valid() ? parsed.settings().pollInterval() : INVALID_SPEC_INTERVAL;
    if (timer != -1 && period.equals(timerPeriod)) {
      return;
    }
    cancelTimer();
    timerPeriod = period;
    timer = parts.vertx().setPeriodic(Math.max(1, period.toMillis()), id -> tick());
  }

  private void cancelTimer() {
    if (timer != -1) {
      parts.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  /** One tick, unless the previous one still runs (then this one is skipped). */
  void tick() {
    if (!active || parsed == null) {
      return;
    }
    if (ticking) {
      LOG.debug("{}: previous tick still running, skipping this one", key);
      return;
    }
    ticking = true;
    long myTerm = term;
    Instant now = parts.clock().instant();
    long started = System.nanoTime();
    Future<Void> run;
    try {
      run = parsed.valid() ? validTick(parsed.settings(), myTerm, now) : invalidTick(myTerm, now);
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    run.onComplete(
        ar -> {
          ticking = false;
          metrics()
              .recordTick(
                  key.namespace(), key.name(), Duration.ofNanos(System.nanoTime() - started));
          if (ar.failed()) {
            LOG.warn("{}: tick failed: {}", key, ar.cause().toString());
            LOG.debug("{}: tick failure", key, ar.cause());
          }
        });
  }

  private boolean current(long myTerm) {
    return active && term == myTerm;
  }

  // ------------------------------------------------------------------ invalid spec

  private Future<Void> invalidTick(long myTerm, Instant now) {
    String message = parsed.describeViolations();
    record(Reason.INVALID_SPEC, message);
    List<Desired> desired =
        List.of(
            Desired.isFalse(GateConditions.READY, "InvalidSpec", message),
            Desired.isTrue(GateConditions.INVALID_SPEC, "ValidationFailed", message));
    return writeConditions(desired, myTerm, now);
  }

  // ------------------------------------------------------------------ valid spec

  private Future<Void> validTick(GateSettings settings, long myTerm, Instant now) {
    if (pods == null || !pods.hasSynced()) {
      // An unsynced pod cache would look like "no members" and empty the route.
      LOG.debug("{}: waiting for the pod informer to sync", key);
      return Future.succeededFuture();
    }
    String foreign = foreignObjects();
    if (foreign != null) {
      return conflictTick(foreign, myTerm, now);
    }
    return ensurePatroni(settings.patroni(), now)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return Future.<Void>succeededFuture();
              }
              if (poller != null) {
                // Refreshing the Secrets failed: keep polling with what was read before.
                LOG.warn("{}: cannot re-read Patroni Secrets: {}", key, ar.cause().getMessage());
                return Future.<Void>succeededFuture();
              }
              return Future.<Void>failedFuture(new PatroniUnavailable(ar.cause().getMessage()));
            })
        .compose(v -> state == null ? restore(settings, myTerm, now) : Future.succeededFuture())
        .compose(v -> poll(settings, now))
        .compose(snapshot -> decide(settings, snapshot, myTerm, now))
        .recover(
            e ->
                e instanceof PatroniUnavailable
                    ? notPollableTick(e.getMessage(), myTerm, now)
                    : Future.failedFuture(e));
  }

  /** Patroni cannot be polled at all (its Secrets cannot be read). */
  private static final class PatroniUnavailable extends RuntimeException {
    PatroniUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  private Future<Void> notPollableTick(String message, long myTerm, Instant now) {
    LOG.warn("{}: cannot poll Patroni: {}", key, message);
    List<Desired> desired =
        List.of(
            Desired.isFalse(GateConditions.READY, "PatroniSecretUnavailable", message),
            Desired.isFalse(GateConditions.INVALID_SPEC, "SpecValid", ""));
    return writeConditions(desired, myTerm, now);
  }

  /** A message naming the foreign mesh objects of the gate's name (from the caches), or null. */
  private String foreignObjects() {
    List<String> foreign = new ArrayList<>();
    DestinationRule dr = parts.mesh().destinationRule(key);
    if (dr != null && !MeshDiff.managedBySyncgate(dr)) {
      foreign.add("DestinationRule " + key.namespace() + "/" + key.name());
    }
    VirtualService vs = parts.mesh().virtualService(key);
    if (vs != null && !MeshDiff.managedBySyncgate(vs)) {
      foreign.add("VirtualService " + key.namespace() + "/" + key.name());
    }
    if (foreign.isEmpty()) {
      return null;
    }
    return String.join(" and ", foreign)
        + " exist"
        + (foreign.size() == 1 ? "s" : "")
        + " without label "
        + IstioRenderer.MANAGED_BY_LABEL
        + "="
        + IstioRenderer.MANAGED_BY_VALUE
        + "; syncgate does not overwrite objects it does not manage";
  }

  private Future<Void> conflictTick(String message, long myTerm, Instant now) {
    record(Reason.CONFLICT, message);
    for (String kind : List.of("DestinationRule", "VirtualService")) {
      metrics().meshWrite(key.namespace(), key.name(), kind, metricResult(WriteResult.NOT_OWNED));
    }
    List<Desired> desired =
        List.of(
            Desired.isFalse(GateConditions.READY, "Conflict", message),
            Desired.isFalse(GateConditions.INVALID_SPEC, "SpecValid", ""),
            Desired.isTrue(GateConditions.CONFLICT, "NotManagedBySyncgate", message));
    return writeConditions(desired, myTerm, now);
  }

  private Future<Void> ensurePatroni(GateSettings.PatroniSettings settings, Instant now) {
    boolean secrets = settings.credentialsSecret() != null || settings.caSecret() != null;
    boolean fresh =
        poller != null
            && settings.equals(patroniFor)
            && (!secrets || secretsReadAt.plus(SECRET_REFRESH).isAfter(now));
    if (fresh) {
      return Future.succeededFuture();
    }
    return onContext(parts.secrets().options(key.namespace(), settings))
        .map(
            options -> {
              usePatroni(options);
              patroniFor = settings;
              secretsReadAt = now;
              return null;
            });
  }

  private void usePatroni(PatroniClientOptions options) {
    if (patroniClient != null && patroniClient.options().equals(options)) {
      return;
    }
    closePatroni();
    patroniClient = new PatroniClient(parts.vertx(), options);
    poller =
        new PatroniPoller(
            parts.vertx(),
            patroniClient,
            new FailureLog(key.toString()),
            PatroniPoller.DEFAULT_MARGIN,
            parts.pollLoops().next());
  }

  /**
   * Adopts the stored status and the live VirtualService as the previous state, read fresh from the
   * API server (the caches may lag behind the previous leader's last writes).
   */
  private Future<Void> restore(GateSettings settings, long myTerm, Instant now) {
    Future<ReplicaGate> freshGate = parts.statusWriter().read(key);
    Future<VirtualService> liveVs = parts.virtualServices().read(key.namespace(), key.name());
    return onContext(Future.all(freshGate, liveVs))
        .map(
            all -> {
              if (!current(myTerm)) {
                return null;
              }
              ReplicaGate stored = all.resultAt(0);
              VirtualService vs = all.resultAt(1);
              ReplicaGateStatus status = stored == null ? null : stored.getStatus();
              Optional<Route> liveRoute =
                  vs != null && MeshDiff.managedBySyncgate(vs)
                      ? MeshDiff.routeOf(vs, settings.target().port())
                      : Optional.empty();
              state =
                  GateRestore.restore(
                      GateStatusBuilder.storedReplicas(status),
                      liveRoute,
                      status == null ? null : status.getLeader(),
                      status == null ? null : status.getTimeline(),
                      settings.policy(),
                      now);
              writtenStatus = status == null ? null : GateStatusBuilder.copy(status);
              statusWrittenAt = null;
              if (stored != null) {
                statusVersion = stored.getMetadata().getResourceVersion();
              }
              LOG.info(
                  "{}: adopted {} replica(s) from status, leader {}, live route {}",
                  key,
                  state.replicas().size(),
                  state.leader(),
                  liveRoute.map(r -> r.weights().toString()).orElse("none"));
              return null;
            });
  }

  private Future<ClusterSnapshot> poll(GateSettings settings, Instant now) {
    List<PatroniEndpoint> endpoints = members(settings.patroni());
    long started = System.nanoTime();
    return onContext(poller.pollAll(endpoints, now))
        .map(
            snapshot -> {
              metrics()
                  .recordPoll(
                      key.namespace(), key.name(), Duration.ofNanos(System.nanoTime() - started));
              return snapshot;
            });
  }

  /** The gate's members: its pods that run and have an address, by name. */
  private List<PatroniEndpoint> members(GateSettings.PatroniSettings patroni) {
    List<PatroniEndpoint> endpoints = new ArrayList<>();
    for (Pod pod : pods.getStore().list()) {
      if (pod.getStatus() == null
          || !"Running".equals(pod.getStatus().getPhase())
          || pod.getStatus().getPodIP() == null
          || pod.getStatus().getPodIP().isBlank()
          // A terminating pod leaves the route before it stops, not after.
          || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      endpoints.add(
          new PatroniEndpoint(
              pod.getMetadata().getName(),
              patroni.scheme(),
              pod.getStatus().getPodIP(),
              patroni.port()));
    }
    endpoints.sort(Comparator.comparing(PatroniEndpoint::member));
    return endpoints;
  }

  private Future<Void> decide(
      GateSettings settings, ClusterSnapshot snapshot, long myTerm, Instant now) {
    if (!current(myTerm)) {
      return Future.succeededFuture();
    }
    StepResult result = GatingStep.step(state, snapshot, settings.policy(), now);
    state = result.state();
    Plan plan = result.plan();
    observeSamples(snapshot);
    announce(plan.transitions());

    DestinationRule dr;
    Optional<VirtualService> vs;
    try {
      dr = IstioRenderer.renderDestinationRule(settings.target(), plan);
      vs = IstioRenderer.renderVirtualService(settings.target(), plan);
    } catch (IllegalArgumentException e) {
      return finish(
          settings, plan, MeshOutcome.failed("cannot render: " + e.getMessage()), myTerm, now);
    }
    return writeMesh(dr, vs, myTerm)
        .compose(outcome -> finish(settings, plan, outcome, myTerm, now));
  }

  // ------------------------------------------------------------------ mesh writes

  /** How the mesh writes of one tick went. */
  private record MeshOutcome(boolean settled, String conflict, String error) {
    static MeshOutcome ok() {
      return new MeshOutcome(true, null, null);
    }

    static MeshOutcome failed(String error) {
      return new MeshOutcome(false, null, error);
    }
  }

  /**
   * Writes the DestinationRule and the VirtualService. The DestinationRule goes first (new subsets
   * must exist before a route names them) unless it drops a subset the live route still uses: then
   * the route is rewritten first. The second write waits for the first to settle.
   */
  private Future<MeshOutcome> writeMesh(
      DestinationRule dr, Optional<VirtualService> vs, long myTerm) {
    VirtualService cachedVs = parts.mesh().virtualService(key);
    Set<String> drSubsets = new TreeSet<>();
    if (dr.getSpec().getSubsets() != null) {
      dr.getSpec().getSubsets().stream().map(Subset::getName).forEach(drSubsets::add);
    }
    boolean routeFirst = vs.isPresent() && !drSubsets.containsAll(routedSubsets(cachedVs));
    Supplier<Future<MeshOutcome>> writeDr =
        () -> write(parts.destinationRules(), dr, parts.mesh().destinationRule(key), myTerm);
    Supplier<Future<MeshOutcome>> writeVs =
        () ->
            vs.isEmpty()
                ? Future.succeededFuture(MeshOutcome.ok())
                : write(
                    parts.virtualServices(), vs.get(), parts.mesh().virtualService(key), myTerm);
    Supplier<Future<MeshOutcome>> first = routeFirst ? writeVs : writeDr;
    Supplier<Future<MeshOutcome>> second = routeFirst ? writeDr : writeVs;
    return first.get().compose(one -> one.settled() ? second.get() : Future.succeededFuture(one));
  }

  private <T extends HasMetadata> Future<MeshOutcome> write(
      OwnedObjectWriter<T> writer, T desired, T cached, long myTerm) {
    if (!current(myTerm)) {
      return Future.succeededFuture(MeshOutcome.failed("leadership lost"));
    }
    return onContext(writer.reconcile(desired, cached))
        .map(
            w -> {
              metrics().meshWrite(key.namespace(), key.name(), w.kind(), metricResult(w.result()));
              Object spec = spec(desired);
              Object applied = applied(w.kind());
              if (w.result() == WriteResult.UPDATED
                  && applied != null
                  && w.before() != null
                  && !Objects.equals(spec(w.before()), applied)) {
                record(
                    Reason.DRIFT_CORRECTED,
                    w.kind()
                        + " "
                        + key.namespace()
                        + "/"
                        + key.name()
                        + " was changed outside syncgate; restored the rendered spec");
              }
              switch (w.result()) {
                case CREATED, UPDATED -> LOG.info("{}: {} {}", key, w.kind(), w.result().label());
                case CONFLICT, ERROR -> LOG.warn("{}: {}: {}", key, w.kind(), w.message());
                default -> {}
              }
              if (w.result().settled()) {
                setApplied(w.kind(), spec);
                return MeshOutcome.ok();
              }
              if (w.result() == WriteResult.NOT_OWNED) {
                record(Reason.CONFLICT, w.message());
                return new MeshOutcome(false, w.message(), null);
              }
              return MeshOutcome.failed(w.message());
            });
  }

  private Object applied(String kind) {
    return "VirtualService".equals(kind) ? appliedVirtualService : appliedDestinationRule;
  }

  private void setApplied(String kind, Object spec) {
    if ("VirtualService".equals(kind)) {
      appliedVirtualService = spec;
    } else {
      appliedDestinationRule = spec;
    }
  }

  private static Object spec(HasMetadata object) {
    if (object instanceof VirtualService vs) {
      return vs.getSpec();
    }
    if (object instanceof DestinationRule dr) {
      return dr.getSpec();
    }
    throw new IllegalArgumentException("not a mesh object: " + object.getKind());
  }

  private static Set<String> routedSubsets(VirtualService vs) {
    Set<String> subsets = new TreeSet<>();
    if (vs == null || vs.getSpec() == null || vs.getSpec().getTcp() == null) {
      return subsets;
    }
    vs.getSpec().getTcp().stream()
        .filter(Objects::nonNull)
        .filter(tcp -> tcp.getRoute() != null)
        .flatMap(tcp -> tcp.getRoute().stream())
        .filter(r -> r != null && r.getDestination() != null)
        .map(r -> r.getDestination().getSubset())
        .filter(Objects::nonNull)
        .forEach(subsets::add);
    return subsets;
  }

  /** The metric label: a foreign object is a conflict, as the condition says. */
  static String metricResult(WriteResult result) {
    return result == WriteResult.NOT_OWNED ? WriteResult.CONFLICT.label() : result.label();
  }

  // ------------------------------------------------------------------ status, events, metrics

  private Future<Void> finish(
      GateSettings settings, Plan plan, MeshOutcome mesh, long myTerm, Instant now) {
    if (!current(myTerm)) {
      // Leadership was lost (or the controller stopped) during the mesh writes: state is gone.
      return Future.succeededFuture();
    }
    Optional<Route> route = plan.route().isPresent() ? plan.route() : state.route();
    recordReplicaMetrics(route);
    List<Desired> desired = new ArrayList<>();
    desired.add(ready(plan, mesh));
    desired.add(
        plan.degraded()
            ? Desired.isTrue(GateConditions.DEGRADED, "LeaderUnknown", plan.degradedReason())
            : Desired.isFalse(
                GateConditions.DEGRADED,
                "LeaderKnown",
                "leader " + plan.leader() + " on timeline " + state.timeline()));
    desired.add(Desired.isFalse(GateConditions.INVALID_SPEC, "SpecValid", ""));
    desired.add(
        mesh.conflict() != null
            ? Desired.isTrue(GateConditions.CONFLICT, "NotManagedBySyncgate", mesh.conflict())
            : Desired.isFalse(GateConditions.CONFLICT, "NoConflict", ""));
    List<Condition> conditions =
        GateConditions.merge(statusBase().getConditions(), desired, generation(), now);
    ReplicaGateStatus status = GateStatusBuilder.build(generation(), state, route, conditions);
    return writeStatus(status, myTerm, now);
  }

  private Desired ready(Plan plan, MeshOutcome mesh) {
    if (mesh.conflict() != null) {
      return Desired.isFalse(GateConditions.READY, "Conflict", mesh.conflict());
    }
    if (mesh.error() != null) {
      return Desired.isFalse(GateConditions.READY, "MeshWriteFailed", mesh.error());
    }
    if (plan.degraded()) {
      return Desired.isFalse(GateConditions.READY, "Degraded", plan.degradedReason());
    }
    long serving =
        state.replicas().values().stream().filter(r -> r.phase() == Phase.SERVING).count();
    long ramping =
        state.replicas().values().stream().filter(r -> r.phase() == Phase.RAMPING).count();
    long gated = state.replicas().size() - serving - ramping;
    return Desired.isTrue(
        GateConditions.READY,
        "Reconciled",
        "mesh in sync: "
            + serving
            + " serving, "
            + ramping
            + " ramping, "
            + gated
            + " gated"
            + (plan.fallbackActive() ? "; fallback route active" : ""));
  }

  private ReplicaGateStatus statusBase() {
    if (writtenStatus != null) {
      return writtenStatus;
    }
    return gate.getStatus() == null
        ? new ReplicaGateStatus()
        : GateStatusBuilder.copy(gate.getStatus());
  }

  private Long generation() {
    return gate.getMetadata().getGeneration();
  }

  /** Writes the last status with only its conditions brought up to {@code desired}. */
  private Future<Void> writeConditions(List<Desired> desired, long myTerm, Instant now) {
    ReplicaGateStatus base = statusBase();
    ReplicaGateStatus status =
        GateStatusBuilder.withConditions(
            base,
            generation(),
            GateConditions.merge(base.getConditions(), desired, generation(), now));
    return writeStatus(status, myTerm, now);
  }

  /**
   * Starts the status write when one is due, and returns at once: a slow API server delays the
   * status, not the next poll or mesh write. While a write is in flight no second one starts: the
   * newest status asked for meanwhile is written when it ends, so none is lost even without another
   * tick.
   */
  private Future<Void> writeStatus(ReplicaGateStatus desired, long myTerm, Instant now) {
    if (statusInFlight) {
      statusQueued = () -> writeStatus(desired, myTerm, now);
      return Future.succeededFuture();
    }
    ReplicaGateStatus base = writtenStatus != null ? writtenStatus : gate.getStatus();
    if (!GateStatusBuilder.writeDue(
        base, desired, statusWrittenAt, parts.config().statusLagInterval(), now)) {
      return Future.succeededFuture();
    }
    if (!current(myTerm)) {
      return Future.succeededFuture();
    }
    statusInFlight = true;
    onContext(parts.statusWriter().write(gate, desired, statusVersion))
        .onComplete(
            ar -> {
              statusInFlight = false;
              settleStatusWrite(ar, desired, myTerm, now);
              Runnable queued = statusQueued;
              statusQueued = null;
              if (queued != null) {
                queued.run();
              }
            });
    return Future.succeededFuture();
  }

  private void settleStatusWrite(
      AsyncResult<MeshWrite<ReplicaGate>> ar, ReplicaGateStatus desired, long myTerm, Instant now) {
    if (ar.failed()) {
      LOG.warn("{}: status write failed: {}", key, ar.cause().toString());
      return;
    }
    MeshWrite<ReplicaGate> w = ar.result();
    metrics().meshWrite(key.namespace(), key.name(), "status", metricResult(w.result()));
    if (!current(myTerm)) {
      return;
    }
    if (w.result().settled()) {
      writtenStatus = desired;
      statusWrittenAt = now;
      if (w.after() != null && w.after().getMetadata() != null) {
        statusVersion = w.after().getMetadata().getResourceVersion();
      }
    } else {
      LOG.warn("{}: status write {}: {}", key, w.result().label(), w.message());
    }
  }

  /** Poll-error metrics and a PatroniUnreachable event when a member stops answering. */
  private void observeSamples(ClusterSnapshot snapshot) {
    for (MemberSample sample : snapshot.samples().values()) {
      Boolean before = reachable.put(sample.member(), sample.usable());
      if (sample.usable()) {
        continue;
      }
      metrics().pollError(key.namespace(), key.name(), sample.failure().label());
      if (!Boolean.FALSE.equals(before)) {
        record(
            Reason.PATRONI_UNREACHABLE,
            "member "
                + sample.member()
                + ": Patroni gave no usable answer ("
                + sample.failure().label()
                + "): "
                + sample.reason());
      }
    }
    reachable.keySet().retainAll(snapshot.samples().keySet());
  }

  private void announce(List<Transition> transitions) {
    for (Transition t : transitions) {
      String subject = t.replica() == null ? "" : "replica " + t.replica() + ": ";
      LOG.info("{}: {}{}", key, subject, t.reason());
      Reason reason =
          switch (t.kind()) {
            case ADMITTED -> Reason.REPLICA_ADMITTED;
            case RAMP_STEP -> Reason.RAMP_STEP;
            case SERVING -> Reason.REPLICA_SERVING;
            case EJECTED -> Reason.REPLICA_EJECTED;
            case LEADER_CHANGED -> Reason.LEADER_CHANGED;
            case PHASE -> null;
          };
      if (reason != null) {
        record(reason, subject + t.reason());
      }
    }
  }

  private void record(Reason reason, String message) {
    parts
        .events()
        .record(gate, reason, message)
        .onSuccess(
            result -> {
              if (result != WriteResult.NOOP) {
                metrics().meshWrite(key.namespace(), key.name(), "event", result.label());
              }
            });
  }

  private void recordReplicaMetrics(Optional<Route> route) {
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
    }
    for (String gone : replicaSeries) {
      if (!now.contains(gone)) {
        metrics().forgetReplica(key.namespace(), key.name(), gone);
      }
    }
    replicaSeries.clear();
    replicaSeries.addAll(now);
  }

  // ------------------------------------------------------------------ resources

  private void watchPods(LabelSelector selector) {
    closePods();
    podSelector = selector;
    SharedIndexInformer<Pod> informer =
        parts
            .client()
            .pods()
            .inNamespace(key.namespace())
            .withLabelSelector(selector)
            .runnableInformer(0);
    pods = informer;
    onContext(parts.worker().call(() -> informer.start()))
        .compose(stage -> onContext(Future.fromCompletionStage(stage)))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("{}: pod informer failed to start: {}", key, ar.cause().toString());
              } else {
                LOG.debug("{}: watching pods {}", key, podSelector);
              }
            });
  }

  private void closePods() {
    SharedIndexInformer<Pod> informer = pods;
    pods = null;
    if (informer != null) {
      parts
          .worker()
          .call(
              () -> {
                informer.close();
                return null;
              });
    }
  }

  private void closePatroni() {
    if (patroniClient != null) {
      patroniClient.close();
      patroniClient = null;
      poller = null;
    }
  }

  /**
   * The metrics while the gate lives; once it is closed, a registry nobody scrapes: a tick or write
   * still in flight when the gate was deleted must not bring its series back after {@code
   * forgetGate}.
   */
  private SyncgateMetrics metrics() {
    if (!closed) {
      return parts.metrics();
    }
    if (discardedMetrics == null) {
      discardedMetrics = new SyncgateMetrics();
    }
    return discardedMetrics;
  }

  /** Completes on the controller's context, whatever thread completes {@code future}. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> parts.context().runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
