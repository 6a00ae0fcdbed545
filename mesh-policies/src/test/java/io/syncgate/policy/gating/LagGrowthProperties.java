package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code ramp.maxLagGrowth} over random lag series (episodes of growth, shrinking and flat lag at
 * random rates) and random policies, checked after every step:
 *
 * <ul>
 *   <li>a Ramping replica's step goes down only by one, only with a {@code SteppedBack} transition,
 *       only after its lag grew faster than the rate for {@code maxLagGrowthFor} within the step it
 *       leaves;
 *   <li>while stepped back it takes no step up, and it stops being stepped back only when its trend
 *       no longer says growing;
 *   <li>no weight over {@code ejection.maxLag}; every route sums to 100.
 * </ul>
 */
class LagGrowthProperties {

  /** A stretch of ticks one second apart over which pg-2's lag changes at one rate. */
  record Episode(int seconds, long bytesPerSecond) {}

  record Scenario(GatePolicy policy, List<Episode> episodes) {}

  @Property(tries = 200)
  void stepBacksFollowTheirRule(@ForAll("scenarios") Scenario scenario) {
    GatePolicy policy = scenario.policy();
    GateDriver d = new GateDriver(policy);
    long lag = 8 * KIB;
    boolean steppedBack = false;
    for (Episode e : scenario.episodes()) {
      for (int s = 0; s < e.seconds(); s++) {
        lag = Math.max(0, lag + e.bytesPerSecond());
        ReplicaState before = d.state().replicas().get("pg-2");
        d.advanceSeconds(1);
        StepResult result =
            d.tick(leader("pg-0", 1), replica("pg-1", 1, 8 * KIB), replica("pg-2", 1, lag));
        ReplicaState after = d.replica("pg-2");
        GateState.LagTrend trend = d.state().trend("pg-2");
        List<Transition> backs =
            result.plan().transitions().stream()
                .filter(t -> t.kind() == Transition.Kind.STEPPED_BACK)
                .toList();
        String at = "at " + d.now() + " lag " + lag + " " + before + " -> " + after;

        assertThat(result.plan().route())
            .hasValueSatisfying(
                r ->
                    assertThat(r.destinations().stream().mapToInt(RouteDestination::weight).sum())
                        .isEqualTo(100));
        if (lag > policy.ejectionMaxLagBytes()) {
          assertThat(d.weight("pg-2")).as(at).isZero();
        }
        boolean wasRamping = before != null && before.phase() == Phase.RAMPING;
        if (!backs.isEmpty()) {
          steppedBack = true;
          assertThat(wasRamping).as(at).isTrue();
          assertThat(policy.stepsBackOnLagGrowth()).as(at).isTrue();
          assertThat(after.phase()).as(at).isEqualTo(Phase.RAMPING);
          assertThat(after.step()).as(at).isEqualTo(Math.max(0, before.step() - 1));
          assertThat(after.control().steppedBack()).as(at).isTrue();
          Instant stepSince = before.stepSince() != null ? before.stepSince() : before.since();
          Instant from = trend.growingSince().isAfter(stepSince) ? trend.growingSince() : stepSince;
          assertThat(Duration.between(from, d.now()))
              .as(at)
              .isGreaterThanOrEqualTo(policy.maxLagGrowthFor());
          assertThat(-trend.estimate().bytesPerSecond())
              .as(at)
              .isGreaterThan(policy.maxLagGrowthBytesPerSecond());
        } else if (wasRamping && after.phase() == Phase.RAMPING) {
          assertThat(after.step()).as(at).isGreaterThanOrEqualTo(before.step());
        }
        if (wasRamping && before.control().steppedBack() && after.phase() != Phase.EJECTED) {
          assertThat(after.step()).as(at).isLessThanOrEqualTo(before.step());
          assertThat(after.phase()).as(at).isEqualTo(Phase.RAMPING);
          if (!after.control().steppedBack()) {
            assertThat(trend.estimate()).as(at).isNotNull();
            assertThat(trend.estimate().trend()).as(at).isNotEqualTo(CatchUp.Trend.FALLING_BEHIND);
          }
        }
      }
    }
    // About 14 % of runs step back (no rate, a single step, or growth too short in the rest):
    // 5 % of 200 is more than three standard deviations below, so the check cannot flake.
    Statistics.label("stepped back")
        .collect(steppedBack)
        .coverage(c -> c.check(true).percentage(p -> p >= 5));
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<GatePolicy> policies =
        Combinators.combine(
                Arbitraries.of(0L, 64 * KIB, 256 * KIB, 256 * KIB),
                Arbitraries.of(0, 3, 10, 20).map(Duration::ofSeconds),
                Arbitraries.of(5, 30, 60).map(Duration::ofSeconds),
                Arbitraries.of(
                    List.of(10, 25, 50, 100),
                    List.of(10, 25, 50, 100),
                    List.of(50, 100),
                    List.of(100)),
                Arbitraries.of(16 * MIB, 64 * MIB, 256 * MIB))
            .as(
                (rate, growthFor, stepInterval, steps, ejection) ->
                    GatePolicy.builder()
                        .stableFor(Duration.ofSeconds(5))
                        .maxLagGrowthBytesPerSecond(rate)
                        .maxLagGrowthFor(growthFor)
                        .stepInterval(stepInterval)
                        .rampSteps(steps)
                        .ejectionMaxLagBytes(ejection)
                        .build());
    Arbitrary<Episode> episodes =
        Combinators.combine(
                Arbitraries.integers().between(1, 60),
                Arbitraries.of(0L, 32 * KIB, 512 * KIB, MIB, 3 * MIB, -300 * KIB, -4 * MIB))
            .as(Episode::new);
    // A flat start long enough to be admitted, then random episodes.
    return Combinators.combine(policies, episodes.list().ofMinSize(1).ofMaxSize(12))
        .as(
            (policy, list) -> {
              List<Episode> all = new ArrayList<>();
              all.add(new Episode(20, 0));
              all.addAll(list);
              return new Scenario(policy, all);
            });
  }
}
