package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Pod;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ActionRecord;
import io.syncgate.policy.gating.CheckVerdict;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.GateRestore;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.OperatorAction;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.PodIdentity;
import io.syncgate.policy.gating.PrimaryRoute;
import io.syncgate.policy.gating.Reachability;
import io.syncgate.policy.gating.RolloutInputs;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.StepResult;
import io.syncgate.policy.mesh.HostClaims;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.mesh.RenderedMesh;
import io.syncgate.policy.mesh.Routability;
import io.syncgate.policy.rollout.ActionRequests;
import io.syncgate.policy.status.GateStatusBuilder;
import io.syncgate.policy.status.TickOutcome;
import io.syncgate.policy.status.TickOutcome.Decided;
import io.syncgate.policy.status.TickOutcome.MeshResult;
import io.syncgate.policy.status.TickReport;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tick of one gate, made at its start from what the gate's runtime holds then (the term, the
 * time, the gate and its parsed spec, the memory carried from the previous tick, the last {@link
 * SameNameCheck}) and never changed. {@link #run} is the whole pipeline, one stage per line; each
 * stage runs only while the term is current, so a tick that outlives its term stops before its next
 * stage and writes nothing more. The tick changes nothing outside itself (it only notes what it
 * learns): its {@link Result} is applied by the runtime.
 */
final class GateTick {

  private static final Logger LOG = LoggerFactory.getLogger(GateTick.class);

  /**
   * What a gate carries from one tick to the next while it leads.
   *
   * @param state the gating state
   * @param applied the specs this term last wrote, to tell drift from our own changes
   * @param reachable per member, whether its last poll was usable
   * @param podUids per member, the UID of the pod the state is about: state is about a pod, not a
   *     name, so a pod re-created under the same name starts over
   * @param rendered the mesh objects of the last tick, for the next to reuse when its plan renders
   *     to the same ones; null unless that tick's writes all found them already live (so the
   *     objects were compared, never sent: see {@link RenderedMesh})
   */
  record Memory(
      GateState state,
      MeshWrites.Applied applied,
      Map<String, Boolean> reachable,
      Map<String, String> podUids,
      RenderedMesh rendered) {
    Memory {
      reachable = Map.copyOf(reachable);
      podUids = Map.copyOf(podUids);
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
   * @param sameName what this tick learned about objects of the gate's name that syncgate does not
   *     manage, or null to keep what the gate holds
   */
  record Result(TickOutcome outcome, Memory memory, Restored restored, SameNameCheck sameName) {
    static final Result NOTHING = new Result(null, null, null, null);

    Result withSameName(SameNameCheck check) {
      return new Result(outcome, memory, restored, check);
    }
  }

  private final GateKey key;
  private final Term term;

  /** Monotonic: every duration is measured against it (see {@link TickClock}). */
  private final Instant now;

  /** Wall time: for Patroni's timestamps and what is written down. */
  private final Instant wallNow;

  private final ReplicaGate gate;
  private final GateSettings.Parsed parsed;
  private final Memory memory;

  /** What the gate last learned about foreign objects of its name, or null. */
  private final SameNameCheck sameName;

  private final GateSeams seams;
  private final Context context;
  private final PollTimer pollTimer;

  /** What this tick learned about foreign objects of the gate's name; set on the context. */
  private SameNameCheck found;

  /** Records how long the Patroni poll of a tick took. */
  interface PollTimer {
    void record(Duration duration);
  }

  GateTick(
      GateKey key,
      Term term,
      Instant now,
      Instant wallNow,
      ReplicaGate gate,
      GateSettings.Parsed parsed,
      Memory memory,
      SameNameCheck sameName,
      GateSeams seams,
      Context context,
      PollTimer pollTimer) {
    this.key = key;
    this.term = term;
    this.now = now;
    this.wallNow = wallNow;
    this.gate = gate;
    this.parsed = parsed;
    this.memory = memory;
    this.sameName = sameName;
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

  Instant wallNow() {
    return wallNow;
  }

  /** The pipeline. Never fails for a reason a tick can report; those end it with an outcome. */
  Future<Result> run() {
    clearRecordedRequests();
    return Future.succeededFuture(parsed)
        .compose(fenced(this::requireValidSpec))
        .compose(fenced(this::requireSyncedPods))
        .compose(fenced(this::requireSyncedEndpoints))
        .compose(fenced(this::requireOwnedMesh))
        .compose(fenced(this::preparePatroni))
        .compose(fenced(this::restoreOnNewTerm))
        .compose(fenced(this::poll))
        .compose(fenced(this::analyse))
        .compose(fenced(this::decide))
        .compose(fenced(this::writeMesh))
        .recover(this::stopped)
        .map(result -> found == null ? result : result.withSameName(found));
  }

  // ------------------------------------------------------------------ stages

  /**
   * Removes the operator requests the gate's stored status records (the gate here is the
   * informer's, so its status is one the API server took): a request is cleared only once its
   * outcome is written down, and a controller that dies in between takes it again, which the
   * recorded id makes harmless.
   */
  private void clearRecordedRequests() {
    Map<String, String> recorded = ActionRequests.recorded(gate);
    if (!recorded.isEmpty()) {
      seams.status().clearRequests(key, recorded);
    }
  }

  private Future<GateSettings> requireValidSpec(GateSettings.Parsed parsed) {
    if (!parsed.valid()) {
      return stop(new TickOutcome.InvalidSpec(parsed.describeViolations()));
    }
    return Future.succeededFuture(parsed.settings());
  }

  private Future<GateSettings> requireSyncedPods(GateSettings settings) {
    if (!seams.pods().synced()) {
      // An unsynced pod cache would look like "no members" and empty the route: wait, and say
      // why when the watch is failing rather than starting.
      LOG.debug("{}: waiting for the pod informer to sync", key);
      return stop(seams.pods().failure().map(TickOutcome.PodWatchFailed::new).orElse(null));
    }
    return Future.succeededFuture(settings);
  }

  private Future<GateSettings> requireSyncedEndpoints(GateSettings settings) {
    if (!seams.endpoints().synced()) {
      // Unsynced, no destination would look routable and the route would fall to nothing: wait.
      LOG.debug("{}: waiting for the EndpointSlice informer to sync", key);
      return stop(
          seams.endpoints().failure().map(TickOutcome.EndpointWatchFailed::new).orElse(null));
    }
    return Future.succeededFuture(settings);
  }

  private Future<GateSettings> requireOwnedMesh(GateSettings settings) {
    return foreignOfTheGatesName()
        .compose(
            fenced(
                foreign ->
                    foreign.isPresent()
                        ? stop(new TickOutcome.ForeignObjects(foreign.get()))
                        : requireUnclaimedHost(settings)));
  }

  /**
   * The mesh objects of the gate's name that syncgate does not manage, named in a message, or
   * empty. The informers hold only objects syncgate manages, so what they hold is ours; a kind they
   * do not hold is read from the API server, at most once every {@link SameNameCheck#RECHECK}: in
   * between, the gate's last finding stands (see {@link SameNameCheck}). A read that fails finds
   * nothing: the write reads again before it creates anything.
   */
  private Future<Optional<String>> foreignOfTheGatesName() {
    if (sameName != null && !sameName.due(now)) {
      return Future.succeededFuture(sameName.foreign());
    }
    DestinationRule cachedDr = seams.mesh().cachedDestinationRule();
    VirtualService cachedVs = seams.mesh().cachedVirtualService();
    if (cachedDr != null && cachedVs != null) {
      return Future.succeededFuture(
          MeshDiff.foreignObjects(cachedDr, cachedVs, key.namespace(), key.name()));
    }
    Future<DestinationRule> dr =
        cachedDr != null ? Future.succeededFuture(cachedDr) : seams.mesh().readDestinationRule();
    Future<VirtualService> vs =
        cachedVs != null ? Future.succeededFuture(cachedVs) : seams.mesh().readVirtualService();
    return OnContext.of(context, Future.all(dr, vs))
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.debug("{}: cannot read the mesh objects of the gate's name", key, ar.cause());
                return Future.succeededFuture(Optional.empty());
              }
              Optional<String> foreign =
                  MeshDiff.foreignObjects(
                      ar.result().resultAt(0),
                      ar.result().resultAt(1),
                      key.namespace(),
                      key.name());
              found = new SameNameCheck(foreign, now);
              return Future.succeededFuture(foreign);
            });
  }

  /**
   * Stops the tick when something else routes the gate's host or an older gate claims it, or when
   * that cannot be told yet: until the VirtualServices syncgate does not manage in the gate's
   * namespace have been listed once, the tick stops like one with an unsynced pod cache, with
   * nothing to report while the first list runs, and with {@link TickOutcome.HostCheckFailed} once
   * it failed.
   */
  private Future<GateSettings> requireUnclaimedHost(GateSettings settings) {
    Optional<String> service = HostClaims.service(settings.target().host(), key.namespace());
    if (service.isEmpty()) {
      return Future.succeededFuture(settings);
    }
    ForeignRoutes.Known known = seams.hosts().routesKnown(key.namespace());
    if (!known.known()) {
      LOG.debug("{}: waiting for the VirtualServices syncgate does not manage to be listed", key);
      return stop(known.failure().map(TickOutcome.HostCheckFailed::new).orElse(null));
    }
    return HostClaims.conflict(
            gate, seams.hosts().routing(service.get()), seams.hosts().gating(service.get()))
        .<Future<GateSettings>>map(claim -> stop(new TickOutcome.HostClaimed(claim)))
        .orElseGet(() -> Future.succeededFuture(settings));
  }

  private Future<GateSettings> preparePatroni(GateSettings settings) {
    return OnContext.of(context, seams.members().prepare(settings.patroni(), now))
        .transform(
            ar -> {
              if (ar.succeeded()) {
                return Future.succeededFuture(settings);
              }
              if (ar.cause() instanceof MemberPoller.PatroniUnavailable) {
                // The poller logs why, once per change: not a line per tick.
                LOG.debug("{}: cannot poll Patroni: {}", key, ar.cause().getMessage());
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
    return OnContext.of(context, Future.all(stored, liveVs))
        .map(
            all -> {
              ReplicaGate fresh = all.resultAt(0);
              VirtualService vs = all.resultAt(1);
              ReplicaGateStatus status = fresh == null ? null : fresh.getStatus();
              Optional<Route> liveRoute =
                  vs != null && MeshDiff.managedBySyncgate(vs)
                      ? MeshDiff.routeOf(
                          vs, settings.target().port(), settings.target().primaryHost())
                      : Optional.empty();
              // Stored times are wall time; the core's are monotonic.
              Duration toCore = TickClock.toWall(wallNow, now);
              GateState state =
                  GateRestore.restore(
                      GateStatusBuilder.storedReplicas(status, toCore),
                      GateStatusBuilder.storedActions(status, toCore),
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
                  new Memory(
                      state,
                      MeshWrites.Applied.NONE,
                      Map.of(),
                      PodMembers.storedUids(status),
                      null),
                  new Restored(
                      status, fresh == null ? null : fresh.getMetadata().getResourceVersion()));
            });
  }

  private Future<Polled> poll(Begun begun) {
    List<Pod> pods = seams.pods().pods();
    Map<String, String> uids = PodMembers.uids(pods);
    Set<String> recreated = PodIdentity.recreated(begun.memory().podUids(), uids);
    recreated.forEach(
        name -> LOG.info("{}: replica {}: pod re-created (new uid), starting over", key, name));
    GateState prior = begun.memory().state().without(recreated);
    List<PatroniEndpoint> endpoints = PodMembers.endpoints(pods, begun.settings().patroni());
    long started = System.nanoTime();
    // Lag in seconds compares Patroni's replayed_timestamp with wall time.
    return OnContext.of(context, seams.members().poll(endpoints, wallNow))
        .map(
            snapshot -> {
              pollTimer.record(Duration.ofNanos(System.nanoTime() - started));
              return new Polled(
                  begun,
                  snapshot,
                  prior,
                  uids,
                  PodMembers.subsetLabelMismatches(pods, begun.settings().target().subsetLabel()),
                  PodMembers.withoutReadyEndpoint(
                      pods,
                      seams.endpoints().readyAddresses(begun.settings().readService()),
                      begun.settings().readService()),
                  primaryRoute(begun.settings()),
                  Map.of());
            });
  }

  /** Where the fallback goes, read from the endpoint cache with the read host's endpoints. */
  private PrimaryRoute primaryRoute(GateSettings settings) {
    return settings
        .primaryService()
        .map(svc -> PrimaryRoute.service(!seams.endpoints().readyAddresses(svc).isEmpty()))
        .orElse(PrimaryRoute.LEADER_SUBSET);
  }

  /**
   * The analysis verdicts of the replicas Ramping before this tick; a replica admitted in this tick
   * has no step to judge yet.
   */
  private Future<Polled> analyse(Polled polled) {
    Optional<GateSettings.AnalysisSettings> analysis = polled.begun().settings().analysis();
    if (analysis.isEmpty()) {
      return Future.succeededFuture(polled);
    }
    Map<String, Instant> stepStarts = new java.util.TreeMap<>();
    polled.prior().replicas().values().stream()
        .filter(r -> r.phase() == Phase.RAMPING)
        .forEach(r -> stepStarts.put(r.name(), r.stepSince() != null ? r.stepSince() : r.since()));
    return OnContext.of(context, seams.analysis().verdicts(analysis.get(), stepStarts, now))
        .map(polled::withChecks);
  }

  private Future<Decision> decide(Polled polled) {
    GateSettings settings = polled.begun().settings();
    // A member that cannot name a subset, whose subset would select another pod or none, or whose
    // pod is no ready endpoint, gets no subset and no weight; the rest is still written.
    List<Exclusion> excluded =
        Routability.exclusions(
            polled.snapshot().samples().keySet(),
            polled.mismatched(),
            polled.endpointless(),
            polled.snapshot().leader(),
            polled.primary().service());
    StepResult step =
        GatingStep.step(
            polled.prior(),
            polled.snapshot(),
            excluded,
            polled.primary(),
            rolloutInputs(polled.checks()),
            settings.policy(),
            now);
    for (var t : step.plan().transitions()) {
      LOG.info("{}: {}", key, TickReport.describe(t));
    }
    try {
      RenderedMesh rendered =
          RenderedMesh.of(settings.target(), step.plan(), polled.begun().memory().rendered());
      return Future.succeededFuture(new Decision(polled, step, rendered, null));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          new Decision(polled, step, null, "cannot render: " + e.getMessage()));
    }
  }

  /** The operator requests on the gate's annotations; those that cannot be read are refused. */
  private RolloutInputs rolloutInputs(Map<String, Map<String, CheckVerdict>> checks) {
    List<OperatorAction> actions = new ArrayList<>();
    List<ActionRecord> unreadable = new ArrayList<>();
    for (ActionRequests.Request r : ActionRequests.pending(gate.getMetadata().getAnnotations())) {
      if (r.valid()) {
        actions.add(r.action());
      } else {
        unreadable.add(ActionRecord.malformed(r.id(), now, r.error()));
      }
    }
    return new RolloutInputs(actions, checks, unreadable);
  }

  private Future<Result> writeMesh(Decision decision) {
    MeshWrites.Applied applied = decision.polled().begun().memory().applied();
    if (decision.renderError() != null) {
      return Future.succeededFuture(
          decision.result(new TickOutcome.WriteFailed(List.of(), decision.renderError()), applied));
    }
    return new MeshWrites(key, term, seams.mesh(), context)
        .write(decision.rendered().destinationRule(), decision.rendered().virtualService(), applied)
        .map(
            written -> {
              if (written.result() instanceof TickOutcome.NotOwned notOwned) {
                // Found by the write: the informers never show it, so remember it (see
                // SameNameCheck) instead of polling and writing into it again next tick.
                found = SameNameCheck.foreign(notOwned.message(), now);
              }
              return decision.result(written.result(), written.applied());
            });
  }

  // ------------------------------------------------------------------ stage values

  private record Begun(GateSettings settings, Memory memory, Restored restored) {}

  /**
   * @param prior the state to step from: the memory's, less replicas whose pod was re-created
   * @param podUids the current pods' UIDs by name
   * @param mismatched pods whose subset label does not carry their own name
   * @param endpointless pods that are not a ready endpoint of the read host's Service
   * @param primary where the fallback goes, from the same look at the endpoints
   * @param checks the analysis verdicts by replica and check, empty without analysis
   */
  private record Polled(
      Begun begun,
      ClusterSnapshot snapshot,
      GateState prior,
      Map<String, String> podUids,
      List<Exclusion> mismatched,
      List<Exclusion> endpointless,
      PrimaryRoute primary,
      Map<String, Map<String, CheckVerdict>> checks) {

    Polled withChecks(Map<String, Map<String, CheckVerdict>> newChecks) {
      return new Polled(
          begun, snapshot, prior, podUids, mismatched, endpointless, primary, newChecks);
    }
  }

  /**
   * @param rendered the mesh objects to write, or null when they cannot be rendered
   * @param renderError why not, or null
   */
  private record Decision(
      Polled polled, StepResult step, RenderedMesh rendered, String renderError) {

    /** The tick's result once the mesh writes ended as {@code mesh}. */
    Result result(MeshResult mesh, MeshWrites.Applied applied) {
      Reachability reach = Reachability.of(polled.begun().memory().reachable(), polled.snapshot());
      // A step takes effect only with the route that carries it: while the writes fail, the
      // state stays the one whose route is live, so a ramp never advances on an unwritten step
      // (after an outage longer than the ramp, the next write takes one step, not all of them).
      boolean written = mesh instanceof TickOutcome.Settled;
      GateState state = written ? step.state() : polled.prior();
      Plan plan = written ? step.plan() : step.plan().withoutEffect();
      boolean onlyCompared =
          mesh instanceof TickOutcome.Settled settled
              && settled.writes().stream().allMatch(w -> w.result() == WriteResult.NOOP);
      return new Result(
          new Decided(plan, state, reach.unusable(), reach.newlyUnusable(), mesh, polled.podUids()),
          new Memory(
              state, applied, reach.usable(), polled.podUids(), onlyCompared ? rendered : null),
          polled.begun().restored(),
          null);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A stage that runs only while the tick's term is current; otherwise the tick stops. */
  private <A, B> Function<A, Future<B>> fenced(Function<A, Future<B>> stage) {
    return fenced(term, stage);
  }

  /** A stage that runs only while {@code term} is current; otherwise the tick stops. */
  static <A, B> Function<A, Future<B>> fenced(Term term, Function<A, Future<B>> stage) {
    return value -> term.current() ? stage.apply(value) : stop(null);
  }

  /** Ends the tick with {@code outcome} (null: nothing to report). */
  static <T> Future<T> stop(TickOutcome outcome) {
    return Future.failedFuture(new Stop(outcome));
  }

  private Future<Result> stopped(Throwable cause) {
    if (cause instanceof Stop stop) {
      return Future.succeededFuture(new Result(stop.outcome, null, null, null));
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
}
