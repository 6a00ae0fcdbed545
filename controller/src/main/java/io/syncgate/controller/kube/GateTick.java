package io.syncgate.controller.kube;

import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.GateRestore;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.StepResult;
import io.syncgate.policy.mesh.IstioRenderer;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.mesh.MeshKind;
import io.syncgate.policy.status.GateStatusBuilder;
import io.syncgate.policy.status.TickOutcome;
import io.syncgate.policy.status.TickOutcome.Decided;
import io.syncgate.policy.status.TickOutcome.MeshResult;
import io.syncgate.policy.status.TickOutcome.ObjectWrite;
import io.syncgate.policy.status.TickReport;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Context;
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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tick of one gate, made at its start from what the gate's runtime holds then (the term, the
 * time, the gate and its parsed spec, the memory carried from the previous tick) and never changed.
 * {@link #run} is the whole pipeline, one stage per line; each stage runs only while the term is
 * current, so a tick that outlives its term stops before its next stage and writes nothing more.
 * The tick changes nothing outside itself: its {@link Result} is applied by the runtime.
 */
final class GateTick {

  private static final Logger LOG = LoggerFactory.getLogger(GateTick.class);

  /**
   * What a gate carries from one tick to the next while it leads.
   *
   * @param state the gating state
   * @param applied the specs this term last wrote, to tell drift from our own changes
   * @param reachable per member, whether its last poll was usable
   */
  record Memory(GateState state, Applied applied, Map<String, Boolean> reachable) {
    Memory {
      reachable = Map.copyOf(reachable);
    }
  }

  /** The specs of the mesh objects as this term last wrote (or found) them; null before that. */
  record Applied(Object destinationRule, Object virtualService) {
    static final Applied NONE = new Applied(null, null);

    Object of(MeshKind kind) {
      return kind == MeshKind.VIRTUAL_SERVICE ? virtualService : destinationRule;
    }

    Applied with(MeshKind kind, Object spec) {
      return kind == MeshKind.VIRTUAL_SERVICE
          ? new Applied(destinationRule, spec)
          : new Applied(spec, virtualService);
    }
  }

  /** The status read fresh from the API server when a term starts, and its resourceVersion. */
  record Restored(ReplicaGateStatus status, String resourceVersion) {}

  /**
   * How the tick ended.
   *
   * @param outcome what happened, or null when the tick had nothing to report (pods not synced yet,
   *     term ended)
   * @param memory the memory for the next tick, or null to keep the one held
   * @param restored what was read when restoring, or null when this tick did not restore
   */
  record Result(TickOutcome outcome, Memory memory, Restored restored) {
    static final Result NOTHING = new Result(null, null, null);
  }

  private final GateKey key;
  private final Term term;
  private final Instant now;
  private final ReplicaGate gate;
  private final GateSettings.Parsed parsed;
  private final Memory memory;
  private final GateSeams seams;
  private final Context context;
  private final PollTimer pollTimer;

  /** Records how long the Patroni poll of a tick took. */
  interface PollTimer {
    void record(Duration duration);
  }

  GateTick(
      GateKey key,
      Term term,
      Instant now,
      ReplicaGate gate,
      GateSettings.Parsed parsed,
      Memory memory,
      GateSeams seams,
      Context context,
      PollTimer pollTimer) {
    this.key = key;
    this.term = term;
    this.now = now;
    this.gate = gate;
    this.parsed = parsed;
    this.memory = memory;
    this.seams = seams;
    this.context = context;
    this.pollTimer = pollTimer;
  }

  Term term() {
    return term;
  }

  Instant now() {
    return now;
  }

  /** The pipeline. Never fails for a reason a tick can report; those end it with an outcome. */
  Future<Result> run() {
    return Future.succeededFuture(parsed)
        .compose(fenced(this::requireValidSpec))
        .compose(fenced(this::requireSyncedPods))
        .compose(fenced(this::requireOwnedMesh))
        .compose(fenced(this::preparePatroni))
        .compose(fenced(this::restoreOnNewTerm))
        .compose(fenced(this::poll))
        .compose(fenced(this::decide))
        .compose(fenced(this::writeMesh))
        .recover(this::stopped);
  }

  // ------------------------------------------------------------------ stages

  private Future<GateSettings> requireValidSpec(GateSettings.Parsed parsed) {
    if (!parsed.valid()) {
      return stop(new TickOutcome.InvalidSpec(parsed.describeViolations()));
    }
    return Future.succeededFuture(parsed.settings());
  }

  private Future<GateSettings> requireSyncedPods(GateSettings settings) {
    if (!seams.pods().synced()) {
      // An unsynced pod cache would look like "no members" and empty the route.
      LOG.debug("{}: waiting for the pod informer to sync", key);
      return stop(null);
    }
    return Future.succeededFuture(settings);
  }

  private Future<GateSettings> requireOwnedMesh(GateSettings settings) {
    String foreign = foreignObjects();
    return foreign == null
        ? Future.succeededFuture(settings)
        : stop(new TickOutcome.ForeignObjects(foreign));
  }

  private Future<GateSettings> preparePatroni(GateSettings settings) {
    return onContext(seams.members().prepare(settings.patroni(), now))
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return Future.succeededFuture(settings);
              }
              if (ar.cause() instanceof MemberPoller.PatroniUnavailable) {
                LOG.warn("{}: cannot poll Patroni: {}", key, ar.cause().getMessage());
                return stop(new TickOutcome.NotPollable(ar.cause().getMessage()));
              }
              return Future.failedFuture(ar.cause());
            });
  }

  /** The memory to start from: the one carried, or on a term's first tick the adopted one. */
  private Future<Begun> restoreOnNewTerm(GateSettings settings) {
    if (memory != null) {
      return Future.succeededFuture(new Begun(settings, memory, null));
    }
    // Read fresh: the caches may lag behind the previous leader's last writes.
    Future<ReplicaGate> stored = seams.status().read(key);
    Future<VirtualService> liveVs = seams.mesh().readVirtualService();
    return onContext(Future.all(stored, liveVs))
        .map(
            all -> {
              ReplicaGate fresh = all.resultAt(0);
              VirtualService vs = all.resultAt(1);
              ReplicaGateStatus status = fresh == null ? null : fresh.getStatus();
              Optional<Route> liveRoute =
                  vs != null && MeshDiff.managedBySyncgate(vs)
                      ? MeshDiff.routeOf(vs, settings.target().port())
                      : Optional.empty();
              GateState state =
                  GateRestore.restore(
                      GateStatusBuilder.storedReplicas(status),
                      liveRoute,
                      status == null ? null : status.getLeader(),
                      status == null ? null : status.getTimeline(),
                      settings.policy(),
                      now);
              LOG.info(
                  "{}: adopted {} replica(s) from status, leader {}, live route {}",
                  key,
                  state.replicas().size(),
                  state.leader(),
                  liveRoute.map(r -> r.weights().toString()).orElse("none"));
              return new Begun(
                  settings,
                  new Memory(state, Applied.NONE, Map.of()),
                  new Restored(
                      status, fresh == null ? null : fresh.getMetadata().getResourceVersion()));
            });
  }

  private Future<Polled> poll(Begun begun) {
    List<PatroniEndpoint> endpoints = endpoints(seams.pods().pods(), begun.settings().patroni());
    long started = System.nanoTime();
    return onContext(seams.members().poll(endpoints, now))
        .map(
            snapshot -> {
              pollTimer.record(Duration.ofNanos(System.nanoTime() - started));
              return new Polled(begun, snapshot);
            });
  }

  private Future<Decision> decide(Polled polled) {
    GateSettings settings = polled.begun().settings();
    StepResult step =
        GatingStep.step(polled.begun().memory().state(), polled.snapshot(), settings.policy(), now);
    for (var t : step.plan().transitions()) {
      LOG.info("{}: {}", key, TickReport.describe(t));
    }
    try {
      DestinationRule dr = IstioRenderer.renderDestinationRule(settings.target(), step.plan());
      Optional<VirtualService> vs =
          IstioRenderer.renderVirtualService(settings.target(), step.plan());
      return Future.succeededFuture(new Decision(polled, step, dr, vs, null));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          new Decision(polled, step, null, Optional.empty(), "cannot render: " + e.getMessage()));
    }
  }

  /**
   * Writes the DestinationRule and the VirtualService. The DestinationRule goes first (new subsets
   * must exist before a route names them) unless it drops a subset the live route still uses: then
   * the route is rewritten first. The second write waits for the first to settle.
   */
  private Future<Result> writeMesh(Decision decision) {
    if (decision.renderError() != null) {
      return Future.succeededFuture(
          decision.result(
              new TickOutcome.WriteFailed(List.of(), decision.renderError()),
              decision.polled().begun().memory().applied()));
    }
    Applied applied = decision.polled().begun().memory().applied();
    Set<String> drSubsets = new TreeSet<>();
    if (decision.dr().getSpec().getSubsets() != null) {
      decision.dr().getSpec().getSubsets().stream().map(Subset::getName).forEach(drSubsets::add);
    }
    boolean routeFirst =
        decision.vs().isPresent()
            && !drSubsets.containsAll(routedSubsets(seams.mesh().cachedVirtualService()));
    List<Write> order = new ArrayList<>();
    Write dr =
        last ->
            write(
                MeshKind.DESTINATION_RULE, decision.dr(), seams.mesh()::writeDestinationRule, last);
    if (decision.vs().isPresent()) {
      Write vs =
          last ->
              write(
                  MeshKind.VIRTUAL_SERVICE,
                  decision.vs().get(),
                  seams.mesh()::writeVirtualService,
                  last);
      order.addAll(routeFirst ? List.of(vs, dr) : List.of(dr, vs));
    } else {
      order.add(dr);
    }
    return writeInOrder(order, 0, new Written(List.of(), applied))
        .map(written -> decision.result(written.meshResult(), written.applied()));
  }

  // ------------------------------------------------------------------ stage values

  private record Begun(GateSettings settings, Memory memory, Restored restored) {}

  private record Polled(Begun begun, ClusterSnapshot snapshot) {}

  private record Decision(
      Polled polled,
      StepResult step,
      DestinationRule dr,
      Optional<VirtualService> vs,
      String renderError) {

    /** The tick's result once the mesh writes ended as {@code mesh}. */
    Result result(MeshResult mesh, Applied applied) {
      ClusterSnapshot snapshot = polled.snapshot();
      Map<String, Boolean> before = polled.begun().memory().reachable();
      Map<String, Boolean> reachable = new HashMap<>();
      List<MemberSample> unusable = new ArrayList<>();
      Set<String> newlyUnusable = new HashSet<>();
      for (MemberSample sample : snapshot.samples().values()) {
        reachable.put(sample.member(), sample.usable());
        if (!sample.usable()) {
          unusable.add(sample);
          if (!Boolean.FALSE.equals(before.get(sample.member()))) {
            newlyUnusable.add(sample.member());
          }
        }
      }
      GateState state = step.state();
      return new Result(
          new Decided(step.plan(), state, unusable, newlyUnusable, mesh),
          new Memory(state, applied, reachable),
          polled.begun().restored());
    }
  }

  /** The writes so far and the applied specs after them. */
  private record Written(List<ObjectWrite> writes, Applied applied) {
    Written plus(ObjectWrite write, Applied applied) {
      List<ObjectWrite> all = new ArrayList<>(writes);
      all.add(write);
      return new Written(all, applied);
    }

    boolean settled() {
      return writes.stream().allMatch(w -> w.result().settled());
    }

    MeshResult meshResult() {
      if (settled()) {
        return new TickOutcome.Settled(writes);
      }
      ObjectWrite last = writes.get(writes.size() - 1);
      return last.result() == WriteResult.NOT_OWNED
          ? new TickOutcome.NotOwned(writes, last.message())
          : new TickOutcome.WriteFailed(writes, last.message());
    }
  }

  /** One mesh write: what it did and the spec it leaves applied. */
  private record Step(ObjectWrite write, Object appliedSpec) {}

  /** A mesh write not yet started; it compares with the specs applied before it. */
  private interface Write {
    Future<Step> start(Applied applied);
  }

  // ------------------------------------------------------------------ writes

  private Future<Written> writeInOrder(List<Write> order, int next, Written sofar) {
    if (next == order.size() || !sofar.settled()) {
      return Future.succeededFuture(sofar);
    }
    return Future.succeededFuture(sofar.applied())
        .compose(fenced(applied -> order.get(next).start(applied)))
        .compose(
            step -> {
              MeshKind kind = step.write().kind();
              Applied applied = sofar.applied().with(kind, step.appliedSpec());
              return writeInOrder(order, next + 1, sofar.plus(step.write(), applied));
            });
  }

  private <T extends HasMetadata> Future<Step> write(
      MeshKind kind, T desired, Function<T, Future<WriteOutcome<T>>> writer, Applied applied) {
    return onContext(writer.apply(desired))
        .map(
            outcome -> {
              Object before = applied.of(kind);
              boolean drift =
                  outcome instanceof WriteOutcome.Updated<T> updated
                      && before != null
                      && !Objects.equals(spec(updated.before()), before);
              switch (outcome.result()) {
                case CREATED, UPDATED -> LOG.info("{}: {} {}", key, kind, outcome.result().label());
                case CONFLICT, ERROR -> LOG.warn("{}: {}: {}", key, kind, outcome.message());
                default -> {}
              }
              Object appliedSpec = outcome.result().settled() ? spec(desired) : before;
              return new Step(
                  new ObjectWrite(kind, outcome.result(), drift, outcome.message()), appliedSpec);
            });
  }

  // ------------------------------------------------------------------ helpers

  /** A stage that runs only while the tick's term is current; otherwise the tick stops. */
  private <A, B> Function<A, Future<B>> fenced(Function<A, Future<B>> stage) {
    return value -> term.current() ? stage.apply(value) : stop(null);
  }

  /** Ends the tick with {@code outcome} (null: nothing to report). */
  private static <T> Future<T> stop(TickOutcome outcome) {
    return Future.failedFuture(new Stop(outcome));
  }

  private Future<Result> stopped(Throwable cause) {
    if (cause instanceof Stop stop) {
      return Future.succeededFuture(new Result(stop.outcome, null, null));
    }
    return Future.failedFuture(cause);
  }

  /** How a stage ends the tick early; not an error. */
  private static final class Stop extends RuntimeException {
    private final transient TickOutcome outcome;

    Stop(TickOutcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }
  }

  /** A message naming the foreign mesh objects of the gate's name (from the caches), or null. */
  private String foreignObjects() {
    List<String> foreign = new ArrayList<>();
    DestinationRule dr = seams.mesh().cachedDestinationRule();
    if (dr != null && !MeshDiff.managedBySyncgate(dr)) {
      foreign.add(MeshKind.DESTINATION_RULE + " " + key.namespace() + "/" + key.name());
    }
    VirtualService vs = seams.mesh().cachedVirtualService();
    if (vs != null && !MeshDiff.managedBySyncgate(vs)) {
      foreign.add(MeshKind.VIRTUAL_SERVICE + " " + key.namespace() + "/" + key.name());
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

  /** The gate's members: its pods that run, have an address and are not terminating, by name. */
  static List<PatroniEndpoint> endpoints(List<Pod> pods, GateSettings.PatroniSettings patroni) {
    List<PatroniEndpoint> endpoints = new ArrayList<>();
    for (Pod pod : pods) {
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

  /** Completes on the controller's context, whatever thread completes {@code future}. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
