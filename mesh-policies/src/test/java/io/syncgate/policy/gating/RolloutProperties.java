package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The rollout invariants of docs/design.md, "Rollouts", after every step of random tick sequences
 * with random operator actions (for replicas, the leader and unknown names), random check verdicts
 * and random rollout policies (maxRamping, requireApproval, pauseAt, analysis with either
 * onFailure):
 *
 * <ul>
 *   <li>with {@code maxRamping: k}, never more than k replicas Ramping;
 *   <li>a held replica never changes step (ejection may still take it out);
 *   <li>promote never gives weight to a replica over {@code admission.maxLag};
 *   <li>abort takes the weight to 0 in the same step and keeps it there until resume;
 *   <li>with {@code requireApproval}, no replica is admitted without an approval;
 *   <li>every new request is recorded exactly once, applied or refused;
 *   <li>every route sums to 100.
 * </ul>
 */
class RolloutProperties {

  private static final Instant START = Instant.parse("2026-11-28T16:00:00Z");
  private static final String LEADER = "pg-0";

  /** Per replica and tick: lag in bytes (classes around the limits) or no answer. */
  record MemberTick(int lagClass, boolean answers) {}

  record Act(ActionVerb verb, int target) {}

  /** A verdict of the one check "c": passes, or fails with this many failures in a row. */
  record Verdict(boolean passed, int failures) {}

  record Tick(int dtSeconds, List<MemberTick> members, List<Act> acts, List<Verdict> verdicts) {}

  record Scenario(GatePolicy policy, int replicas, List<Tick> ticks) {}

  private static final long[] LAGS = {0, 8 * KIB, 2 * MIB, 20 * MIB};

  @Property(tries = 500)
  void rolloutInvariantsHoldAtEveryStep(@ForAll("scenarios") Scenario scenario) {
    Run run = new Run(scenario);
    run.all();
    // The invariants mean little unless the generators reach these places; the rare ones are
    // counted (about 15 and 25 expected in 500 runs), so the check cannot flake.
    Statistics.label("held while ramping")
        .collect(run.heldRamping)
        .coverage(c -> c.check(true).count(n -> n >= 1));
    Statistics.label("stepped back or aborted by analysis")
        .collect(run.analysisFailed)
        .coverage(c -> c.check(true).count(n -> n >= 1));
    Statistics.label("promoted")
        .collect(run.promoted)
        .coverage(c -> c.check(true).percentage(p -> p >= 10));
    Statistics.label("aborted")
        .collect(run.aborted)
        .coverage(c -> c.check(true).percentage(p -> p >= 10));
    Statistics.label("promote refused")
        .collect(run.promoteRefused)
        .coverage(c -> c.check(true).percentage(p -> p >= 10));
  }

  private static final class Run {
    private final Scenario scenario;
    private GateState state = GateState.empty();
    private Instant now = START;
    private int nextId;
    private final Set<String> abortedNow = new TreeSet<>();
    private boolean heldRamping;
    private boolean promoted;
    private boolean aborted;
    private boolean analysisFailed;
    private boolean promoteRefused;

    Run(Scenario scenario) {
      this.scenario = scenario;
    }

    void all() {
      for (int i = 0; i < scenario.ticks().size(); i++) {
        Tick tick = scenario.ticks().get(i);
        now = now.plusSeconds(tick.dtSeconds());
        List<MemberSample> samples = new ArrayList<>();
        samples.add(Samples.leader(LEADER, 1));
        Map<String, Long> lags = new HashMap<>();
        for (int m = 0; m < scenario.replicas(); m++) {
          String name = "pg-" + (m + 1);
          MemberTick mt = tick.members().get(m);
          long lag = LAGS[mt.lagClass()];
          lags.put(name, lag);
          samples.add(mt.answers() ? Samples.replica(name, 1, lag) : Samples.timeout(name));
        }
        List<OperatorAction> actions = new ArrayList<>();
        for (Act a : tick.acts()) {
          String target = a.target() == 0 ? LEADER : "pg-" + a.target();
          actions.add(new OperatorAction("r" + nextId++, a.verb(), target, "prop", now));
        }
        Map<String, Map<String, CheckVerdict>> checks = new TreeMap<>();
        for (int m = 0; m < scenario.replicas(); m++) {
          Verdict v = tick.verdicts().get(m);
          checks.put(
              "pg-" + (m + 1),
              Map.of("c", new CheckVerdict(v.passed(), now, "c: verdict", v.failures())));
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(samples, now);
        RolloutInputs inputs = new RolloutInputs(actions, checks);
        StepResult result =
            GatingStep.step(
                state,
                snapshot,
                List.of(),
                PrimaryRoute.LEADER_SUBSET,
                inputs,
                scenario.policy(),
                now);
        try {
          check(state, result, actions, lags);
        } catch (AssertionError e) {
          throw new AssertionError(
              String.format(
                  "tick %d at %s%n previous %s%n actions %s%n result %s",
                  i, now, state, actions, result),
              e);
        }
        state = result.state();
      }
    }

    private void check(
        GateState previous,
        StepResult result,
        List<OperatorAction> actions,
        Map<String, Long> lags) {
      GatePolicy policy = scenario.policy();
      GateState next = result.state();
      Map<String, ReplicaState> after = next.replicas();
      result
          .plan()
          .route()
          .ifPresent(
              r ->
                  assertThat(r.destinations().stream().mapToInt(RouteDestination::weight).sum())
                      .isEqualTo(100));

      // Every new request is recorded exactly once.
      List<String> recorded = next.actions().stream().map(ActionRecord::id).toList();
      for (OperatorAction a : actions) {
        assertThat(recorded).as("request %s recorded", a.id()).containsOnlyOnce(a.id());
      }

      Map<String, List<ActionRecord>> applied = new HashMap<>();
      next.actions().stream()
          .filter(r -> actions.stream().anyMatch(a -> a.id().equals(r.id())))
          .forEach(
              r -> {
                if (r.applied()) {
                  applied.computeIfAbsent(r.replica(), k -> new ArrayList<>()).add(r);
                } else if (r.action().equals("promote")) {
                  promoteRefused = true;
                }
              });

      if (policy.maxRamping() != null) {
        long ramping = after.values().stream().filter(r -> r.phase() == Phase.RAMPING).count();
        assertThat(ramping).as("Ramping replicas").isLessThanOrEqualTo(policy.maxRamping());
      }

      for (ReplicaState before : previous.replicas().values()) {
        ReplicaState now = after.get(before.name());
        if (now == null) {
          continue;
        }
        List<String> mine =
            applied.getOrDefault(before.name(), List.of()).stream()
                .map(ActionRecord::action)
                .toList();
        // A held replica never changes step, unless an action in this step released it.
        if (before.control().held()
            && before.phase() == Phase.RAMPING
            && mine.stream().noneMatch(w -> Set.of("resume", "promote", "abort").contains(w))) {
          heldRamping = true;
          assertThat(now.phase()).as("held %s", before.name()).isIn(Phase.RAMPING, Phase.EJECTED);
          if (now.phase() == Phase.RAMPING) {
            assertThat(now.step()).as("held %s's step", before.name()).isEqualTo(before.step());
          }
        }
        // With requireApproval, admission needs an approval (held before, or given now).
        if (policy.requireApproval()
            && before.phase() != Phase.RAMPING
            && before.phase() != Phase.SERVING
            && (now.phase() == Phase.RAMPING || now.phase() == Phase.SERVING)
            && !mine.contains("promote")) {
          assertThat(before.control().approved() || mine.contains("approve"))
              .as("%s admitted without an approval", before.name())
              .isTrue();
        }
      }

      // Promote never gives weight to a replica over admission.maxLag.
      for (Transition t : result.plan().transitions()) {
        if (t.kind() == Transition.Kind.ACTION_APPLIED
            && t.from() != Phase.SERVING
            && t.to() == Phase.SERVING) {
          promoted = true;
          assertThat(lags.get(t.replica()))
              .as("promoted %s's lag", t.replica())
              .isLessThanOrEqualTo(policy.admissionMaxLagBytes());
        }
        if (t.kind() == Transition.Kind.ANALYSIS_FAILED) {
          analysisFailed = true;
          if (t.to() == Phase.EJECTED) {
            abortedNow.add(t.replica());
          }
        }
      }
      // Abort: weight 0 from this step on, until resumed.
      for (ActionRecord r : next.actions()) {
        if (!r.applied() || actions.stream().noneMatch(a -> a.id().equals(r.id()))) {
          continue;
        }
        if (r.action().equals("abort")) {
          aborted = true;
          abortedNow.add(r.replica());
        } else if (r.action().equals("resume")) {
          abortedNow.remove(r.replica());
        }
      }
      Route inForce = result.plan().route().orElse(next.route().orElse(null));
      for (String name : abortedNow) {
        ReplicaState r = after.get(name);
        assertThat(r.phase()).as("aborted %s", name).isEqualTo(Phase.EJECTED);
        assertThat(r.control().aborted()).as("aborted %s's control", name).isTrue();
        if (inForce != null) {
          assertThat(inForce.weightOf(name)).as("aborted %s's weight", name).isZero();
        }
      }
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Integer> replicas = Arbitraries.integers().between(1, 5);
    return replicas.flatMap(
        n ->
            Combinators.combine(policies(), ticks(n).list().ofMinSize(5).ofMaxSize(60))
                .as((policy, ticks) -> new Scenario(policy, n, ticks)));
  }

  private Arbitrary<Tick> ticks(int replicas) {
    Arbitrary<MemberTick> member =
        Combinators.combine(
                Arbitraries.integers().between(0, 3).edgeCases(e -> e.add(1)),
                Arbitraries.of(true, true, true, true, false))
            .as(MemberTick::new);
    Arbitrary<Act> act =
        Combinators.combine(
                Arbitraries.of(ActionVerb.class), Arbitraries.integers().between(0, replicas + 1))
            .as(Act::new);
    Arbitrary<Verdict> verdict =
        Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.integers().between(0, 4))
            .as((passed, failures) -> new Verdict(passed, passed ? 0 : Math.max(1, failures)));
    return Combinators.combine(
            Arbitraries.of(0, 1, 1, 2, 5, 10, 30, 31),
            member.list().ofSize(replicas),
            act.list().ofMaxSize(3).injectDuplicates(0.1),
            verdict.list().ofSize(replicas))
        .as(Tick::new);
  }

  private Arbitrary<GatePolicy> policies() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3).injectNull(0.4),
            Arbitraries.of(true, false),
            Arbitraries.of(List.<Integer>of(), List.of(10), List.of(25, 50)),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 3),
            Arbitraries.of(GatePolicy.OnFailure.class),
            Arbitraries.of(0, 5, 10),
            Arbitraries.of(true, false))
        .as(
            (maxRamping, approval, pauseAt, analysis, limit, onFailure, stableFor, rejectGrowing) ->
                GatePolicy.builder()
                    .rejectGrowingLag(rejectGrowing)
                    .maxRamping(maxRamping)
                    .requireApproval(approval)
                    .pauseAt(pauseAt)
                    .analysis(
                        analysis
                            ? new GatePolicy.Analysis(List.of("c"), limit, onFailure)
                            : GatePolicy.Analysis.NONE)
                    .stableFor(Duration.ofSeconds(stableFor))
                    .build());
  }
}
