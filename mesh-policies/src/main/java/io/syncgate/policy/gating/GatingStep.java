package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.HumanFormat.bytes;
import static io.syncgate.policy.gating.HumanFormat.duration;
import static io.syncgate.policy.gating.HumanFormat.seconds;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The gating core: {@code (previous state, snapshot, policy, now) → (new state, plan)}, as
 * docs/design.md, "Phases and weights" describes it. Pure: no clock, no I/O; {@code now} is an
 * input.
 *
 * <p>Rules worth knowing when reading the code:
 *
 * <ul>
 *   <li>A replica changes phase at most once per step, and a ramp advances at most one step per
 *       step. Admission and ramp progress also need {@code now} to be strictly after the last
 *       change, so feeding a result back with the same snapshot and {@code now} changes nothing,
 *       even with zero {@code stableFor}/{@code stepInterval}.
 *   <li>Ejection (Ramping/Serving only) is decided before ramp progress and applies while paused.
 *   <li>A replica with an ejection cause is never admissible, so a replica is never admitted only
 *       to be ejected at once.
 *   <li>Without a single leader the step fails static: route, phases and steps stay as they were,
 *       except that a Ramping/Serving replica is still ejected on its own evidence (what its own
 *       Patroni says, its silence, its exclusion); no lag, admission or ramp step is judged.
 *   <li>An excluded member ({@link Exclusion}) is never admitted, is ejected at once, and gets no
 *       destination in the route, with or without a leader.
 * </ul>
 *
 * <p>Reasons are computed from the new phase and this step's observation only, so they are stable
 * under replay; the admission reason ("admitted: lag 8 KiB &lt;= 1 MiB for 10s") travels on the
 * {@link Transition.Kind#ADMITTED} transition, the replica's reason then names its ramp step.
 */
public final class GatingStep {

  private static final String RUNNING = "running";
  private static final String STREAMING = "streaming";

  private GatingStep() {}

  /**
   * One step of the gate with no member excluded; see {@link #step(GateState, ClusterSnapshot,
   * Collection, GatePolicy, Instant)}.
   */
  public static StepResult step(
      GateState previous, ClusterSnapshot snapshot, GatePolicy policy, Instant now) {
    return step(previous, snapshot, List.of(), policy, now);
  }

  /**
   * One step of the gate.
   *
   * @param previous what the previous step returned (or {@link GateState#empty()}, or a state
   *     rebuilt by {@link GateRestore#restore})
   * @param snapshot this tick's samples of every member pod
   * @param excluded the members that must get no weight and no subset, with why; exclusions of
   *     names that are not members are ignored
   * @param policy the gate's policy
   * @param now this tick's time
   */
  public static StepResult step(
      GateState previous,
      ClusterSnapshot snapshot,
      Collection<Exclusion> excluded,
      GatePolicy policy,
      Instant now) {
    return step(previous, snapshot, excluded, PrimaryRoute.LEADER_SUBSET, policy, now);
  }

  /**
   * One step of the gate, whose {@code Primary} fallback goes where {@code primary} says.
   *
   * @param primary the leader's subset, or the primary's own Service and whether it has a ready
   *     endpoint
   * @see #step(GateState, ClusterSnapshot, Collection, GatePolicy, Instant)
   */
  public static StepResult step(
      GateState previous,
      ClusterSnapshot snapshot,
      Collection<Exclusion> excluded,
      PrimaryRoute primary,
      GatePolicy policy,
      Instant now) {
    return step(previous, snapshot, excluded, primary, RolloutInputs.NONE, policy, now);
  }

  /**
   * One step of the gate that also takes operator actions and analysis results.
   *
   * @param rollout the operator actions to take now (those {@code previous} recorded already are
   *     skipped) and the latest check results of each ramping replica
   * @see #step(GateState, ClusterSnapshot, Collection, PrimaryRoute, GatePolicy, Instant)
   */
  public static StepResult step(
      GateState previous,
      ClusterSnapshot snapshot,
      Collection<Exclusion> excluded,
      PrimaryRoute primary,
      RolloutInputs rollout,
      GatePolicy policy,
      Instant now) {
    Objects.requireNonNull(rollout, "rollout");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(excluded, "excluded");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(now, "now");
    List<String> members = new ArrayList<>(new TreeSet<>(snapshot.samples().keySet()));
    Exclusions exclusions = Exclusions.of(excluded, snapshot.samples().keySet());
    String leader = snapshot.leader() != null ? snapshot.leader() : previous.leader();
    Requests requests = Requests.of(previous, rollout, members, leader, now);
    if (snapshot.leader() == null) {
      return failStatic(previous, snapshot, policy, primary, members, exclusions, requests, now);
    }
    return withLeader(
        previous, snapshot, policy, primary, members, exclusions, requests, rollout, now);
  }

  /**
   * This step's exclusions of members.
   *
   * @param all every exclusion of a member, for the plan
   * @param reasons the replica's reason per excluded member (of its first exclusion by cause)
   */
  private record Exclusions(List<Exclusion> all, Map<String, String> reasons) {

    static Exclusions of(Collection<Exclusion> excluded, Set<String> members) {
      List<Exclusion> all =
          excluded.stream()
              .filter(e -> members.contains(e.member()))
              .distinct()
              .sorted(Comparator.comparing(Exclusion::cause))
              .toList();
      Map<String, String> reasons = new TreeMap<>();
      all.forEach(e -> reasons.putIfAbsent(e.member(), e.reason()));
      return new Exclusions(all, reasons);
    }

    /** The replica's reason while excluded, or null when it is not. */
    String reason(String member) {
      return reasons.get(member);
    }

    /** {@code members} without the excluded ones: those that get a subset. */
    Set<String> subsets(Collection<String> members) {
      Set<String> out = new TreeSet<>(members);
      out.removeAll(reasons.keySet());
      return out;
    }
  }

  private static StepResult withLeader(
      GateState previous,
      ClusterSnapshot snapshot,
      GatePolicy policy,
      PrimaryRoute primary,
      List<String> members,
      Exclusions exclusions,
      Requests requests,
      RolloutInputs rollout,
      Instant now) {
    String leader = snapshot.leader();
    Long timeline = snapshot.leaderTimeline();
    if (timeline == null) {
      throw new IllegalArgumentException("snapshot names leader " + leader + " but no timeline");
    }
    List<Transition> transitions = new ArrayList<>();
    if (previous.leader() != null && !previous.leader().equals(leader)) {
      transitions.add(
          new Transition(
              Transition.Kind.LEADER_CHANGED,
              null,
              null,
              null,
              0,
              "leader changed from "
                  + previous.leader()
                  + " to "
                  + leader
                  + " on timeline "
                  + timeline));
    }
    transitions.addAll(requests.refusedTransitions());
    List<ActionRecord> records = new ArrayList<>(requests.refused());
    Map<String, ReplicaState> next = new TreeMap<>();
    Map<String, Admission> admissions = new TreeMap<>();
    // Lags against another leader or timeline are another series: the windows start over.
    boolean sameSeries = leader.equals(previous.leader()) && timeline.equals(previous.timeline());
    Map<String, GateState.LagTrend> trends = new TreeMap<>();
    for (String name : members) {
      if (name.equals(leader)) {
        continue;
      }
      GateState.LagTrend trend =
          lagTrend(
              sameSeries ? previous.trend(name) : GateState.LagTrend.NONE,
              snapshot.lags().get(name),
              policy,
              now);
      trends.put(name, trend);
      ReplicaState prev = previous.replicas().get(name);
      if (prev == null || name.equals(previous.leader())) {
        // New member, or the old leader now following: both start from scratch.
        prev = fresh(name, now, "new member");
      }
      prev = fitToPolicy(prev, policy);
      Observation observation =
          observe(
              snapshot.samples().get(name),
              snapshot.lags().get(name),
              timeline,
              exclusions.reason(name),
              trend,
              policy);
      Controlled controlled =
          control(prev, requests.of(name), observation, true, transitions, records, policy, now);
      prev = controlled.state();
      Outcome outcome =
          controlled.promoted() != null
              ? controlled.promoted()
              : advance(prev, observation, rollout.checksOf(name), policy, now);
      next.put(name, outcome.state());
      if (outcome.transition() != null) {
        transitions.add(outcome.transition());
        if (outcome.transition().kind() == Transition.Kind.ADMITTED
            && outcome.state().phase() == Phase.RAMPING) {
          admissions.put(name, new Admission(prev, observation, outcome.transition()));
        }
      }
    }
    if (policy.maxRamping() != null && !admissions.isEmpty()) {
      takeTurns(next, transitions, admissions, policy, now);
    }
    Set<String> subsets = exclusions.subsets(members);
    // An excluded leader has no subset, a primary Service without endpoints takes no reads: the
    // route that would need them (Primary fallback, no replica) cannot be written, and the live one
    // stays.
    Optional<Weights.Decision> decision =
        Weights.route(routable(next, subsets), primary.destination(leader, subsets), policy);
    Optional<Route> route = decision.map(Weights.Decision::route);
    GateState state =
        new GateState(next, leader, timeline, route, previous.actions(), trends)
            .withActions(records);
    Plan plan =
        new Plan(
            members,
            leader,
            route,
            decision.map(Weights.Decision::fallbackActive).orElse(false),
            null,
            transitions,
            exclusions.all(),
            route.isPresent()
                ? null
                : "no replica can take reads and "
                    + primary.whyNone(leader, exclusions.reason(leader)));
    return new StepResult(state, plan);
  }

  /** A replica admitted to Ramping in this step: what it was and saw before. */
  private record Admission(ReplicaState prev, Observation observation, Transition admitted) {}

  /**
   * {@link GatePolicy#maxRamping}: while a replica serves, at most that many ramp; the replicas
   * admitted in this step beyond that wait for their turn, Gated with their stable run kept, first
   * come (earliest admissible) first served, so a slow replica affects one replica's worth of
   * reads. While no replica serves, all admitted replicas go straight to Serving: with nobody
   * serving they would share the reads equally whatever their ramp step, so a ramp would move no
   * reads, and queueing them would keep the reads on the fallback for minutes.
   */
  private static void takeTurns(
      Map<String, ReplicaState> next,
      List<Transition> transitions,
      Map<String, Admission> admissions,
      GatePolicy policy,
      Instant now) {
    boolean serving =
        next.values().stream()
            .anyMatch(r -> r.phase() == Phase.SERVING && !admissions.containsKey(r.name()));
    if (!serving) {
      for (Map.Entry<String, Admission> e : admissions.entrySet()) {
        Admission a = e.getValue();
        // Serving replicas keep step 0, as after the last ramp step; the transition names the
        // last step, as the one out of the ramp does.
        int last = policy.rampSteps().size() - 1;
        next.put(
            e.getKey(),
            state(
                a.prev(),
                a.observation(),
                now,
                Phase.SERVING,
                0,
                now,
                null,
                null,
                admittedReason(Phase.SERVING, 0, policy)));
        transitions.set(
            transitions.indexOf(a.admitted()),
            new Transition(
                Transition.Kind.ADMITTED,
                e.getKey(),
                Phase.GATED,
                Phase.SERVING,
                last,
                a.admitted().reason() + "; straight to a full share, no replica serving"));
      }
      return;
    }
    long ramping =
        next.values().stream()
            .filter(r -> r.phase() == Phase.RAMPING && !admissions.containsKey(r.name()))
            .count();
    List<String> queue = new ArrayList<>(admissions.keySet());
    queue.sort(
        Comparator.comparing((String name) -> runStart(admissions.get(name).prev(), now))
            .thenComparing(name -> name));
    long slots = Math.max(0, policy.maxRamping() - ramping);
    for (String name : queue.subList((int) Math.min(slots, queue.size()), queue.size())) {
      Admission a = admissions.get(name);
      next.put(
          name,
          state(
                  a.prev(),
                  a.observation(),
                  now,
                  Phase.GATED,
                  0,
                  a.prev().since(),
                  null,
                  runStart(a.prev(), now),
                  "caught up, waiting for its turn: "
                      + (ramping + Math.min(slots, queue.size()))
                      + " ramping of at most "
                      + policy.maxRamping()
                      + " (ramp.maxRamping)")
              .withWaitingFor("its turn (ramp.maxRamping)"));
      transitions.remove(a.admitted());
    }
  }

  /**
   * When a Gated replica's admissible run began: no earlier than it entered Gated, not after now.
   */
  private static Instant runStart(ReplicaState prev, Instant now) {
    Instant start =
        prev.admissibleSince() == null ? now : max(prev.admissibleSince(), prev.since());
    return start.isAfter(now) ? now : start;
  }

  /** The replicas that get a destination in the route: those with a subset. */
  private static List<ReplicaState> routable(
      Map<String, ReplicaState> replicas, Set<String> subsets) {
    return replicas.values().stream().filter(r -> subsets.contains(r.name())).toList();
  }

  /**
   * No single leader: no lag can be computed. Keep the route (minus vanished and excluded members),
   * phases and steps; break admission runs; remember who answered; admit and advance nobody. Eject
   * a Ramping/Serving replica only on its own evidence ({@link #ownEvidence}); its weight goes to
   * the rest.
   */
  private static StepResult failStatic(
      GateState previous,
      ClusterSnapshot snapshot,
      GatePolicy policy,
      PrimaryRoute primary,
      List<String> members,
      Exclusions exclusions,
      Requests requests,
      Instant now) {
    String degradedReason = degradedReason(previous, snapshot);
    Map<String, ReplicaState> next = new TreeMap<>();
    List<Transition> transitions = new ArrayList<>(requests.refusedTransitions());
    List<ActionRecord> records = new ArrayList<>(requests.refused());
    for (String name : members) {
      if (name.equals(previous.leader())) {
        continue;
      }
      MemberSample sample = snapshot.samples().get(name);
      boolean usable = sample.usable();
      ReplicaState prev = previous.replicas().get(name);
      if (prev == null) {
        ReplicaState unknown = fresh(name, now, "waiting for a single leader: " + degradedReason);
        next.put(name, usable ? unknown.withLastUsableSample(now) : unknown);
        continue;
      }
      ReplicaState kept = fitToPolicy(prev, policy).withAdmissibleSince(null);
      String exclusion = exclusions.reason(name);
      // Without a leader no lag is known: nothing is promoted, the other actions apply.
      Observation noLag =
          new Observation(
              sample,
              null,
              null,
              "no single leader: lag unknown",
              exclusion,
              GateState.LagTrend.NONE);
      kept =
          control(kept, requests.of(name), noLag, false, transitions, records, policy, now).state();
      String cause =
          kept.control().aborted() && kept.phase() != Phase.EJECTED
              ? ABORTED
              : ownEvidence(kept, sample, exclusion, previous.timeline(), policy, now);
      if (cause != null) {
        Outcome ejected =
            eject(
                kept,
                new Observation(sample, null, cause, cause, exclusion, GateState.LagTrend.NONE),
                now,
                cause);
        next.put(name, ejected.state());
        transitions.add(ejected.transition());
        continue;
      }
      next.put(name, usable ? kept.withLastUsableSample(now) : kept);
    }
    next.replaceAll((name, r) -> r.withWaitingFor(leaderlessWaiting(r)));
    Set<String> subsets = exclusions.subsets(members);
    Set<String> ejected = new TreeSet<>();
    transitions.stream()
        .filter(t -> t.kind() == Transition.Kind.EJECTED)
        .forEach(t -> ejected.add(t.replica()));
    // When no destination with weight is left there is no valid route to keep: write nothing and
    // forget the old route, so that a pod recreated under a vanished name never inherits its
    // weight.
    Set<String> present = new TreeSet<>(subsets);
    if (primary.service() && primary.serviceReady()) {
      present.add(RouteDestination.PRIMARY_SERVICE);
    }
    Optional<Route> kept = previous.route().flatMap(r -> Weights.restrictTo(r, present, ejected));
    if (kept.isEmpty() && previous.route().map(r -> heldWeight(r, ejected)).orElse(false)) {
      // Unless an ejection emptied it: the ejection must reach the mesh, so the route is decided
      // from the phases as with a leader, the last known leader standing in for the Primary
      // fallback. Without its subset nothing can take the reads and the live route stays.
      String lastLeader = previous.leader();
      kept =
          Weights.route(routable(next, subsets), primary.destination(lastLeader, subsets), policy)
              .map(Weights.Decision::route);
    }
    GateState state =
        new GateState(
                next,
                previous.leader(),
                previous.timeline(),
                kept,
                previous.actions(),
                keptTrends(previous, next.keySet()))
            .withActions(records);
    boolean fallbackActive = kept.isPresent() && Weights.noShares(next.values(), policy);
    Plan plan =
        new Plan(
            members, null, kept, fallbackActive, degradedReason, transitions, exclusions.all());
    return new StepResult(state, plan);
  }

  /**
   * Why an admitted (Ramping/Serving) replica must go to zero while the leader is unknown, from
   * what does not need the leader's position: its exclusion; no usable answer for {@code
   * unreachableFor} since its last one; or its own Patroni saying it is not a running replica on
   * the last known leader timeline, is not streaming, or has replay paused. With a leader the last
   * two only block admission, since the lag then shows what they cost; without one nothing bounds
   * how far such a replica falls behind. Null when none applies, or when the replica holds no
   * share.
   */
  private static String ownEvidence(
      ReplicaState replica,
      MemberSample sample,
      String exclusion,
      Long lastLeaderTimeline,
      GatePolicy policy,
      Instant now) {
    if (replica.phase() != Phase.RAMPING && replica.phase() != Phase.SERVING) {
      return null;
    }
    if (exclusion != null) {
      return exclusion;
    }
    if (!sample.usable()) {
      boolean tooLong = silentFor(replica, now).compareTo(policy.unreachableFor()) >= 0;
      return tooLong ? unreachable(replica, sample, now) : null;
    }
    String hard = hardCause(sample, lastLeaderTimeline, "last known leader timeline");
    return hard != null ? hard : replayBlocker(sample);
  }

  /** What a replica waits for while no single leader is known. */
  private static String leaderlessWaiting(ReplicaState r) {
    if (r.control().aborted()) {
      return WAITING_RESUME_ABORTED;
    }
    return r.phase() == Phase.SERVING ? null : "a single leader";
  }

  /** True when one of {@code subsets} holds weight in {@code route}. */
  private static boolean heldWeight(Route route, Set<String> subsets) {
    return route.destinations().stream()
        .anyMatch(d -> d.weight() > 0 && subsets.contains(d.subset()));
  }

  private static String degradedReason(GateState previous, ClusterSnapshot snapshot) {
    if (previous.leader() != null) {
      MemberSample leaderSample = snapshot.samples().get(previous.leader());
      if (leaderSample != null && !leaderSample.usable()) {
        return "leader " + previous.leader() + " unreachable: " + leaderSample.reason();
      }
    }
    return snapshot.noLeaderReason() != null ? snapshot.noLeaderReason() : "no single leader";
  }

  // ---------------------------------------------------------------- observation of one replica

  /**
   * What this tick's sample says about a replica.
   *
   * @param ejectCause why a Ramping/Serving replica must go to zero now, or null
   * @param notAdmissible why the replica may not be admitted now, or null when it may
   * @param excluded the replica's reason while it is excluded, or null; it holds whether or not the
   *     sample is usable
   * @param trend the replica's lag trend with this tick's sample
   */
  private record Observation(
      MemberSample sample,
      ClusterSnapshot.Lag lag,
      String ejectCause,
      String notAdmissible,
      String excluded,
      GateState.LagTrend trend) {

    boolean usable() {
      return sample.usable();
    }
  }

  /**
   * The window with this tick's lag, if known, its estimate, and since when the lag has grown
   * faster than {@code ramp.maxLagGrowth} without a break.
   */
  private static GateState.LagTrend lagTrend(
      GateState.LagTrend previous, ClusterSnapshot.Lag lag, GatePolicy policy, Instant now) {
    CatchUp w = lag == null ? previous.window() : previous.window().with(now, lag.bytes());
    // The last estimate is only where the median is looked for first; the result is the same.
    CatchUp.Estimate estimate = w.estimate(policy.admissionMaxLagBytes(), previous.estimate());
    boolean tooFast =
        policy.stepsBackOnLagGrowth()
            && estimate != null
            && -estimate.bytesPerSecond() > policy.maxLagGrowthBytesPerSecond();
    Instant growingSince =
        !tooFast ? null : previous.growingSince() != null ? previous.growingSince() : now;
    return new GateState.LagTrend(w, estimate, growingSince);
  }

  /** Without a leader no lag is known: the windows of the members still there wait as they are. */
  private static Map<String, GateState.LagTrend> keptTrends(
      GateState previous, Set<String> replicas) {
    Map<String, GateState.LagTrend> kept = new TreeMap<>(previous.trends());
    kept.keySet().retainAll(replicas);
    return kept;
  }

  private static Observation observe(
      MemberSample sample,
      ClusterSnapshot.Lag lag,
      long leaderTimeline,
      String excluded,
      GateState.LagTrend trend,
      GatePolicy policy) {
    CatchUp.Estimate estimate = trend.estimate();
    if (!sample.usable()) {
      return new Observation(
          sample, null, excluded, excluded != null ? excluded : sample.reason(), excluded, trend);
    }
    String hard =
        excluded != null ? excluded : hardCause(sample, leaderTimeline, "leader timeline");
    String lagEjection = lag == null ? null : lagEjectCause(lag, policy);
    String ejectCause = hard != null ? hard : lagEjection;
    String notAdmissible =
        hard != null ? hard : admissionBlocker(sample, lag, estimate, policy, lagEjection);
    return new Observation(sample, lag, ejectCause, notAdmissible, excluded, trend);
  }

  /**
   * Causes that make a replica unfit at any lag: they gate and they eject.
   *
   * @param timeline the timeline the replica must be on, or null when none is known
   * @param timelineName what that timeline is, for the reason
   */
  private static String hardCause(MemberSample sample, Long timeline, String timelineName) {
    if (sample.role() != PatroniRole.REPLICA) {
      return sample.role() == null
          ? "no role reported"
          : "role " + sample.role().name().toLowerCase(Locale.ROOT) + ", not a replica";
    }
    // The state first: Patroni reports no timeline for a member that is not running, so its
    // timeline would read 0 and name the wrong cause.
    if (!RUNNING.equals(sample.state())) {
      return "state " + (sample.state() == null ? "unknown" : sample.state());
    }
    if (timeline != null && sample.timeline() != timeline) {
      return "timeline " + sample.timeline() + " != " + timelineName + " " + timeline;
    }
    return null;
  }

  private static String lagEjectCause(ClusterSnapshot.Lag lag, GatePolicy policy) {
    if (lag.bytes() > policy.ejectionMaxLagBytes()) {
      return "lag " + bytes(lag.bytes()) + " > " + bytes(policy.ejectionMaxLagBytes());
    }
    if (checked(policy.ejectionMaxLagTime())
        && lag.seconds() != null
        && lag.seconds() > toSeconds(policy.ejectionMaxLagTime())) {
      return "lag " + seconds(lag.seconds()) + " > " + duration(policy.ejectionMaxLagTime());
    }
    return null;
  }

  /** Why a replica without a hard cause may not be admitted, or null when it may. */
  private static String admissionBlocker(
      MemberSample sample,
      ClusterSnapshot.Lag lag,
      CatchUp.Estimate estimate,
      GatePolicy policy,
      String lagEjection) {
    String replay = replayBlocker(sample);
    if (replay != null) {
      return replay;
    }
    if (lag == null) {
      return "no replay position reported";
    }
    if (lag.bytes() > policy.admissionMaxLagBytes()) {
      return "lag "
          + bytes(lag.bytes())
          + " > "
          + bytes(policy.admissionMaxLagBytes())
          + catchingUp(estimate);
    }
    if (policy.rejectGrowingLag()
        && estimate != null
        && estimate.trend() == CatchUp.Trend.FALLING_BEHIND) {
      // Under the limit but falling behind: admitting it now would only be to eject it.
      return "lag "
          + bytes(lag.bytes())
          + " <= "
          + bytes(policy.admissionMaxLagBytes())
          + " but growing "
          + bytes((long) -estimate.bytesPerSecond())
          + "/s (admission.rejectGrowingLag)";
    }
    if (checked(policy.admissionMaxLagTime())) {
      if (lag.seconds() == null) {
        return "lag in time unknown: no replay timestamp";
      }
      if (lag.seconds() > toSeconds(policy.admissionMaxLagTime())) {
        return "lag " + seconds(lag.seconds()) + " > " + duration(policy.admissionMaxLagTime());
      }
    }
    return lagEjection;
  }

  /** ", catching up at 240 MiB/s, ETA 17s", ", not catching up (growing 5 MiB/s)", or "". */
  private static String catchingUp(CatchUp.Estimate estimate) {
    if (estimate == null) {
      return "";
    }
    return switch (estimate.trend()) {
      case CATCHING_UP ->
          ", catching up at "
              + bytes((long) estimate.bytesPerSecond())
              + "/s"
              + (estimate.eta() == null ? "" : ", ETA " + duration(estimate.eta()));
      case FLAT -> ", not catching up (flat)";
      case FALLING_BEHIND ->
          ", not catching up (growing " + bytes((long) -estimate.bytesPerSecond()) + "/s)";
    };
  }

  /**
   * A reported replication state other than {@code streaming}, or replay paused: the replica is not
   * keeping up on its own say. No replication state reported (Patroni before 3.0.4 has none) is no
   * evidence.
   */
  private static String replayBlocker(MemberSample sample) {
    if (sample.replicationState() != null && !STREAMING.equals(sample.replicationState())) {
      return "replication state " + sample.replicationState();
    }
    if (sample.replayPaused()) {
      return "replay paused";
    }
    return null;
  }

  // ---------------------------------------------------------------- operator actions

  /** The reason of a replica an operator aborted. */
  private static final String ABORTED =
      "aborted: out of reads until resumed (kubectl syncgate resume)";

  private static final String WAITING_RESUME_HELD = "resume (held)";
  private static final String WAITING_RESUME_ABORTED = "resume (aborted)";
  private static final String WAITING_APPROVAL = "approval";

  /**
   * This step's operator actions that were not taken before, by replica, and those refused outright
   * (they name the leader or no replica of the gate).
   */
  private record Requests(
      Map<String, List<OperatorAction>> byReplica,
      List<ActionRecord> refused,
      List<Transition> refusedTransitions) {

    static Requests of(
        GateState previous,
        RolloutInputs rollout,
        List<String> members,
        String leader,
        Instant now) {
      Map<String, List<OperatorAction>> byReplica = new TreeMap<>();
      List<ActionRecord> refused = new ArrayList<>();
      List<Transition> transitions = new ArrayList<>();
      Set<String> seen = new TreeSet<>();
      for (ActionRecord unreadable : rollout.unreadable()) {
        if (!previous.recorded(unreadable.id()) && seen.add(unreadable.id())) {
          refused.add(unreadable);
          transitions.add(actionTransition(unreadable, null, null, 0));
        }
      }
      for (OperatorAction a : rollout.actions()) {
        if (previous.recorded(a.id()) || !seen.add(a.id())) {
          continue;
        }
        String why =
            a.replica().equals(leader)
                ? a.replica() + " is the leader: only replicas are gated"
                : members.contains(a.replica()) ? null : "no replica " + a.replica() + " here";
        if (why != null) {
          ActionRecord record = ActionRecord.refused(a, now, why);
          refused.add(record);
          transitions.add(actionTransition(record, null, null, 0));
          continue;
        }
        byReplica.computeIfAbsent(a.replica(), k -> new ArrayList<>()).add(a);
      }
      return new Requests(byReplica, refused, transitions);
    }

    List<OperatorAction> of(String replica) {
      return byReplica.getOrDefault(replica, List.of());
    }
  }

  /**
   * A replica after its operator actions of this step.
   *
   * @param state the replica with its new control
   * @param promoted the outcome of an applied promote, or null: the step then advances the state
   */
  private record Controlled(ReplicaState state, Outcome promoted) {}

  /**
   * Takes {@code actions} (oldest first) on {@code prev}: hold, resume, abort and approve change
   * its control; promote, when nothing forbids it, gives it a full share now. Records each action
   * and its transition.
   *
   * @param leaderKnown false while no single leader is known: promote is refused, since no lag is
   */
  private static Controlled control(
      ReplicaState prev,
      List<OperatorAction> actions,
      Observation observation,
      boolean leaderKnown,
      List<Transition> transitions,
      List<ActionRecord> records,
      GatePolicy policy,
      Instant now) {
    ReplicaState cur = prev;
    boolean promote = false;
    for (OperatorAction a : actions) {
      ReplicaState.Control c = cur.control();
      String refusal = null;
      String done = null;
      switch (a.verb()) {
        case HOLD -> {
          if (c.aborted()) {
            refusal = "aborted: resume it first";
          } else {
            done = c.held() ? "already held " + where(cur, policy) : "held " + where(cur, policy);
            cur = cur.withControl(c.withHeld(true));
          }
        }
        case RESUME -> {
          if (!c.held() && !c.aborted()) {
            refusal = "neither held nor aborted";
          } else {
            done = "resumed: no longer " + (c.aborted() ? "aborted" : "held");
            cur = cur.withControl(c.withHeld(false).withAborted(false));
            promote = false;
          }
        }
        case ABORT -> {
          done = c.aborted() ? "already aborted" : "aborted: weight 0 until resumed";
          cur = cur.withControl(c.withHeld(false).withAborted(true).withApproved(false));
          promote = false;
        }
        case APPROVE -> {
          refusal = approvalRefusal(cur, policy);
          if (refusal == null) {
            done = c.approved() ? "already approved" : approvedMessage(cur, policy);
            cur = cur.withControl(c.withApproved(true));
          }
        }
        case PROMOTE -> {
          refusal = promotionRefusal(cur, observation, leaderKnown);
          if (refusal == null) {
            done = "promoted " + where(cur, policy) + " to a full share";
            cur = cur.withControl(c.withHeld(false).withApproved(false).withSteppedBack(false));
            promote = true;
          }
        }
      }
      ActionRecord record =
          refusal == null
              ? ActionRecord.applied(a, now, done)
              : ActionRecord.refused(a, now, refusal);
      records.add(record);
      // Only the promote itself moves the replica to Serving; an action after it does not.
      boolean promotedNow = a.verb() == ActionVerb.PROMOTE && refusal == null;
      transitions.add(actionTransition(record, cur.phase(), promotedNow ? Phase.SERVING : null, 0));
    }
    if (!promote) {
      return new Controlled(cur, null);
    }
    ReplicaState serving =
        state(
            cur,
            observation,
            now,
            Phase.SERVING,
            0,
            now,
            null,
            null,
            admittedReason(Phase.SERVING, 0, policy));
    return new Controlled(cur, new Outcome(serving, null));
  }

  private static Transition actionTransition(ActionRecord r, Phase from, Phase to, int step) {
    return new Transition(
        r.applied() ? Transition.Kind.ACTION_APPLIED : Transition.Kind.ACTION_REFUSED,
        r.replica(),
        from,
        to == null ? from : to,
        step,
        r.action() + (r.by() == null ? "" : " by " + r.by()) + ": " + r.message());
  }

  /** Why a promote is refused now, or null when it may go ahead. */
  private static String promotionRefusal(
      ReplicaState r, Observation observation, boolean leaderKnown) {
    if (r.control().aborted()) {
      return "aborted: resume it first";
    }
    if (r.phase() == Phase.SERVING) {
      return "already serving a full share";
    }
    if (!leaderKnown) {
      return "no single leader: its lag cannot be judged";
    }
    if (observation.excluded() != null) {
      return observation.excluded();
    }
    if (!observation.usable()) {
      return "no usable answer from its Patroni: " + observation.sample().reason();
    }
    if (observation.notAdmissible() != null) {
      return observation.notAdmissible() + ", not within admission limits";
    }
    return null;
  }

  /** Why an approve is refused now, or null. */
  private static String approvalRefusal(ReplicaState r, GatePolicy policy) {
    if (!policy.requireApproval() && policy.pauseAt().isEmpty()) {
      return "the gate has no approval points (admission.requireApproval, ramp.pauseAt)";
    }
    if (r.control().aborted()) {
      return "aborted: resume it first";
    }
    if (r.phase() == Phase.SERVING) {
      return "already serving a full share: nothing to approve";
    }
    return null;
  }

  private static String approvedMessage(ReplicaState r, GatePolicy policy) {
    if (r.phase() == Phase.RAMPING && policy.pausesAt(r.step())) {
      return "approved: may leave ramp step " + r.step() + " (" + percent(r, policy) + "%)";
    }
    if (r.phase() != Phase.RAMPING && policy.requireApproval()) {
      return "approved: may take its first reads once caught up";
    }
    return "approved in advance: its next approval point will pass";
  }

  /** "at ramp step 1 (25%)", "at weight 0 (Gated)", "serving a full share". */
  private static String where(ReplicaState r, GatePolicy policy) {
    return switch (r.phase()) {
      case RAMPING -> "at ramp step " + r.step() + " (" + percent(r, policy) + "%)";
      case SERVING -> "serving a full share";
      default -> "at weight 0 (" + r.phase().displayName() + ")";
    };
  }

  private static int percent(ReplicaState r, GatePolicy policy) {
    return policy.rampSteps().get(Math.min(r.step(), policy.rampSteps().size() - 1));
  }

  // ---------------------------------------------------------------- analysis

  /** A check that failed {@code failureLimit} times in a row in the replica's current step. */
  private record FailedCheck(String name, CheckVerdict status) {}

  private static FailedCheck failedCheck(
      Map<String, CheckVerdict> checks, GatePolicy policy, Instant stepSince) {
    for (String name : policy.analysis().checks()) {
      CheckVerdict s = checks.get(name);
      if (current(s, stepSince)
          && !s.passed()
          && s.consecutiveFailures() >= policy.analysis().failureLimit()) {
        return new FailedCheck(name, s);
      }
    }
    return null;
  }

  /** Why the checks keep a due step from being taken, or null when all passed in this step. */
  private static String checksBlocker(
      Map<String, CheckVerdict> checks, GatePolicy policy, Instant stepSince) {
    for (String name : policy.analysis().checks()) {
      CheckVerdict s = checks.get(name);
      if (!current(s, stepSince)) {
        return "check " + name + ": its first result in this step";
      }
      if (!s.passed()) {
        return "check "
            + name
            + " to pass ("
            + s.consecutiveFailures()
            + " of "
            + policy.analysis().failureLimit()
            + " failures): "
            + s.reason();
      }
    }
    return null;
  }

  /** A result taken in the current step (results from before it say nothing about it). */
  private static boolean current(CheckVerdict s, Instant stepSince) {
    return s != null && !s.at().isBefore(stepSince);
  }

  private static Outcome analysisFailed(
      ReplicaState prev,
      Observation observation,
      FailedCheck failed,
      GatePolicy policy,
      Instant now) {
    String what =
        "check "
            + failed.name()
            + " failed "
            + failed.status().consecutiveFailures()
            + " times in a row ("
            + failed.status().reason()
            + ")";
    if (policy.analysis().onFailure() == GatePolicy.OnFailure.ABORT) {
      String reason = what + ": aborted, out of reads until resumed";
      ReplicaState aborted =
          state(prev, observation, now, Phase.EJECTED, 0, now, null, null, reason)
              .withControl(prev.control().withAborted(true).withHeld(false).withApproved(false))
              .withWaitingFor(WAITING_RESUME_ABORTED);
      return new Outcome(
          aborted,
          new Transition(
              Transition.Kind.ANALYSIS_FAILED,
              prev.name(),
              prev.phase(),
              Phase.EJECTED,
              prev.step(),
              reason));
    }
    String reason = what + ": back to " + admittedReason(Phase.RAMPING, 0, policy);
    // The replica's reason names its step, as on any tick in it; the event says why.
    ReplicaState back =
        state(
                prev,
                observation,
                now,
                Phase.RAMPING,
                0,
                prev.since(),
                now,
                null,
                admittedReason(Phase.RAMPING, 0, policy))
            .withWaitingFor(stepTimer(Duration.ZERO, policy));
    return new Outcome(
        back,
        new Transition(
            Transition.Kind.ANALYSIS_FAILED, prev.name(), Phase.RAMPING, Phase.RAMPING, 0, reason));
  }

  // ---------------------------------------------------------------- phase machine

  private record Outcome(ReplicaState state, Transition transition) {}

  private static Outcome advance(
      ReplicaState prev,
      Observation observation,
      Map<String, CheckVerdict> checks,
      GatePolicy policy,
      Instant now) {
    if (prev.control().aborted()) {
      // Out of reads whatever it says, until resumed; the reason of the abort stays.
      Outcome out =
          prev.phase() == Phase.EJECTED
              ? stay(prev, observation, now, prev.reason())
              : eject(prev, observation, now, ABORTED);
      return waiting(out, WAITING_RESUME_ABORTED);
    }
    return switch (prev.phase()) {
      case UNKNOWN ->
          observation.usable()
              ? enterGated(prev, observation, policy, now)
              : waiting(
                  stay(
                      prev,
                      observation,
                      now,
                      "no usable sample yet: " + observation.sample().reason()),
                  "a usable answer from Patroni");
      case GATED -> gated(prev, observation, policy, now);
      case RAMPING, SERVING -> admitted(prev, observation, checks, policy, now);
      case EJECTED -> ejected(prev, observation, policy, now);
    };
  }

  /** {@code outcome} with its replica waiting for {@code what}. */
  private static Outcome waiting(Outcome outcome, String what) {
    return new Outcome(outcome.state().withWaitingFor(what), outcome.transition());
  }

  private static Outcome gated(
      ReplicaState prev, Observation observation, GatePolicy policy, Instant now) {
    if (observation.excluded() != null) {
      return waiting(stay(prev, observation, now, observation.excluded()), "its exclusion to end");
    }
    if (!observation.usable()) {
      return waiting(
          stay(prev, observation, now, unreachable(prev, observation, now)),
          "a usable answer from Patroni");
    }
    if (observation.notAdmissible() != null) {
      return waiting(
          stay(prev, observation, now, observation.notAdmissible()),
          "admission: " + observation.notAdmissible());
    }
    // Counting starts no earlier than entering Gated, whatever the stored value says.
    Instant runStart = runStart(prev, now);
    Duration held = Duration.between(runStart, now);
    boolean stable = held.compareTo(policy.stableFor()) >= 0;
    String blocker = null;
    if (stable && !policy.paused() && prev.control().held()) {
      blocker = WAITING_RESUME_HELD;
    } else if (stable
        && !policy.paused()
        && policy.requireApproval()
        && !prev.control().approved()) {
      blocker = WAITING_APPROVAL;
    }
    if (blocker != null) {
      String reason =
          admissionSummary(observation, policy)
              + " for "
              + duration(held)
              + (blocker.equals(WAITING_APPROVAL) ? ", waiting for approval" : ", held");
      return new Outcome(
          state(prev, observation, now, Phase.GATED, 0, prev.since(), null, runStart, reason)
              .withWaitingFor(blocker),
          null);
    }
    if (stable && !policy.paused() && now.isAfter(prev.since())) {
      boolean singleStep = policy.rampSteps().size() == 1;
      Phase to = singleStep ? Phase.SERVING : Phase.RAMPING;
      ReplicaState admitted =
          state(
                  prev,
                  observation,
                  now,
                  to,
                  0,
                  now,
                  singleStep ? null : now,
                  null,
                  admittedReason(to, 0, policy))
              // The approval, if one was needed, is used up.
              .withControl(prev.control().withApproved(false))
              .withWaitingFor(singleStep ? null : stepTimer(Duration.ZERO, policy));
      return new Outcome(
          admitted,
          new Transition(
              Transition.Kind.ADMITTED,
              prev.name(),
              Phase.GATED,
              to,
              0,
              "admitted: " + admissionSummary(observation, policy) + " for " + duration(held)));
    }
    String reason = waitingReason(observation, held, policy);
    return new Outcome(
        state(prev, observation, now, Phase.GATED, 0, prev.since(), null, runStart, reason)
            .withWaitingFor(gatedWaiting(held, policy)),
        null);
  }

  private static Outcome admitted(
      ReplicaState prev,
      Observation observation,
      Map<String, CheckVerdict> checks,
      GatePolicy policy,
      Instant now) {
    if (observation.excluded() != null) {
      return waiting(eject(prev, observation, now, observation.excluded()), "its exclusion to end");
    }
    if (!observation.usable()) {
      Duration silent = silentFor(prev, now);
      String reason = unreachable(prev, observation, now);
      if (silent.compareTo(policy.unreachableFor()) >= 0) {
        return waiting(eject(prev, observation, now, reason), "a usable answer from Patroni");
      }
      return waiting(
          hold(prev, observation, now, reason),
          "a usable answer from Patroni (ejected after " + duration(policy.unreachableFor()) + ")");
    }
    if (observation.ejectCause() != null) {
      return waiting(
          eject(prev, observation, now, observation.ejectCause()),
          "recovery: " + observation.ejectCause());
    }
    if (prev.phase() == Phase.SERVING) {
      return hold(prev, observation, now, admittedReason(Phase.SERVING, 0, policy));
    }
    String stepReason = admittedReason(Phase.RAMPING, prev.step(), policy);
    if (prev.control().held()) {
      // Held: the step stays, whatever the timer or the checks say; only ejection moves it.
      return waiting(hold(prev, observation, now, stepReason + ", held"), WAITING_RESUME_HELD);
    }
    Instant stepSince = prev.stepSince() != null ? prev.stepSince() : prev.since();
    if (policy.analysis().any()) {
      FailedCheck failed = failedCheck(checks, policy, stepSince);
      if (failed != null) {
        return analysisFailed(prev, observation, failed, policy, now);
      }
    }
    Outcome back = stepBack(prev, observation, stepSince, policy, now);
    if (back != null) {
      return back;
    }
    if (prev.control().steppedBack()) {
      if (stillGrowing(observation)) {
        return waiting(
            hold(prev, observation, now, stepReason + ", stepped back: " + growth(observation)),
            WAITING_FLAT);
      }
      // Flat again: the step it went back to takes a whole step interval from now.
      prev = prev.withControl(prev.control().withSteppedBack(false)).withStep(prev.step(), now);
      stepSince = now;
    }
    if (policy.paused()) {
      return waiting(hold(prev, observation, now, stepReason + ", paused"), "spec.paused");
    }
    Duration inStep = Duration.between(stepSince, now);
    boolean due = inStep.compareTo(policy.stepInterval()) >= 0 && now.isAfter(stepSince);
    if (!due) {
      return waiting(hold(prev, observation, now, stepReason), stepTimer(inStep, policy));
    }
    boolean pause = policy.pausesAt(prev.step());
    if (pause && !prev.control().approved()) {
      return waiting(
          hold(prev, observation, now, stepReason + ", waiting for approval"),
          WAITING_APPROVAL + " to leave " + percent(prev, policy) + "%");
    }
    if (policy.analysis().any()) {
      String blocker = checksBlocker(checks, policy, stepSince);
      if (blocker != null) {
        return waiting(
            hold(prev, observation, now, stepReason + ", waiting for " + blocker), blocker);
      }
    }
    int nextStep = prev.step() + 1;
    ReplicaState.Control control = pause ? prev.control().withApproved(false) : prev.control();
    if (nextStep >= policy.rampSteps().size() - 1) {
      String reason = admittedReason(Phase.SERVING, 0, policy);
      return new Outcome(
          state(prev, observation, now, Phase.SERVING, 0, now, null, null, reason)
              .withControl(control),
          new Transition(
              Transition.Kind.SERVING,
              prev.name(),
              Phase.RAMPING,
              Phase.SERVING,
              nextStep,
              "ramp complete after " + nextStep + " steps: serving full share"));
    }
    String reason = admittedReason(Phase.RAMPING, nextStep, policy);
    return new Outcome(
        state(prev, observation, now, Phase.RAMPING, nextStep, prev.since(), now, null, reason)
            .withControl(control)
            .withWaitingFor(stepTimer(Duration.ZERO, policy)),
        new Transition(
            Transition.Kind.RAMP_STEP,
            prev.name(),
            Phase.RAMPING,
            Phase.RAMPING,
            nextStep,
            reason));
  }

  private static final String WAITING_FLAT = "its lag to stop growing (ramp.maxLagGrowth)";

  /**
   * {@code ramp.maxLagGrowth}: a Ramping replica whose lag has grown faster than the policy's rate
   * for {@code maxLagGrowthFor} within its current step goes back one step (taking reads can slow
   * replay: I/O contention, replay conflicts), or stays at the first step, which has nothing lower
   * but 0, ejection's business. Either way it takes no further step until its lag is flat again.
   * Measured from the later of the growth's start and the step's, so a step back is followed by a
   * whole {@code maxLagGrowthFor} at the lower step before the next one. Null when none is due.
   */
  private static Outcome stepBack(
      ReplicaState prev,
      Observation observation,
      Instant stepSince,
      GatePolicy policy,
      Instant now) {
    Instant growingSince = observation.trend().growingSince();
    if (!policy.stepsBackOnLagGrowth() || growingSince == null) {
      return null;
    }
    Duration growing = Duration.between(max(growingSince, stepSince), now);
    if (growing.compareTo(policy.maxLagGrowthFor()) < 0 || !now.isAfter(stepSince)) {
      return null;
    }
    if (prev.step() == 0 && prev.control().steppedBack()) {
      return null;
    }
    int to = Math.max(0, prev.step() - 1);
    String where = admittedReason(Phase.RAMPING, to, policy);
    String what =
        growth(observation)
            + " for "
            + duration(growing)
            + " (ramp.maxLagGrowth "
            + bytes(policy.maxLagGrowthBytesPerSecond())
            + "/s): "
            + (to < prev.step() ? "back to " : "kept at ")
            + where
            + " until its lag is flat";
    // The reason it will have on every tick until its lag is flat, so a replay changes nothing.
    String reason = where + ", stepped back: " + growth(observation);
    ReplicaState back =
        state(prev, observation, now, Phase.RAMPING, to, prev.since(), now, null, reason)
            .withControl(prev.control().withSteppedBack(true))
            .withWaitingFor(WAITING_FLAT);
    return new Outcome(
        back,
        new Transition(
            Transition.Kind.STEPPED_BACK, prev.name(), Phase.RAMPING, Phase.RAMPING, to, what));
  }

  /** True while the lag's trend says it grows, or says nothing yet. */
  private static boolean stillGrowing(Observation observation) {
    CatchUp.Estimate e = observation.trend().estimate();
    return e == null || e.trend() == CatchUp.Trend.FALLING_BEHIND;
  }

  /** "lag growing 2 MiB/s", or "lag trend unknown". */
  private static String growth(Observation observation) {
    CatchUp.Estimate e = observation.trend().estimate();
    return e == null
        ? "lag trend unknown"
        : "lag growing " + bytes((long) Math.max(0, -e.bytesPerSecond())) + "/s";
  }

  /** What an admissible Gated replica waits for, {@code held} into its stable run. */
  private static String gatedWaiting(Duration held, GatePolicy policy) {
    if (policy.paused()) {
      return "spec.paused";
    }
    if (held.compareTo(policy.stableFor()) >= 0) {
      return "the next tick";
    }
    return "stableFor: " + duration(held) + " of " + duration(policy.stableFor());
  }

  /** "step timer: 12s of 30s". */
  private static String stepTimer(Duration inStep, GatePolicy policy) {
    return "step timer: " + duration(inStep) + " of " + duration(policy.stepInterval());
  }

  private static Outcome ejected(
      ReplicaState prev, Observation observation, GatePolicy policy, Instant now) {
    // The exclusion first, whatever the sample: the reason an ejection gave stays on replay.
    if (observation.excluded() != null) {
      return waiting(stay(prev, observation, now, observation.excluded()), "its exclusion to end");
    }
    if (!observation.usable()) {
      return waiting(
          stay(prev, observation, now, unreachable(prev, observation, now)),
          "a usable answer from Patroni");
    }
    if (observation.ejectCause() != null) {
      return waiting(
          stay(prev, observation, now, observation.ejectCause()),
          "recovery: " + observation.ejectCause());
    }
    return enterGated(prev, observation, policy, now);
  }

  private static Outcome enterGated(
      ReplicaState prev, Observation observation, GatePolicy policy, Instant now) {
    boolean admissible = observation.notAdmissible() == null;
    String reason =
        admissible
            ? waitingReason(observation, Duration.ZERO, policy)
            : observation.notAdmissible();
    ReplicaState gated =
        state(prev, observation, now, Phase.GATED, 0, now, null, admissible ? now : null, reason)
            .withWaitingFor(
                observation.excluded() != null
                    ? "its exclusion to end"
                    : admissible
                        ? gatedWaiting(Duration.ZERO, policy)
                        : "admission: " + observation.notAdmissible());
    return new Outcome(
        gated,
        new Transition(Transition.Kind.PHASE, prev.name(), prev.phase(), Phase.GATED, 0, reason));
  }

  private static Outcome eject(
      ReplicaState prev, Observation observation, Instant now, String reason) {
    // Back through admission and the ramp from its first step: a step back is over.
    return new Outcome(
        state(prev, observation, now, Phase.EJECTED, 0, now, null, null, reason)
            .withControl(prev.control().withSteppedBack(false)),
        new Transition(
            Transition.Kind.EJECTED,
            prev.name(),
            prev.phase(),
            Phase.EJECTED,
            prev.step(),
            reason));
  }

  /** Same phase, step and step start (Ramping, Serving), new reason. */
  private static Outcome hold(
      ReplicaState prev, Observation observation, Instant now, String reason) {
    return new Outcome(
        state(
            prev,
            observation,
            now,
            prev.phase(),
            prev.step(),
            prev.since(),
            prev.stepSince(),
            null,
            reason),
        null);
  }

  /** Same phase, no admission run (Unknown, Gated with a blocker, Ejected), new reason. */
  private static Outcome stay(
      ReplicaState prev, Observation observation, Instant now, String reason) {
    return new Outcome(
        state(prev, observation, now, prev.phase(), 0, prev.since(), null, null, reason), null);
  }

  // ---------------------------------------------------------------- helpers

  private static ReplicaState state(
      ReplicaState prev,
      Observation observation,
      Instant now,
      Phase phase,
      int step,
      Instant since,
      Instant stepSince,
      Instant admissibleSince,
      String reason) {
    boolean lagKnown = observation.lag() != null;
    return new ReplicaState(
        prev.name(),
        phase,
        step,
        since,
        stepSince,
        admissibleSince,
        observation.usable() ? now : prev.lastUsableSample(),
        lagKnown ? Long.valueOf(observation.lag().bytes()) : prev.lagBytes(),
        lagKnown ? observation.lag().seconds() : prev.lagSeconds(),
        reason,
        prev.control(),
        null);
  }

  private static ReplicaState fresh(String name, Instant now, String reason) {
    return new ReplicaState(name, Phase.UNKNOWN, 0, now, null, null, null, null, null, reason);
  }

  /**
   * A Ramping step beyond the policy's last ramping step (the steps were shortened) is read as the
   * last ramping step, or as Serving when the policy has only the 100 step.
   */
  private static ReplicaState fitToPolicy(ReplicaState r, GatePolicy policy) {
    int lastRampingStep = policy.rampSteps().size() - 2;
    if (r.phase() != Phase.RAMPING || (r.step() >= 0 && r.step() <= lastRampingStep)) {
      return r;
    }
    if (lastRampingStep < 0) {
      return r.withPhase(Phase.SERVING).withStep(0, null);
    }
    return r.withStep(Math.max(0, Math.min(r.step(), lastRampingStep)), r.stepSince());
  }

  private static String admittedReason(Phase phase, int step, GatePolicy policy) {
    if (phase == Phase.SERVING) {
      return "serving full share";
    }
    return "ramp step " + step + " (" + policy.rampSteps().get(step) + "%)";
  }

  /** An admissible Gated replica: "lag 8 KiB &lt;= 1 MiB for 3s of 10s[, admission paused]". */
  private static String waitingReason(Observation observation, Duration held, GatePolicy policy) {
    boolean stable = held.compareTo(policy.stableFor()) >= 0;
    return admissionSummary(observation, policy)
        + " for "
        + duration(held)
        + (stable ? "" : " of " + duration(policy.stableFor()))
        + (policy.paused() ? ", admission paused" : "");
  }

  /** "lag 8 KiB &lt;= 1 MiB", plus the time bound when it is checked. */
  private static String admissionSummary(Observation observation, GatePolicy policy) {
    ClusterSnapshot.Lag lag = observation.lag();
    String summary = "lag " + bytes(lag.bytes()) + " <= " + bytes(policy.admissionMaxLagBytes());
    if (checked(policy.admissionMaxLagTime())) {
      summary += " and " + seconds(lag.seconds()) + " <= " + duration(policy.admissionMaxLagTime());
    }
    return summary;
  }

  private static String unreachable(ReplicaState prev, Observation observation, Instant now) {
    return unreachable(prev, observation.sample(), now);
  }

  private static String unreachable(ReplicaState prev, MemberSample sample, Instant now) {
    return "Patroni unreachable for " + duration(silentFor(prev, now)) + ": " + sample.reason();
  }

  /** Time since the last usable sample, or since the phase began when there never was one. */
  private static Duration silentFor(ReplicaState prev, Instant now) {
    Instant from = prev.lastUsableSample() != null ? prev.lastUsableSample() : prev.since();
    Duration silent = Duration.between(from, now);
    return silent.isNegative() ? Duration.ZERO : silent;
  }

  private static boolean checked(Duration limit) {
    return !limit.isZero() && !limit.isNegative();
  }

  private static double toSeconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
