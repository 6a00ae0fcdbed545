package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.GIB;
import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The invariants of docs/design.md, "Phases and weights", checked after every step of random tick
 * sequences over random clusters (1..8 members; roles including zero and two leaders, failovers,
 * timelines, lags around every limit, failed samples, paused replay, archive recovery, vanishing
 * pods, members excluded from the mesh, the leader among them) and random policies, with pausing
 * switched on and off between ticks.
 */
class GatingStepProperties {

  private static final Instant START = Instant.parse("2026-11-28T16:00:00Z");

  enum Mode {
    HEALTHY,
    FAILED,
    STARTING,
    OTHER_ROLE,
    ARCHIVE_RECOVERY,
    REPLAY_PAUSED,
    OLD_TIMELINE
  }

  enum LeaderAction {
    KEEP,
    FAILOVER,
    NO_LEADER,
    TWO_LEADERS,
    LEADER_FAILED
  }

  record MemberTick(Mode mode, int lagClass, Double lagSeconds, boolean excluded) {}

  record Tick(
      int dtSeconds,
      LeaderAction action,
      int target,
      int vanish,
      boolean paused,
      List<MemberTick> members) {}

  record Scenario(GatePolicy policy, int size, List<Tick> ticks) {}

  @Property(tries = 1000)
  void everyStepKeepsTheInvariants(@ForAll("scenarios") Scenario scenario) {
    Run run = new Run(scenario);
    run.all();
    // The invariants mean little unless the generators reach these places often enough.
    Statistics.label("reached Serving")
        .collect(run.reached.contains(Phase.SERVING))
        .coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("ejected")
        .collect(run.reached.contains(Phase.EJECTED))
        .coverage(c -> c.check(true).percentage(p -> p >= 10));
    Statistics.label("failed static")
        .collect(run.failedStatic)
        .coverage(c -> c.check(true).percentage(p -> p >= 20));
    Statistics.label("leader changed")
        .collect(run.leaderChanged)
        .coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("ejected while failing static")
        .collect(run.ejectedFailingStatic)
        .coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("excluded while weighted")
        .collect(run.excludedWeighted)
        .coverage(c -> c.check(true).percentage(p -> p >= 2));
    // About 2 % of runs (18 expected in 1000): a count, so the check cannot flake.
    Statistics.label("waited for its turn (ramp.maxRamping)")
        .collect(run.waitedForTurn)
        .coverage(c -> c.check(true).count(n -> n >= 1));
    // Rare here (random lags seldom grow for long): LagGrowthStepBackTest and LagGrowthProperties
    // drive it; here the moves it makes are checked against every other rule.
    Statistics.label("stepped back (ramp.maxLagGrowth)").collect(run.steppedBack);
  }

  /** Carries one scenario through its ticks, checking after each. */
  private static final class Run {
    private final Scenario scenario;
    private final Map<String, Track> tracks = new HashMap<>();
    private GateState state = GateState.empty();
    private Instant now = START;
    private int leaderIndex = 0;
    private long timeline = 1;
    private final Set<Phase> reached = EnumSet.noneOf(Phase.class);
    private boolean failedStatic;
    private boolean leaderChanged;
    private boolean ejectedFailingStatic;
    private boolean excludedWeighted;
    private boolean waitedForTurn;
    private boolean steppedBack;

    Run(Scenario scenario) {
      this.scenario = scenario;
    }

    void all() {
      for (int i = 0; i < scenario.ticks().size(); i++) {
        Tick tick = scenario.ticks().get(i);
        now = now.plusSeconds(tick.dtSeconds());
        GatePolicy policy = scenario.policy().withPaused(tick.paused());
        ClusterSnapshot snapshot = ClusterSnapshot.of(samples(tick, policy), now);
        List<Exclusion> excluded = exclusions(tick, snapshot);
        StepResult result = GatingStep.step(state, snapshot, excluded, policy, now);
        try {
          check(state, snapshot, excluded, policy, result);
        } catch (AssertionError e) {
          throw new AssertionError(
              String.format(
                  "tick %d at %s%n previous %s%n snapshot %s%n result %s",
                  i, now, state, snapshot, result),
              e);
        }
        result.state().replicas().values().forEach(r -> reached.add(r.phase()));
        failedStatic |= result.plan().degraded();
        leaderChanged |=
            result.plan().transitions().stream()
                .anyMatch(t -> t.kind() == Transition.Kind.LEADER_CHANGED);
        ejectedFailingStatic |=
            result.plan().degraded()
                && result.plan().transitions().stream()
                    .anyMatch(t -> t.kind() == Transition.Kind.EJECTED);
        waitedForTurn |=
            result.state().replicas().values().stream()
                .anyMatch(r -> r.reason() != null && r.reason().contains("waiting for its turn"));
        steppedBack |=
            result.plan().transitions().stream()
                .anyMatch(t -> t.kind() == Transition.Kind.STEPPED_BACK);
        GateState before = state;
        excludedWeighted |=
            excluded.stream()
                .anyMatch(e -> before.route().map(r -> r.weightOf(e.member()) > 0).orElse(false));
        state = result.state();
      }
    }

    /** The members this tick excludes, as the controller would name them. */
    private List<Exclusion> exclusions(Tick tick, ClusterSnapshot snapshot) {
      List<Exclusion> out = new ArrayList<>();
      for (int i = 0; i < scenario.size(); i++) {
        String name = "pg-" + i;
        if (tick.members().get(i).excluded() && snapshot.samples().containsKey(name)) {
          out.add(new Exclusion(name, Exclusion.Cause.INVALID_SUBSET_NAME, "test"));
        }
      }
      return out;
    }

    private List<MemberSample> samples(Tick tick, GatePolicy policy) {
      int n = scenario.size();
      if (tick.action() == LeaderAction.FAILOVER && n > 1 && tick.target() % n != leaderIndex) {
        leaderIndex = tick.target() % n;
        timeline++;
      }
      int second = (leaderIndex + 1 + tick.target() % Math.max(1, n - 1)) % n;
      List<MemberSample> samples = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i == tick.vanish()) {
          continue;
        }
        String name = "pg-" + i;
        MemberTick m = tick.members().get(i);
        if (i == leaderIndex) {
          samples.add(
              switch (tick.action()) {
                case NO_LEADER -> Samples.replica(name, timeline, 0);
                case LEADER_FAILED -> Samples.timeout(name);
                default -> Samples.leader(name, timeline);
              });
        } else if (tick.action() == LeaderAction.TWO_LEADERS && i == second) {
          samples.add(Samples.leader(name, timeline));
        } else {
          samples.add(replica(name, m, policy));
        }
      }
      return samples;
    }

    private MemberSample replica(String name, MemberTick m, GatePolicy policy) {
      long lag = lagBytes(m.lagClass(), policy);
      long tl = m.mode() == Mode.OLD_TIMELINE ? timeline - 1 : timeline;
      MemberSample base =
          m.lagSeconds() == null
              ? Samples.replica(name, tl, lag)
              : Samples.replica(name, tl, lag, m.lagSeconds(), now);
      return switch (m.mode()) {
        case HEALTHY, OLD_TIMELINE -> base;
        case FAILED -> Samples.timeout(name);
        case STARTING -> base.withState("starting", null);
        case ARCHIVE_RECOVERY -> base.withState("running", "in archive recovery");
        case REPLAY_PAUSED -> base.withReplayPaused(true);
        case OTHER_ROLE ->
            MemberSample.builder(name)
                .role(PatroniRole.OTHER)
                .state("running")
                .timeline(tl)
                .build();
      };
    }

    private void check(
        GateState previous,
        ClusterSnapshot snapshot,
        List<Exclusion> excluded,
        GatePolicy policy,
        StepResult result) {
      Plan plan = result.plan();
      GateState next = result.state();
      String leader = snapshot.leader();
      boolean allReplicasFallback =
          plan.fallbackActive() && policy.fallback() == Fallback.ALL_REPLICAS;
      Set<String> excludedNames = new TreeSet<>();
      excluded.forEach(e -> excludedNames.add(e.member()));
      Set<String> subsets = new TreeSet<>(snapshot.samples().keySet());
      subsets.removeAll(excludedNames);
      List<ReplicaState> routable =
          next.replicas().values().stream().filter(r -> subsets.contains(r.name())).toList();

      // The replica set: every member but the leader (the last known one while failing static).
      Set<String> expectedReplicas = new TreeSet<>(snapshot.samples().keySet());
      String notAReplica = leader != null ? leader : previous.leader();
      if (notAReplica != null) {
        expectedReplicas.remove(notAReplica);
      }
      assertThat(next.replicas().keySet()).isEqualTo(expectedReplicas);

      // ramp.maxRamping: never more Ramping replicas than that.
      if (policy.maxRamping() != null) {
        assertThat(next.replicas().values().stream().filter(r -> r.phase() == Phase.RAMPING))
            .as("Ramping replicas with maxRamping %d", policy.maxRamping())
            .hasSizeLessThanOrEqualTo(policy.maxRamping());
      }

      // (a) a route always sums to 100; with a leader there always is one.
      plan.route()
          .ifPresent(
              route ->
                  assertThat(route.destinations().stream().mapToInt(RouteDestination::weight).sum())
                      .isEqualTo(100));
      // ... unless the leader is excluded and only its subset could take the reads.
      if (leader != null && plan.route().isEmpty()) {
        assertThat(excludedNames).as("route without the leader's subset").contains(leader);
        assertThat(
                routable.isEmpty()
                    || (policy.fallback() == Fallback.PRIMARY
                        && Weights.noShares(routable, policy)))
            .as("only the leader could take the reads")
            .isTrue();
      }
      if (previous.route().isEmpty() && leader == null) {
        assertThat(plan.route()).isEmpty();
      }

      // Exclusions: no subset, no destination, no share.
      assertThat(plan.subsetMembers()).noneMatch(excludedNames::contains);
      assertThat(plan.excluded()).containsExactlyInAnyOrderElementsOf(excluded);
      plan.route()
          .ifPresent(
              route ->
                  assertThat(route.weights().keySet())
                      .as("destinations of %s", route)
                      .isSubsetOf(plan.subsetMembers()));
      for (String name : excludedNames) {
        ReplicaState r = next.replicas().get(name);
        if (r != null) {
          assertThat(r.phase()).as("excluded %s", name).isNotIn(Phase.RAMPING, Phase.SERVING);
        }
      }

      // (b) no weight for Unknown, Gated or Ejected, except when failing open.
      for (ReplicaState r : next.replicas().values()) {
        if (EnumSet.of(Phase.UNKNOWN, Phase.GATED, Phase.EJECTED).contains(r.phase())
            && !allReplicasFallback) {
          assertThat(weight(plan, r.name())).as("weight of %s %s", r.phase(), r.name()).isZero();
        }
      }

      // (d) ejection beats everything: too far behind means no weight in this very tick.
      if (leader != null && !allReplicasFallback) {
        snapshot
            .lags()
            .forEach(
                (name, lag) -> {
                  boolean tooFar =
                      lag.bytes() > policy.ejectionMaxLagBytes()
                          || (!policy.ejectionMaxLagTime().isZero()
                              && lag.seconds() != null
                              && lag.seconds() > policy.ejectionMaxLagTime().toMillis() / 1000.0);
                  if (tooFar && !name.equals(leader)) {
                    assertThat(weight(plan, name))
                        .as("weight of %s lagging %s", name, lag)
                        .isZero();
                  }
                });
      }

      // (f) the leader's subset only as the Primary fallback or when there are no replicas.
      plan.route()
          .ifPresent(
              route -> {
                for (RouteDestination d : route.destinations()) {
                  if (!next.replicas().containsKey(d.subset())) {
                    assertThat(plan.fallbackActive()).as("%s in %s", d.subset(), route).isTrue();
                  }
                }
                if (leader != null) {
                  boolean leaderRouted = route.weights().containsKey(leader);
                  assertThat(leaderRouted)
                      .as("leader %s in %s", leader, route)
                      .isEqualTo(
                          plan.fallbackActive()
                              && (policy.fallback() == Fallback.PRIMARY || routable.isEmpty()));
                }
              });

      // (g) failing static, and its limits.
      if (leader == null) {
        checkFailStatic(previous, snapshot, excludedNames, subsets, routable, policy, result);
      }

      // (e) replaying the step changes nothing.
      StepResult replay = GatingStep.step(next, snapshot, excluded, policy, now);
      assertThat(replay.state()).isEqualTo(next);
      assertThat(replay.plan().route()).isEqualTo(plan.route());
      assertThat(replay.plan().fallbackActive()).isEqualTo(plan.fallbackActive());
      assertThat(replay.plan().degradedReason()).isEqualTo(plan.degradedReason());
      assertThat(replay.plan().transitions()).isEmpty();

      // A restart (state rebuilt from what status and the live route keep) moves no traffic on
      // the same samples, as long as no admitted replica is silent (a restart forgets when it last
      // answered and counts its silence from its last phase change instead), with a leader or
      // without: silence ejects either way.
      boolean admittedSilent =
          next.replicas().values().stream()
              .anyMatch(
                  r ->
                      (r.phase() == Phase.RAMPING || r.phase() == Phase.SERVING)
                          && !snapshot.samples().get(r.name()).usable());
      // Nor while a replica is held back by its lag trend alone: a restart forgets the trend
      // windows, and until three samples are in again admission.rejectGrowingLag cannot judge
      // (docs/design.md, "Catch-up rate and ETA").
      boolean heldByTrend =
          next.replicas().values().stream()
              .anyMatch(
                  r -> r.reason() != null && r.reason().endsWith("(admission.rejectGrowingLag)"));
      if (!admittedSilent && !heldByTrend) {
        GateState restored =
            GateRestore.restore(
                next.replicas().values().stream()
                    .map(r -> StoredReplica.of(r, next.route()))
                    .toList(),
                next.route(),
                next.leader(),
                next.timeline(),
                policy,
                now);
        StepResult afterRestart = GatingStep.step(restored, snapshot, excluded, policy, now);
        assertThat(afterRestart.plan().route()).isEqualTo(plan.route());
        assertThat(phasesAndSteps(afterRestart.state())).isEqualTo(phasesAndSteps(next));
      }

      // Transitions: the leader change first, then at most one per replica, by name.
      List<Transition> transitions = plan.transitions();
      List<String> replicaOrder = new ArrayList<>();
      for (int i = 0; i < transitions.size(); i++) {
        Transition t = transitions.get(i);
        if (t.kind() == Transition.Kind.LEADER_CHANGED) {
          assertThat(i).isZero();
          assertThat(leader).isNotNull().isNotEqualTo(previous.leader());
        } else {
          replicaOrder.add(t.replica());
          assertThat(t.to()).isEqualTo(next.replicas().get(t.replica()).phase());
        }
      }
      assertThat(replicaOrder).isSorted().doesNotHaveDuplicates();
      if (leader == null) {
        assertThat(transitions)
            .extracting(Transition::kind)
            .allMatch(kind -> kind == Transition.Kind.EJECTED);
      }

      // (c) Serving only through every ramp step, each held for at least stepInterval; with
      // ramp.maxRamping also straight from Gated, but only while no other replica serves.
      boolean othersServed =
          next.replicas().values().stream()
              .anyMatch(
                  r ->
                      r.phase() == Phase.SERVING
                          && tracks.containsKey(r.name())
                          && tracks.get(r.name()).phase() == Phase.SERVING);
      for (ReplicaState r : next.replicas().values()) {
        Track old = tracks.get(r.name());
        if (!previous.replicas().containsKey(r.name())) {
          assertThat(r.phase()).as("new %s", r.name()).isIn(Phase.UNKNOWN, Phase.GATED);
        } else if (old.phase() != r.phase() || old.step() != r.step()) {
          checkMove(old, r, next, policy, othersServed);
        } else {
          continue;
        }
        tracks.put(r.name(), new Track(r.phase(), r.step(), now));
      }
      tracks.keySet().retainAll(next.replicas().keySet());
    }

    /**
     * Without a leader: a Ramping/Serving replica is ejected exactly when its own evidence says so
     * (nothing that needs the leader's position ejects), at once or after {@code unreachableFor} of
     * silence, and then has no weight in the planned route, which is written unless only the last
     * known leader could take the reads and its subset is gone. With nobody ejected, vanished or
     * excluded, the route stays as it was.
     */
    private void checkFailStatic(
        GateState previous,
        ClusterSnapshot snapshot,
        Set<String> excludedNames,
        Set<String> subsets,
        List<ReplicaState> routable,
        GatePolicy policy,
        StepResult result) {
      Plan plan = result.plan();
      GateState next = result.state();
      boolean allReplicasFallback =
          plan.fallbackActive() && policy.fallback() == Fallback.ALL_REPLICAS;
      boolean changed = false;
      for (ReplicaState before : previous.replicas().values()) {
        ReplicaState after = next.replicas().get(before.name());
        if (after == null) {
          changed = true;
          continue;
        }
        boolean admitted = before.phase() == Phase.RAMPING || before.phase() == Phase.SERVING;
        if (!admitted) {
          assertThat(after.phase())
              .as("%s while failing static", before.name())
              .isEqualTo(before.phase());
          continue;
        }
        String cause =
            ownEvidence(
                before,
                snapshot.samples().get(before.name()),
                excludedNames.contains(before.name()),
                previous.timeline(),
                policy);
        if (cause == null) {
          assertThat(after.phase())
              .as("%s without own evidence while failing static", before.name())
              .isIn(Phase.RAMPING, Phase.SERVING);
          continue;
        }
        changed = true;
        assertThat(after.phase()).as("%s: %s", before.name(), cause).isEqualTo(Phase.EJECTED);
        if (!allReplicasFallback) {
          assertThat(weight(plan, before.name()))
              .as("weight of %s: %s", before.name(), cause)
              .isZero();
        }
        boolean heldWeight = previous.route().map(r -> r.weightOf(before.name()) > 0).orElse(false);
        // Nothing but the last known leader could take the reads, and it has no subset.
        boolean noDestination =
            (previous.leader() == null || !subsets.contains(previous.leader()))
                && (routable.isEmpty()
                    || (policy.fallback() == Fallback.PRIMARY
                        && Weights.noShares(routable, policy)));
        if (heldWeight && !noDestination) {
          assertThat(plan.route())
              .as("route after ejecting %s: %s", before.name(), cause)
              .isPresent();
        }
      }
      changed |=
          previous
              .route()
              .map(
                  r ->
                      r.weights().keySet().stream()
                          .anyMatch(
                              s -> !snapshot.samples().containsKey(s) || excludedNames.contains(s)))
              .orElse(false);
      if (!changed) {
        assertThat(plan.route()).as("route kept while failing static").isEqualTo(previous.route());
      }
    }

    /** The test's own reading of the fail-static ejection rule (docs/design.md, "Degraded"). */
    private String ownEvidence(
        ReplicaState before,
        MemberSample sample,
        boolean excluded,
        Long lastTimeline,
        GatePolicy policy) {
      if (excluded) {
        return "excluded";
      }
      if (!sample.usable()) {
        Instant last =
            before.lastUsableSample() != null ? before.lastUsableSample() : before.since();
        boolean tooLong = !Duration.between(last, now).minus(policy.unreachableFor()).isNegative();
        return tooLong ? "silent" : null;
      }
      if (sample.role() != PatroniRole.REPLICA) {
        return "role";
      }
      if (lastTimeline != null && sample.timeline() != lastTimeline) {
        return "timeline";
      }
      if (!"running".equals(sample.state())) {
        return "state";
      }
      if (sample.replicationState() != null && !"streaming".equals(sample.replicationState())) {
        return "replication state";
      }
      return sample.replayPaused() ? "replay paused" : null;
    }

    private void checkMove(
        Track old, ReplicaState r, GateState next, GatePolicy policy, boolean othersServed) {
      int lastRampingStep = policy.rampSteps().size() - 2;
      Duration held = Duration.between(old.since(), now);
      String what = r.name() + " " + old + " -> " + r.phase() + "(" + r.step() + ")";
      switch (r.phase()) {
        case RAMPING -> {
          if (old.phase() == Phase.RAMPING && old.step() == r.step() + 1) {
            // ramp.maxLagGrowth: one step back, only after the lag grew too fast for long enough
            // within the step it leaves, and then held until the lag is flat.
            GateState.LagTrend trend = next.trend(r.name());
            assertThat(r.control().steppedBack()).as(what).isTrue();
            assertThat(trend.growingSince()).as(what).isNotNull();
            assertThat(Duration.between(trend.growingSince(), now))
                .as(what)
                .isGreaterThanOrEqualTo(policy.maxLagGrowthFor());
            assertThat(held).as(what).isGreaterThanOrEqualTo(policy.maxLagGrowthFor());
            assertThat(-trend.estimate().bytesPerSecond())
                .as(what)
                .isGreaterThan(policy.maxLagGrowthBytesPerSecond());
          } else if (r.step() == 0) {
            assertThat(old.phase()).as(what).isEqualTo(Phase.GATED);
          } else {
            assertThat(old.phase()).as(what).isEqualTo(Phase.RAMPING);
            assertThat(old.step()).as(what).isEqualTo(r.step() - 1);
            assertThat(held).as(what).isGreaterThanOrEqualTo(policy.stepInterval());
          }
        }
        case SERVING -> {
          if (lastRampingStep < 0) {
            assertThat(old.phase()).as(what).isEqualTo(Phase.GATED);
          } else if (old.phase() == Phase.GATED && policy.maxRamping() != null) {
            assertThat(othersServed).as(what + " while another replica serves").isFalse();
          } else {
            assertThat(old.phase()).as(what).isEqualTo(Phase.RAMPING);
            assertThat(old.step()).as(what).isEqualTo(lastRampingStep);
            assertThat(held).as(what).isGreaterThanOrEqualTo(policy.stepInterval());
          }
        }
        case GATED -> assertThat(old.phase()).as(what).isIn(Phase.UNKNOWN, Phase.EJECTED);
        case EJECTED -> assertThat(old.phase()).as(what).isIn(Phase.RAMPING, Phase.SERVING);
        case UNKNOWN -> throw new AssertionError("back to Unknown: " + what);
      }
    }
  }

  private record Track(Phase phase, int step, Instant since) {}

  private static Map<String, String> phasesAndSteps(GateState state) {
    Map<String, String> out = new HashMap<>();
    state.replicas().values().forEach(r -> out.put(r.name(), r.phase() + "/" + r.step()));
    return out;
  }

  private static int weight(Plan plan, String subset) {
    return plan.route().map(r -> r.weightOf(subset)).orElse(0);
  }

  private static long lagBytes(int lagClass, GatePolicy policy) {
    long admission = policy.admissionMaxLagBytes();
    long ejection = policy.ejectionMaxLagBytes();
    return switch (lagClass) {
      case 0 -> 0;
      case 1 -> Math.min(8 * KIB, admission);
      case 2 -> admission;
      case 3 -> admission + 1;
      case 4 -> (admission + ejection) / 2;
      case 5 -> ejection;
      case 6 -> ejection + 1;
      default -> 5 * GIB;
    };
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.integers()
        .between(1, 8)
        .flatMap(
            n ->
                Combinators.combine(policies(), tick(n).list().ofMinSize(1).ofMaxSize(60))
                    .as((policy, ticks) -> new Scenario(policy, n, ticks)));
  }

  private static Arbitrary<GatePolicy> policies() {
    Arbitrary<long[]> lagLimits =
        Combinators.combine(Arbitraries.of(0L, 4 * KIB, MIB), Arbitraries.of(0L, MIB, 15 * MIB))
            .as((admission, extra) -> new long[] {admission, admission + extra});
    Arbitrary<Duration[]> timeLimits =
        Combinators.combine(seconds(0, 5, 30), seconds(0, 10, 60))
            .as((admission, ejection) -> new Duration[] {admission, ejection});
    Arbitrary<List<Integer>> steps =
        Arbitraries.integers()
            .between(1, 99)
            .set()
            .ofMaxSize(4)
            .map(
                set -> {
                  List<Integer> sorted = new ArrayList<>(new TreeSet<>(set));
                  sorted.add(100);
                  return sorted;
                });
    Arbitrary<RampLimits> rampLimits =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(0L, 64 * KIB, 256 * KIB),
                seconds(0, 3, 10))
            .as(RampLimits::new);
    return Combinators.combine(
            lagLimits,
            timeLimits,
            seconds(0, 1, 10, 20),
            steps,
            seconds(0, 1, 5, 30),
            seconds(0, 3, 10),
            Arbitraries.of(Fallback.class),
            rampLimits)
        .as(
            (lag, time, stableFor, rampSteps, stepInterval, unreachableFor, fallback, ramp) ->
                GatePolicy.builder()
                    .admissionMaxLagBytes(lag[0])
                    .admissionMaxLagTime(time[0])
                    .stableFor(stableFor)
                    .rampSteps(rampSteps)
                    .stepInterval(stepInterval)
                    .ejectionMaxLagBytes(lag[1])
                    .ejectionMaxLagTime(time[1])
                    .unreachableFor(unreachableFor)
                    .fallback(fallback)
                    .maxRamping(ramp.maxRamping() == 0 ? null : ramp.maxRamping())
                    .maxLagGrowthBytesPerSecond(ramp.maxLagGrowth())
                    .maxLagGrowthFor(ramp.maxLagGrowthFor())
                    .build());
  }

  /** ramp.maxRamping (0: unset) and ramp.maxLagGrowth (0: off) with its duration. */
  private record RampLimits(int maxRamping, long maxLagGrowth, Duration maxLagGrowthFor) {}

  private static Arbitrary<Duration> seconds(int... values) {
    List<Duration> durations = new ArrayList<>();
    for (int v : values) {
      durations.add(Duration.ofSeconds(v));
    }
    return Arbitraries.of(durations);
  }

  private static Arbitrary<Tick> tick(int n) {
    Arbitrary<Integer> dt =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.just(0)),
            Tuple.of(40, Arbitraries.just(1)),
            Tuple.of(55, Arbitraries.integers().between(1, 40)));
    Arbitrary<LeaderAction> action =
        Arbitraries.frequency(
            Tuple.of(85, LeaderAction.KEEP),
            Tuple.of(5, LeaderAction.FAILOVER),
            Tuple.of(3, LeaderAction.NO_LEADER),
            Tuple.of(3, LeaderAction.TWO_LEADERS),
            Tuple.of(4, LeaderAction.LEADER_FAILED));
    Arbitrary<Integer> vanish =
        Arbitraries.frequencyOf(
            Tuple.of(90, Arbitraries.just(-1)),
            Tuple.of(10, Arbitraries.integers().between(0, n - 1)));
    Arbitrary<Boolean> paused = Arbitraries.frequency(Tuple.of(90, false), Tuple.of(10, true));
    return Combinators.combine(
            dt,
            action,
            Arbitraries.integers().between(0, 7),
            vanish,
            paused,
            memberTick().list().ofSize(n))
        .as(Tick::new);
  }

  private static Arbitrary<MemberTick> memberTick() {
    Arbitrary<Mode> mode =
        Arbitraries.frequency(
            Tuple.of(60, Mode.HEALTHY),
            Tuple.of(10, Mode.FAILED),
            Tuple.of(4, Mode.STARTING),
            Tuple.of(2, Mode.OTHER_ROLE),
            Tuple.of(4, Mode.ARCHIVE_RECOVERY),
            Tuple.of(4, Mode.REPLAY_PAUSED),
            Tuple.of(6, Mode.OLD_TIMELINE));
    Arbitrary<Integer> lagClass =
        Arbitraries.frequency(
            Tuple.of(30, 0),
            Tuple.of(25, 1),
            Tuple.of(5, 2),
            Tuple.of(5, 3),
            Tuple.of(10, 4),
            Tuple.of(5, 5),
            Tuple.of(5, 6),
            Tuple.of(15, 7));
    Arbitrary<Double> lagSeconds = Arbitraries.of(0.0, 2.0, 10.0, 40.0, 200.0).injectNull(0.3);
    Arbitrary<Boolean> excluded = Arbitraries.frequency(Tuple.of(97, false), Tuple.of(3, true));
    return Combinators.combine(mode, lagClass, lagSeconds, excluded).as(MemberTick::new);
  }
}
