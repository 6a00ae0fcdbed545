package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static io.syncgate.policy.gating.Samples.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One rule per test, on the default policy (admission 1 MiB for 10 s, ramp 10/25/50/100 % every 30
 * s, ejection 16 MiB or 10 s unreachable, fallback Primary) unless a test says otherwise. Every
 * tick also checks that replaying it changes nothing (see {@link GateDriver}).
 */
class GatingStepTest {

  // The stories were written in 30 s steps (the default before it became 60 s).
  private static final GatePolicy DEFAULTS =
      GatePolicy.builder().stepInterval(Duration.ofSeconds(30)).build();
  private static final MemberSample LEADER = leader("pg-0", 1);

  private static MemberSample ok(String name) {
    return replica(name, 1, 8 * KIB);
  }

  private static MemberSample lagging(String name, long lagBytes) {
    return replica(name, 1, lagBytes);
  }

  /**
   * Walks {@code names} from nothing to Serving on the default policy, with {@code others} present
   * and unchanged in every tick: Gated at t, Ramping(0) at t+10, steps at +30 each, Serving at
   * t+100. Leaves the clock at t+100.
   */
  private static void serve(GateDriver d, List<MemberSample> others, String... names) {
    serveOnTimeline(d, others, 1, names);
  }

  private static void serveOnTimeline(
      GateDriver d, List<MemberSample> others, long timeline, String... names) {
    List<MemberSample> samples = new ArrayList<>(others);
    for (String name : names) {
      samples.add(replica(name, timeline, 8 * KIB));
    }
    d.tick(samples);
    for (long dt : new long[] {10, 30, 30, 30}) {
      d.advanceSeconds(dt);
      d.tick(samples);
    }
    for (String name : names) {
      assertThat(d.phase(name)).as(name).isEqualTo(Phase.SERVING);
    }
  }

  private static Route route(Object... subsetsAndWeights) {
    List<RouteDestination> destinations = new ArrayList<>();
    for (int i = 0; i < subsetsAndWeights.length; i += 2) {
      destinations.add(
          new RouteDestination((String) subsetsAndWeights[i], (Integer) subsetsAndWeights[i + 1]));
    }
    return new Route(destinations);
  }

  private static Transition phase(String replica, Phase from, Phase to, String reason) {
    return new Transition(Transition.Kind.PHASE, replica, from, to, 0, reason);
  }

  @Nested
  class Admission {

    @Test
    void newMemberIsUnknownUntilItsFirstUsableSampleThenGated() {
      GateDriver d = new GateDriver(DEFAULTS);
      StepResult r = d.tick(LEADER, timeout("pg-1"));
      assertThat(d.replica("pg-1").phase()).isEqualTo(Phase.UNKNOWN);
      assertThat(d.replica("pg-1").reason()).isEqualTo("no usable sample yet: timeout after 2s");
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-0", 100));
      assertThat(r.plan().fallbackActive()).isTrue();

      d.advanceSeconds(1);
      r = d.tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-1").reason()).isEqualTo("lag 8 KiB <= 1 MiB for 0s of 10s");
      assertThat(d.replica("pg-1").since()).isEqualTo(d.now());
      assertThat(r.plan().transitions())
          .containsExactly(
              phase("pg-1", Phase.UNKNOWN, Phase.GATED, "lag 8 KiB <= 1 MiB for 0s of 10s"));
      assertThat(d.weight("pg-1")).isZero();
    }

    @Test
    void admittedAfterStableForOfUnbrokenAdmissibleTicks() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-1"));
      for (int s = 1; s <= 4; s++) {
        d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
        assertThat(d.replica("pg-1").reason())
            .isEqualTo("lag 8 KiB <= 1 MiB for " + s + "s of 10s");
        assertThat(d.weight("pg-1")).isZero();
      }
      // One tick above the limit breaks the run.
      d.advanceSeconds(1).tick(LEADER, lagging("pg-1", 2 * MIB));
      // One jump in six samples is an outlier to the rate: the lag still reads as flat.
      assertThat(d.replica("pg-1").reason()).isEqualTo("lag 2 MiB > 1 MiB, not catching up (flat)");
      assertThat(d.replica("pg-1").admissibleSince()).isNull();
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      Instant runStart = d.now();
      for (int s = 1; s <= 9; s++) {
        d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
        assertThat(d.replica("pg-1").admissibleSince()).isEqualTo(runStart);
        assertThat(d.weight("pg-1")).isZero();
      }
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-1").step()).isZero();
      assertThat(d.replica("pg-1").reason()).isEqualTo("ramp step 0 (10%)");
      assertThat(r.plan().transitions())
          .containsExactly(
              new Transition(
                  Transition.Kind.ADMITTED,
                  "pg-1",
                  Phase.GATED,
                  Phase.RAMPING,
                  0,
                  "admitted: lag 8 KiB <= 1 MiB for 10s"));
      assertThat(r.plan().route()).contains(route("pg-1", 100));
      assertThat(r.plan().fallbackActive()).isFalse();
    }

    @Test
    void replayPausedIsNotAdmissible() {
      GateDriver d = new GateDriver(DEFAULTS);
      for (int s = 0; s <= 60; s += 10) {
        d.tick(LEADER, ok("pg-1").withReplayPaused(true));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
        assertThat(d.replica("pg-1").reason()).isEqualTo("replay paused");
        d.advanceSeconds(10);
      }
    }

    @Test
    void archiveRecoveryIsNotAdmissible() {
      GateDriver d = new GateDriver(DEFAULTS);
      for (int s = 0; s <= 60; s += 10) {
        d.tick(LEADER, ok("pg-1").withState("running", "in archive recovery"));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
        assertThat(d.replica("pg-1").reason()).isEqualTo("replication state in archive recovery");
        d.advanceSeconds(10);
      }
    }

    @Test
    void timelineRoleAndStateGate() {
      MemberSample other =
          MemberSample.builder("pg-4").role(PatroniRole.OTHER).state("running").timeline(3).build();
      GateDriver d = new GateDriver(DEFAULTS);
      for (int s = 0; s <= 60; s += 10) {
        d.tick(
            leader("pg-0", 3),
            replica("pg-1", 2, 0),
            replica("pg-2", 3, 0).withState("starting", null),
            other);
        assertThat(d.replica("pg-1").reason()).isEqualTo("timeline 2 != leader timeline 3");
        assertThat(d.replica("pg-2").reason()).isEqualTo("state starting");
        assertThat(d.replica("pg-4").reason()).isEqualTo("role other, not a replica");
        assertThat(d.state().replicas().values())
            .allSatisfy(r -> assertThat(r.phase()).isEqualTo(Phase.GATED));
        d.advanceSeconds(10);
      }
    }

    @Test
    void lagBetweenAdmissionAndEjectionLimitsDoesNotAdmit() {
      GateDriver d = new GateDriver(DEFAULTS);
      for (int s = 0; s <= 120; s += 5) {
        d.tick(LEADER, lagging("pg-1", 5 * MIB));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
        // From the third sample on, the reason says the lag does not shrink.
        assertThat(d.replica("pg-1").reason())
            .isEqualTo("lag 5 MiB > 1 MiB" + (s < 10 ? "" : ", not catching up (flat)"));
        assertThat(d.weight("pg-1")).isZero();
        d.advanceSeconds(5);
      }
    }

    @Test
    void lagInTimeIsCheckedWhenConfigured() {
      GatePolicy timed =
          GatePolicy.builder()
              .admissionMaxLagTime(Duration.ofSeconds(5))
              .ejectionMaxLagTime(Duration.ofSeconds(30))
              .build();
      GateDriver d = new GateDriver(timed);
      Instant t = d.now();
      d.tick(
          LEADER,
          replica("pg-1", 1, 8 * KIB, 8.0, t),
          replica("pg-2", 1, 8 * KIB),
          replica("pg-3", 1, 0, 0.0, t));
      assertThat(d.replica("pg-1").reason()).isEqualTo("lag 8s > 5s");
      assertThat(d.replica("pg-1").lagSeconds()).isEqualTo(8.0);
      assertThat(d.replica("pg-2").reason()).isEqualTo("lag in time unknown: no replay timestamp");
      assertThat(d.replica("pg-3").reason())
          .isEqualTo("lag 0 B <= 1 MiB and 0s <= 5s for 0s of 10s");

      // Unchecked at admission but checked at ejection: never admit what would be ejected at once.
      GatePolicy ejectionOnly =
          GatePolicy.builder()
              .stableFor(Duration.ZERO)
              .ejectionMaxLagTime(Duration.ofSeconds(30))
              .build();
      GateDriver e = new GateDriver(ejectionOnly);
      for (int s = 0; s <= 30; s += 10) {
        e.tick(LEADER, replica("pg-1", 1, 8 * KIB, 40.0, e.now()));
        assertThat(e.phase("pg-1")).isEqualTo(Phase.GATED);
        assertThat(e.replica("pg-1").reason()).isEqualTo("lag 40s > 30s");
        e.advanceSeconds(10);
      }
    }

    @Test
    void zeroStableForStillSpendsOneTickInGated() {
      GatePolicy eager = GatePolicy.builder().stableFor(Duration.ZERO).build();
      GateDriver d = new GateDriver(eager);
      d.tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      d.advance(Duration.ofMillis(1)).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
    }
  }

  @Nested
  class Ramp {

    @Test
    void oneStepPerIntervalThenServingAtTheLastStep() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-1"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      Instant admitted = d.now();

      d.advanceSeconds(29).tick(LEADER, ok("pg-1"));
      assertThat(d.replica("pg-1").step()).isZero();
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.replica("pg-1").step()).isEqualTo(1);
      assertThat(d.replica("pg-1").stepSince()).isEqualTo(d.now());
      assertThat(d.replica("pg-1").since()).isEqualTo(admitted);
      assertThat(r.plan().transitions())
          .containsExactly(
              new Transition(
                  Transition.Kind.RAMP_STEP,
                  "pg-1",
                  Phase.RAMPING,
                  Phase.RAMPING,
                  1,
                  "ramp step 1 (25%)"));

      d.advanceSeconds(30).tick(LEADER, ok("pg-1"));
      assertThat(d.replica("pg-1").step()).isEqualTo(2);
      assertThat(d.replica("pg-1").reason()).isEqualTo("ramp step 2 (50%)");
      d.advanceSeconds(29).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      assertThat(d.replica("pg-1").step()).isZero();
      assertThat(d.replica("pg-1").reason()).isEqualTo("serving full share");
      assertThat(r.plan().transitions())
          .extracting(Transition::kind, Transition::from, Transition::to, Transition::step)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  Transition.Kind.SERVING, Phase.RAMPING, Phase.SERVING, 3));
    }

    @Test
    void aLongGapAdvancesOnlyOneStep() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-1"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"));
      d.advanceSeconds(1000).tick(LEADER, ok("pg-1"));
      assertThat(d.replica("pg-1").step()).isEqualTo(1);
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.replica("pg-1").step()).isEqualTo(1);
    }

    @Test
    void aSingleStepPolicyAdmitsStraightToServing() {
      GatePolicy oneStep = GatePolicy.builder().rampSteps(List.of(100)).build();
      GateDriver d = new GateDriver(oneStep);
      d.tick(LEADER, ok("pg-1"));
      StepResult r = d.advanceSeconds(10).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      assertThat(r.plan().transitions())
          .extracting(Transition::kind, Transition::to)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Transition.Kind.ADMITTED, Phase.SERVING));
    }

    @Test
    void shortenedStepsKeepARampingReplicaOnItsLastRampingStep() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-1"));
      for (long dt : new long[] {10, 30, 30}) {
        d.advanceSeconds(dt).tick(LEADER, ok("pg-1"));
      }
      assertThat(d.replica("pg-1").step()).isEqualTo(2);
      d.policy(DEFAULTS.toBuilder().rampSteps(List.of(50, 100)).build());
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-1").step()).isZero();
      d.advanceSeconds(29).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
    }

    @Test
    void pausedFreezesAdmissionAndRampButNotEjection() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-2"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);

      d.policy(DEFAULTS.withPaused(true));
      for (int s = 10; s <= 60; s += 10) {
        d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
        assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
        assertThat(d.replica("pg-2").step()).isZero();
      }
      assertThat(d.replica("pg-1").reason())
          .isEqualTo("lag 8 KiB <= 1 MiB for 1m, admission paused");
      assertThat(d.replica("pg-2").reason()).isEqualTo("ramp step 0 (10%), paused");

      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 32 * MIB));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 0, "pg-0", 100));

      // Unpaused: pg-1's run went on counting while paused, so it is admitted at once.
      d.policy(DEFAULTS);
      r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
      assertThat(r.plan().route()).contains(route("pg-1", 100, "pg-2", 0));
    }
  }

  @Nested
  class Ejection {

    @Test
    void lagAboveTheEjectionLimitEjectsAServingReplica() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 32 * MIB));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("lag 32 MiB > 16 MiB");
      assertThat(r.plan().transitions())
          .containsExactly(
              new Transition(
                  Transition.Kind.EJECTED,
                  "pg-2",
                  Phase.SERVING,
                  Phase.EJECTED,
                  0,
                  "lag 32 MiB > 16 MiB"));
      assertThat(r.plan().route()).contains(route("pg-1", 100, "pg-2", 0));
    }

    @Test
    void lagBetweenTheLimitsKeepsAServingReplicaServing() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      for (int s = 1; s <= 120; s += 5) {
        d.advanceSeconds(5).tick(LEADER, lagging("pg-1", 5 * MIB), ok("pg-2"));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
        assertThat(d.weight("pg-1")).isEqualTo(50);
      }
    }

    @Test
    void ejectionBeatsRampProgressInTheSameTick() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-1"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"));
      StepResult r = d.advanceSeconds(30).tick(LEADER, lagging("pg-1", 32 * MIB));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().transitions())
          .extracting(Transition::kind)
          .containsExactly(Transition.Kind.EJECTED);
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-0", 100));
    }

    @Test
    void hardCausesEjectButReplayPausedAndArchiveRecoveryDoNot() {
      GateDriver d = new GateDriver(DEFAULTS);
      serveOnTimeline(d, List.of(leader("pg-0", 3)), 3, "pg-1", "pg-2", "pg-3", "pg-4", "pg-5");
      d.advanceSeconds(1)
          .tick(
              leader("pg-0", 3),
              replica("pg-1", 2, 0),
              replica("pg-2", 3, 0).withState("starting", null),
              replica("pg-3", 3, 0).withReplayPaused(true),
              replica("pg-4", 3, 0).withState("running", "in archive recovery"),
              replica("pg-5", 3, 0));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason()).isEqualTo("timeline 2 != leader timeline 3");
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("state starting");
      assertThat(d.phase("pg-3")).isEqualTo(Phase.SERVING);
      assertThat(d.phase("pg-4")).isEqualTo(Phase.SERVING);
      assertThat(d.last().plan().route())
          .contains(route("pg-1", 0, "pg-2", 0, "pg-3", 34, "pg-4", 33, "pg-5", 33));
    }

    @Test
    void aMemberNotRunningIsEjectedForItsStateNotForTheTimelineItDoesNotReport() {
      GateDriver d = new GateDriver(DEFAULTS);
      serveOnTimeline(d, List.of(leader("pg-0", 3)), 3, "pg-1", "pg-2");
      // Patroni reports no timeline for a member whose PostgreSQL it does not query: it reads 0.
      d.advanceSeconds(1)
          .tick(
              leader("pg-0", 3),
              replica("pg-1", 3, 0),
              replica("pg-2", 0, 0).withState("stopped", null));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("state stopped");
    }

    @Test
    void replayPausedEjectsOnceTheLagItCausesIsTooLarge() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1");
      d.advanceSeconds(1).tick(LEADER, lagging("pg-1", 15 * MIB).withReplayPaused(true));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      d.advanceSeconds(1).tick(LEADER, lagging("pg-1", 17 * MIB).withReplayPaused(true));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason()).isEqualTo("lag 17 MiB > 16 MiB");
    }

    @Test
    void unreachableShorterThanUnreachableForKeepsPhaseAndWeight() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      for (int s = 1; s <= 9; s++) {
        d.advanceSeconds(1).tick(LEADER, timeout("pg-1"), ok("pg-2"));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
        assertThat(d.weight("pg-1")).isEqualTo(50);
        assertThat(d.replica("pg-1").reason())
            .isEqualTo("Patroni unreachable for " + s + "s: timeout after 2s");
      }
      StepResult r = d.advanceSeconds(1).tick(LEADER, timeout("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason())
          .isEqualTo("Patroni unreachable for 10s: timeout after 2s");
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 100));

      d.advanceSeconds(5).tick(LEADER, timeout("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason())
          .isEqualTo("Patroni unreachable for 15s: timeout after 2s");
    }

    @Test
    void unreachableHoldsRampProgress() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, ok("pg-1"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"));
      d.advanceSeconds(25).tick(LEADER, ok("pg-1"));
      d.advanceSeconds(5).tick(LEADER, timeout("pg-1"));
      assertThat(d.replica("pg-1").step()).isZero();
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.replica("pg-1").step()).isEqualTo(1);
    }

    @Test
    void ejectedComesBackThroughGatedAndRampsFromTheFirstStep() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 32 * MIB));
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 20 * MIB));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("lag 20 MiB > 16 MiB");
      assertThat(r.plan().transitions()).isEmpty();

      // Below the ejection limit but above admission: back to Gated, not admissible.
      r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 5 * MIB));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
      assertThat(r.plan().transitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.kind()).isEqualTo(Transition.Kind.PHASE);
                assertThat(t.from()).isEqualTo(Phase.EJECTED);
                assertThat(t.to()).isEqualTo(Phase.GATED);
                assertThat(t.reason()).startsWith("lag 5 MiB > 1 MiB, catching up at ");
              });
      assertThat(d.weight("pg-2")).isZero();

      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      for (int s = 1; s <= 9; s++) {
        d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
        assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
        assertThat(d.weight("pg-2")).isZero();
      }
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-2").step()).isZero();
    }

    @Test
    void ejectedReplicaThatTurnsAdmissibleStillWaitsStableForInGated() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1");
      d.advanceSeconds(1).tick(LEADER, lagging("pg-1", 32 * MIB));
      d.advanceSeconds(60).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-1").admissibleSince()).isEqualTo(d.now());
      d.advanceSeconds(9).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
    }
  }

  @Nested
  class FailStatic {

    /** pg-1 Serving, pg-2 Ramping(0) since t110, pg-3 Gated since t132; clock at t132. */
    private GateDriver threeReplicas() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1");
      d.tick(LEADER, ok("pg-1"), ok("pg-2"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"));
      d.advanceSeconds(22).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      // Σs = 1.1: 90.91 / 9.09 / 0 → 90 / 9 / 0, the spare unit to pg-1 (.91 > .09).
      assertThat(d.last().plan().route()).contains(route("pg-1", 91, "pg-2", 9, "pg-3", 0));
      return d;
    }

    @Test
    void zeroLeadersKeepRoutePhasesAndStepsAndBreakAdmissionRuns() {
      GateDriver d = threeReplicas();
      Route before = d.last().plan().route().orElseThrow();
      MemberSample noLongerLeader = replica("pg-0", 1, 0);
      // t140..t143: pg-2's step is due (t140), pg-3 would be admitted at t142.
      d.advanceSeconds(8);
      for (int s = 0; s < 4; s++) {
        StepResult r = d.tick(noLongerLeader, ok("pg-1"), ok("pg-2"), ok("pg-3"));
        assertThat(r.plan().route()).contains(before);
        assertThat(r.plan().leader()).isNull();
        assertThat(r.plan().degradedReason()).isEqualTo("no leader answered");
        assertThat(r.plan().transitions()).isEmpty();
        assertThat(r.plan().fallbackActive()).isFalse();
        assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
        assertThat(d.replica("pg-2").step()).isZero();
        assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
        assertThat(d.replica("pg-3").admissibleSince()).isNull();
        assertThat(d.replica("pg-3").lastUsableSample()).isEqualTo(d.now());
        assertThat(d.state().leader()).isEqualTo("pg-0");
        d.advanceSeconds(1);
      }
      // Leader back at t144: the ramp resumes, pg-3 counts again from now.
      StepResult r = d.tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(r.plan().degraded()).isFalse();
      assertThat(d.replica("pg-2").step()).isEqualTo(1);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-3").admissibleSince()).isEqualTo(d.now());
      d.advanceSeconds(9).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.RAMPING);
    }

    @Test
    void twoLeadersFailStatic() {
      GateDriver d = threeReplicas();
      Route before = d.last().plan().route().orElseThrow();
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), leader("pg-3", 2));
      assertThat(r.plan().route()).contains(before);
      assertThat(r.plan().degradedReason()).isEqualTo("more than one leader: pg-0, pg-3");
      assertThat(r.plan().transitions()).isEmpty();
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
    }

    @Test
    void aServingReplicaThatAnswersAsASecondLeaderIsEjected() {
      GateDriver d = threeReplicas();
      StepResult r = d.advanceSeconds(1).tick(LEADER, leader("pg-1", 2), ok("pg-2"), ok("pg-3"));
      assertThat(r.plan().degradedReason()).isEqualTo("more than one leader: pg-0, pg-1");
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason()).isEqualTo("role leader, not a replica");
      // pg-1's 91 go to the rest in proportion to what they hold: all to pg-2.
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 100, "pg-3", 0));
      assertThat(r.plan().fallbackActive()).isFalse();
    }

    @Test
    void unreachableLeaderFailsStaticButASilentReplicaIsEjectedAfterUnreachableFor() {
      GateDriver d = threeReplicas();
      Route before = d.last().plan().route().orElseThrow();
      // From t133 pg-1 is silent, and pg-2 is 64 MiB behind, which nobody can tell without the
      // leader's position.
      MemberSample[] outage = {
        timeout("pg-0"), timeout("pg-1"), lagging("pg-2", 64 * MIB), ok("pg-3")
      };
      for (int s = 1; s <= 9; s++) {
        StepResult r = d.advanceSeconds(1).tick(outage);
        assertThat(r.plan().route()).contains(before);
        assertThat(r.plan().degradedReason())
            .isEqualTo("leader pg-0 unreachable: timeout after 2s");
        assertThat(r.plan().transitions()).isEmpty();
        assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      }
      // t142: unreachableFor (10 s) since pg-1's last usable sample.
      StepResult r = d.advanceSeconds(1).tick(outage);
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().transitions())
          .containsExactly(
              new Transition(
                  Transition.Kind.EJECTED,
                  "pg-1",
                  Phase.SERVING,
                  Phase.EJECTED,
                  0,
                  "Patroni unreachable for 10s: timeout after 2s"));
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 100, "pg-3", 0));
      assertThat(r.plan().degradedReason()).isEqualTo("leader pg-0 unreachable: timeout after 2s");
      for (int s = 11; s <= 30; s++) {
        r = d.advanceSeconds(1).tick(outage);
        assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 100, "pg-3", 0));
        assertThat(r.plan().transitions()).isEmpty();
        assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
        assertThat(d.replica("pg-2").step()).isZero();
      }
      // Leader back at t163: pg-2's lag can be judged again, and ejects it.
      r = d.advanceSeconds(1).tick(LEADER, timeout("pg-1"), lagging("pg-2", 64 * MIB), ok("pg-3"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("lag 64 MiB > 16 MiB");
      assertThat(d.replica("pg-1").reason())
          .isEqualTo("Patroni unreachable for 31s: timeout after 2s");
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 0, "pg-3", 0, "pg-0", 100));
    }

    @Test
    void silenceCountsFromTheLastUsableSampleWhetherOrNotTheLeaderWasKnownThen() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      d.advanceSeconds(6).tick(LEADER, timeout("pg-1"), ok("pg-2"));
      StepResult r = d.advanceSeconds(3).tick(timeout("pg-0"), timeout("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      assertThat(r.plan().route()).contains(route("pg-1", 50, "pg-2", 50));
      r = d.advanceSeconds(1).tick(timeout("pg-0"), timeout("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason())
          .isEqualTo("Patroni unreachable for 10s: timeout after 2s");
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 100));
    }

    @Test
    void whatAReplicaSaysOfItselfEjectsAtOnceWhileTheLeaderIsUnknown() {
      GateDriver d = new GateDriver(DEFAULTS);
      serveOnTimeline(
          d, List.of(leader("pg-0", 3)), 3, "pg-1", "pg-2", "pg-3", "pg-4", "pg-5", "pg-6");
      assertThat(d.last().plan().route())
          .contains(route("pg-1", 17, "pg-2", 17, "pg-3", 17, "pg-4", 17, "pg-5", 16, "pg-6", 16));
      MemberSample otherRole =
          MemberSample.builder("pg-5").role(PatroniRole.OTHER).state("running").timeline(3).build();
      StepResult r =
          d.advanceSeconds(1)
              .tick(
                  timeout("pg-0"),
                  replica("pg-1", 2, 0),
                  replica("pg-2", 3, 0).withState("starting", null),
                  replica("pg-3", 3, 0).withReplayPaused(true),
                  replica("pg-4", 3, 0).withState("running", "in archive recovery"),
                  otherRole,
                  replica("pg-6", 3, 0));
      assertThat(r.plan().degraded()).isTrue();
      // With a leader, replay paused and archive recovery only block admission (see Ejection);
      // without one nothing bounds how far they fall behind.
      assertThat(r.plan().transitions())
          .extracting(Transition::kind, Transition::replica, Transition::reason)
          .containsExactly(
              tuple(Transition.Kind.EJECTED, "pg-1", "timeline 2 != last known leader timeline 3"),
              tuple(Transition.Kind.EJECTED, "pg-2", "state starting"),
              tuple(Transition.Kind.EJECTED, "pg-3", "replay paused"),
              tuple(Transition.Kind.EJECTED, "pg-4", "replication state in archive recovery"),
              tuple(Transition.Kind.EJECTED, "pg-5", "role other, not a replica"));
      assertThat(d.phase("pg-6")).isEqualTo(Phase.SERVING);
      assertThat(r.plan().route())
          .contains(route("pg-1", 0, "pg-2", 0, "pg-3", 0, "pg-4", 0, "pg-5", 0, "pg-6", 100));
    }

    @Test
    void ejectingTheLastWeightedReplicaFallsBackWithTheLastKnownLeaderStandingIn() {
      for (Fallback f : Fallback.values()) {
        GateDriver d = new GateDriver(DEFAULTS.withFallback(f));
        serve(d, List.of(LEADER, lagging("pg-2", 5 * MIB)), "pg-1");
        assertThat(d.last().plan().route()).contains(route("pg-1", 100, "pg-2", 0));
        Route fallback =
            f == Fallback.PRIMARY
                ? route("pg-1", 0, "pg-2", 0, "pg-0", 100)
                : route("pg-1", 50, "pg-2", 50);
        for (int s = 0; s < 3; s++) {
          StepResult r =
              d.advanceSeconds(1)
                  .tick(
                      timeout("pg-0"), ok("pg-1").withReplayPaused(true), lagging("pg-2", 5 * MIB));
          assertThat(d.phase("pg-1")).as("%s", f).isEqualTo(Phase.EJECTED);
          assertThat(r.plan().route()).as("%s", f).contains(fallback);
          assertThat(r.plan().fallbackActive()).as("%s", f).isTrue();
        }
      }
    }

    @Test
    void withoutTheLastKnownLeadersPodAnEjectionThatLeavesNothingWeightedCannotBeWritten() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1");
      // The leader's pod is gone, nobody leads, and pg-1 pauses replay: no destination is left.
      StepResult r = d.advanceSeconds(1).tick(ok("pg-1").withReplayPaused(true));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().transitions())
          .extracting(Transition::kind)
          .containsExactly(Transition.Kind.EJECTED);
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.state().route()).isEmpty();
    }

    @Test
    void gatedAndEjectedReplicasKeepTheirPhaseWhateverTheySay() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1");
      d.advanceSeconds(1).tick(LEADER, lagging("pg-1", 32 * MIB), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
      StepResult r =
          d.advanceSeconds(1)
              .tick(
                  timeout("pg-0"),
                  replica("pg-1", 2, 0).withReplayPaused(true),
                  ok("pg-2").withState("starting", null));
      assertThat(r.plan().transitions()).isEmpty();
      assertThat(d.phase("pg-1")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-1").reason()).isEqualTo("lag 32 MiB > 16 MiB");
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
    }

    @Test
    void withoutAnyRouteYetNothingIsWritten() {
      GateDriver d = new GateDriver(DEFAULTS);
      StepResult r = d.tick(replica("pg-0", 1, 0), ok("pg-1"));
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.state().route()).isEmpty();
      assertThat(r.plan().degradedReason()).isEqualTo("no leader answered");
      assertThat(d.phase("pg-0")).isEqualTo(Phase.UNKNOWN);
      assertThat(d.replica("pg-1").reason())
          .isEqualTo("waiting for a single leader: no leader answered");
      // A leader appears: it leaves the replicas, the rest proceed normally.
      r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"));
      assertThat(r.state().replicas()).containsOnlyKeys("pg-1");
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-0", 100));
      assertThat(r.plan().transitions())
          .extracting(Transition::kind)
          .containsExactly(Transition.Kind.PHASE);
    }

    @Test
    void aMemberVanishingHandsItsWeightToTheRestInProportion() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2", "pg-3");
      assertThat(d.last().plan().route()).contains(route("pg-1", 34, "pg-2", 33, "pg-3", 33));
      // pg-3 deleted while no leader answers: 34/67 and 33/67 → 50.75 / 49.25 → 51 / 49.
      StepResult r = d.advanceSeconds(1).tick(timeout("pg-0"), ok("pg-1"), ok("pg-2"));
      assertThat(r.plan().route()).contains(route("pg-1", 51, "pg-2", 49));
      assertThat(r.state().replicas()).containsOnlyKeys("pg-1", "pg-2");
      r = d.advanceSeconds(1).tick(timeout("pg-0"), ok("pg-1"), ok("pg-2"));
      assertThat(r.plan().route()).contains(route("pg-1", 51, "pg-2", 49));
      // pg-3 is back with the leader: a new member.
      r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      assertThat(r.plan().route()).contains(route("pg-1", 50, "pg-2", 50, "pg-3", 0));
    }

    @Test
    void nothingWeightedLeftMeansWriteNothing() {
      GateDriver d = new GateDriver(DEFAULTS);
      d.tick(LEADER, lagging("pg-1", 5 * MIB));
      Route fallback = route("pg-1", 0, "pg-0", 100);
      assertThat(d.last().plan().route()).contains(fallback);
      // The leader's pod is gone and nobody leads.
      StepResult r = d.advanceSeconds(1).tick(lagging("pg-1", 5 * MIB));
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.plan().fallbackActive()).isFalse();
      assertThat(r.state().route()).isEmpty();
      // Its pod is recreated while nobody leads: still nothing to write, no weight inherited.
      r = d.advanceSeconds(1).tick(replica("pg-0", 2, 0), lagging("pg-1", 5 * MIB));
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.state().replicas()).containsOnlyKeys("pg-1");
    }

    @Test
    void keptFallbackRouteStaysMarkedAsFallback() {
      GateDriver d = new GateDriver(DEFAULTS.withFallback(Fallback.ALL_REPLICAS));
      d.tick(LEADER, lagging("pg-1", 5 * MIB), lagging("pg-2", 5 * MIB));
      StepResult r = d.advanceSeconds(1).tick(timeout("pg-0"), lagging("pg-2", 5 * MIB));
      assertThat(r.plan().route()).contains(route("pg-2", 100));
      assertThat(r.plan().fallbackActive()).isTrue();
    }
  }

  @Nested
  class OneAtATime {

    private final GatePolicy oneAtATime = DEFAULTS.toBuilder().maxRamping(1).build();

    @Test
    void newReplicasEnterOneAfterTheOtherEachThroughTheWholeRamp() {
      GateDriver d = new GateDriver(oneAtATime);
      serve(d, List.of(LEADER), "pg-1");
      // Two new replicas, caught up from the start: after stableFor, only one of them ramps.
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      StepResult r = d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-3").reason())
          .isEqualTo("caught up, waiting for its turn: 1 ramping of at most 1 (ramp.maxRamping)");
      assertThat(r.plan().transitions()).extracting(Transition::replica).containsExactly("pg-2");
      assertThat(r.plan().route()).contains(route("pg-1", 91, "pg-2", 9, "pg-3", 0));

      // pg-2's whole ramp (three more steps, 30 s apart); pg-3 waits all along.
      for (int i = 0; i < 2; i++) {
        d.advanceSeconds(30).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
        assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      }
      // In the tick pg-2 reaches a full share it is pg-3's turn, without another stableFor: it
      // has held all along.
      d.advanceSeconds(30).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.SERVING);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.RAMPING);
    }

    @Test
    void theReplicaCaughtUpFirstGoesFirst() {
      GateDriver d = new GateDriver(oneAtATime);
      serve(d, List.of(LEADER), "pg-1");
      // pg-3 catches up 5 s before pg-2 does.
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 1L << 30), ok("pg-3"));
      d.advanceSeconds(5).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.RAMPING);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
    }

    @Test
    void whileNoReplicaServesCaughtUpReplicasAreAdmittedTogetherStraightToAFullShare() {
      GateDriver d = new GateDriver(oneAtATime);
      d.tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      StepResult r = d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(List.of(d.phase("pg-1"), d.phase("pg-2"), d.phase("pg-3")))
          .containsOnly(Phase.SERVING);
      assertThat(r.plan().route()).contains(route("pg-1", 34, "pg-2", 33, "pg-3", 33));
      assertThat(r.plan().transitions())
          .extracting(Transition::kind, Transition::to)
          .containsOnly(tuple(Transition.Kind.ADMITTED, Phase.SERVING));
    }

    @Test
    void ejectionStillAppliesToAReplicaWaitingForItsTurnAndToTheOneRamping() {
      GateDriver d = new GateDriver(oneAtATime);
      serve(d, List.of(LEADER), "pg-1");
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      StepResult r =
          d.advanceSeconds(1)
              .tick(LEADER, ok("pg-1"), lagging("pg-2", 1L << 30), lagging("pg-3", 1L << 30));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      assertThat(r.plan().route()).contains(route("pg-1", 100, "pg-2", 0, "pg-3", 0));
    }
  }

  @Nested
  class PrimaryService {

    private static final String PRIMARY = RouteDestination.PRIMARY_SERVICE;

    private static Exclusion noEndpoint(String member) {
      return new Exclusion(
          member, Exclusion.Cause.NO_READY_ENDPOINT, "not a ready endpoint of pg-replicas");
    }

    @Test
    void withEveryReplicaBehindReadsGoToThePrimaryServiceNotToASubset() {
      GateDriver d = new GateDriver(DEFAULTS).primary(PrimaryRoute.service(true));
      StepResult r = d.tick(LEADER, lagging("pg-1", 5L << 30), lagging("pg-2", 5L << 30));
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 0, PRIMARY, 100));
      assertThat(r.plan().fallbackActive()).isTrue();
      assertThat(r.plan().unroutable()).isNull();
    }

    @Test
    void aClusterWithoutReplicasReadsFromThePrimaryService() {
      GateDriver d = new GateDriver(DEFAULTS).primary(PrimaryRoute.service(true));
      assertThat(d.tick(LEADER).plan().route()).contains(route(PRIMARY, 100));
    }

    @Test
    void aPrimaryServiceWithoutEndpointsLeavesTheLiveRouteAndSaysWhy() {
      GateDriver d = new GateDriver(DEFAULTS).primary(PrimaryRoute.service(false));
      StepResult r = d.tick(LEADER, lagging("pg-1", 5L << 30));
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.plan().unroutable())
          .isEqualTo(
              "no replica can take reads and the primary Service (mesh.primaryHost) has no ready"
                  + " endpoint");
    }

    @Test
    void aLeaderThatIsNoEndpointOfTheReadHostCannotTakeTheFallbackAndTheMessageSaysWhatToDo() {
      GateDriver d = new GateDriver(DEFAULTS).exclude(noEndpoint("pg-0"));
      StepResult r = d.tick(LEADER, lagging("pg-1", 5L << 30));
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.plan().unroutable())
          .contains("the leader pg-0 has no subset that can take reads")
          .contains("not a ready endpoint of pg-replicas")
          .contains("set mesh.primaryHost");
    }

    @Test
    void replicasWithEndpointsStillTakeTheReadsWhateverThePrimaryService() {
      GateDriver d = new GateDriver(DEFAULTS).primary(PrimaryRoute.service(false));
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      StepResult r =
          d.exclude(noEndpoint("pg-2")).advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(r.plan().route()).contains(route("pg-1", 100));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().unroutable()).isNull();
    }

    @Test
    void failingStaticKeepsThePrimaryServiceInTheRoute() {
      GateDriver d = new GateDriver(DEFAULTS).primary(PrimaryRoute.service(true));
      d.tick(LEADER, lagging("pg-1", 5L << 30));
      StepResult r = d.advanceSeconds(1).tick(lagging("pg-1", 5L << 30));
      assertThat(r.plan().degraded()).isTrue();
      assertThat(r.plan().route()).contains(route("pg-1", 0, PRIMARY, 100));
    }
  }

  @Nested
  class Exclusions {

    private static final String DETAIL = "pod name is not a DNS-1123 label";

    private static Exclusion excluded(String member) {
      return new Exclusion(member, Exclusion.Cause.INVALID_SUBSET_NAME, DETAIL);
    }

    @Test
    void anExcludedServingReplicaIsEjectedAndLeavesTheRoute() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      StepResult r =
          d.exclude(excluded("pg-2")).advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("excluded: " + DETAIL);
      assertThat(r.plan().transitions())
          .containsExactly(
              new Transition(
                  Transition.Kind.EJECTED,
                  "pg-2",
                  Phase.SERVING,
                  Phase.EJECTED,
                  0,
                  "excluded: " + DETAIL));
      assertThat(r.plan().route()).contains(route("pg-1", 100));
      assertThat(r.plan().excluded()).containsExactly(excluded("pg-2"));
      assertThat(r.plan().members()).containsExactly("pg-0", "pg-1", "pg-2");
      assertThat(r.plan().subsetMembers()).containsExactly("pg-0", "pg-1");
    }

    @Test
    void anExcludedReplicaIsEjectedAtOnceEvenWhenItsPatroniIsSilent() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2");
      StepResult r =
          d.exclude(excluded("pg-2")).advanceSeconds(1).tick(LEADER, ok("pg-1"), timeout("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").reason()).isEqualTo("excluded: " + DETAIL);
      assertThat(r.plan().route()).contains(route("pg-1", 100));
    }

    @Test
    void anExcludedReplicaIsNeverAdmittedAndComesBackThroughTheWholeRamp() {
      GateDriver d = new GateDriver(DEFAULTS).exclude(excluded("pg-2"));
      d.tick(LEADER, ok("pg-1"), ok("pg-2"));
      for (int s = 0; s < 100; s++) {
        StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
        assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
        assertThat(d.replica("pg-2").reason()).isEqualTo("excluded: " + DETAIL);
        assertThat(r.plan().route().orElseThrow().weights()).doesNotContainKey("pg-2");
      }
      assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
      assertThat(d.last().plan().route()).contains(route("pg-1", 100));
      // No longer excluded: admitted after stableFor, at the first ramp step.
      d.exclude();
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.weight("pg-2")).isZero();
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-2").step()).isZero();
    }

    @Test
    void anExcludedLeaderHasNoSubsetForTheFallback() {
      GateDriver d = new GateDriver(DEFAULTS).exclude(excluded("pg-0"));
      StepResult r = d.tick(LEADER, lagging("pg-1", 5 * MIB));
      // Primary: only the leader could take the reads, and it has no subset: nothing to write.
      assertThat(r.plan().route()).isEmpty();
      assertThat(r.plan().fallbackActive()).isFalse();
      assertThat(r.plan().subsetMembers()).containsExactly("pg-1");
      assertThat(d.tick(LEADER).plan().route()).isEmpty();

      GateDriver open = new GateDriver(DEFAULTS.withFallback(Fallback.ALL_REPLICAS));
      r = open.exclude(excluded("pg-0")).tick(LEADER, lagging("pg-1", 5 * MIB));
      assertThat(r.plan().route()).contains(route("pg-1", 100));
      assertThat(r.plan().fallbackActive()).isTrue();
    }

    @Test
    void excludedReplicasAreLeftOutOfTheAllReplicasFallback() {
      GateDriver d = new GateDriver(DEFAULTS.withFallback(Fallback.ALL_REPLICAS));
      StepResult r =
          d.exclude(excluded("pg-3"))
              .tick(LEADER, lagging("pg-1", 5 * MIB), lagging("pg-2", 5 * MIB), ok("pg-3"));
      assertThat(r.plan().route()).contains(route("pg-1", 50, "pg-2", 50));
      // Every replica excluded: as without replicas, the leader takes the reads.
      r =
          d.exclude(excluded("pg-1"), excluded("pg-2"), excluded("pg-3"))
              .advanceSeconds(1)
              .tick(LEADER, lagging("pg-1", 5 * MIB), lagging("pg-2", 5 * MIB), ok("pg-3"));
      assertThat(r.plan().route()).contains(route("pg-0", 100));
    }

    @Test
    void whileTheLeaderIsUnknownAnExcludedReplicaIsEjectedAndItsWeightSpread() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2", "pg-3");
      StepResult r =
          d.exclude(excluded("pg-3"))
              .advanceSeconds(1)
              .tick(timeout("pg-0"), ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(r.plan().degraded()).isTrue();
      assertThat(d.phase("pg-3")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-3").reason()).isEqualTo("excluded: " + DETAIL);
      // 34/67 and 33/67 of pg-3's share, as when a member vanishes: 51 / 49.
      assertThat(r.plan().route()).contains(route("pg-1", 51, "pg-2", 49));
    }

    @Test
    void exclusionsOfNonMembersAreIgnored() {
      GateDriver d = new GateDriver(DEFAULTS).exclude(excluded("pg-9"));
      StepResult r = d.tick(LEADER, ok("pg-1"));
      assertThat(r.plan().excluded()).isEmpty();
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-0", 100));
    }
  }

  @Nested
  class Leaders {

    @Test
    void leaderChangeGatesTheOldTimelineAndTheOldLeaderStartsOver() {
      GateDriver d = new GateDriver(DEFAULTS);
      serve(d, List.of(LEADER), "pg-1", "pg-2", "pg-3");
      StepResult r =
          d.advanceSeconds(1)
              .tick(
                  replica("pg-0", 1, 0),
                  leader("pg-1", 2),
                  replica("pg-2", 2, 0),
                  replica("pg-3", 1, 0));
      assertThat(r.plan().leader()).isEqualTo("pg-1");
      assertThat(r.state().leader()).isEqualTo("pg-1");
      assertThat(r.state().timeline()).isEqualTo(2L);
      assertThat(r.state().replicas()).containsOnlyKeys("pg-0", "pg-2", "pg-3");
      assertThat(d.phase("pg-0")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-0").reason()).isEqualTo("timeline 1 != leader timeline 2");
      assertThat(d.phase("pg-2")).isEqualTo(Phase.SERVING);
      assertThat(d.phase("pg-3")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().transitions())
          .extracting(Transition::kind, Transition::replica)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Transition.Kind.LEADER_CHANGED, null),
              org.assertj.core.groups.Tuple.tuple(Transition.Kind.PHASE, "pg-0"),
              org.assertj.core.groups.Tuple.tuple(Transition.Kind.EJECTED, "pg-3"));
      assertThat(r.plan().transitions().get(0).reason())
          .isEqualTo("leader changed from pg-0 to pg-1 on timeline 2");
      assertThat(r.plan().route()).contains(route("pg-0", 0, "pg-2", 100, "pg-3", 0));
    }

    @Test
    void noReplicasRoutesToTheLeaderWithEitherFallback() {
      for (Fallback f : Fallback.values()) {
        GateDriver d = new GateDriver(DEFAULTS.withFallback(f));
        StepResult r = d.tick(LEADER);
        assertThat(r.plan().route()).contains(route("pg-0", 100));
        assertThat(r.plan().fallbackActive()).isTrue();
        assertThat(r.plan().members()).containsExactly("pg-0");
      }
    }

    @Test
    void primaryFallbackRoutesToTheLeaderWhileNoReplicaHoldsAShare() {
      GateDriver d = new GateDriver(DEFAULTS);
      StepResult r = d.tick(LEADER, lagging("pg-2", 5 * MIB), timeout("pg-1"));
      assertThat(r.plan().route()).contains(route("pg-1", 0, "pg-2", 0, "pg-0", 100));
      assertThat(r.plan().fallbackActive()).isTrue();
      assertThat(r.plan().members()).containsExactly("pg-0", "pg-1", "pg-2");
    }

    @Test
    void allReplicasFallbackSharesEquallyAmongReplicasUntilOneIsAdmitted() {
      GateDriver d = new GateDriver(DEFAULTS.withFallback(Fallback.ALL_REPLICAS));
      StepResult r = d.tick(LEADER, ok("pg-1"), timeout("pg-2"));
      assertThat(r.plan().route()).contains(route("pg-1", 50, "pg-2", 50));
      assertThat(r.plan().fallbackActive()).isTrue();
      r = d.advanceSeconds(10).tick(LEADER, ok("pg-1"), timeout("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      assertThat(r.plan().route()).contains(route("pg-1", 100, "pg-2", 0));
      assertThat(r.plan().fallbackActive()).isFalse();
    }
  }

  @Test
  void replayingAStepWithTheSameSnapshotAndTimeChangesNothing() {
    GateDriver d = new GateDriver(DEFAULTS);
    serve(d, List.of(LEADER), "pg-1");
    ClusterSnapshot snapshot =
        ClusterSnapshot.of(List.of(LEADER, ok("pg-1"), ok("pg-2")), d.now().plusSeconds(1));
    StepResult first = GatingStep.step(d.state(), snapshot, DEFAULTS, d.now().plusSeconds(1));
    StepResult again = GatingStep.step(first.state(), snapshot, DEFAULTS, d.now().plusSeconds(1));
    assertThat(first.plan().transitions()).isNotEmpty();
    assertThat(again.state()).isEqualTo(first.state());
    assertThat(again.plan().route()).isEqualTo(first.plan().route());
    assertThat(again.plan().transitions()).isEmpty();
    assertThat(again.plan())
        .isEqualTo(
            new Plan(
                first.plan().members(),
                first.plan().leader(),
                first.plan().route(),
                first.plan().fallbackActive(),
                null,
                List.of()));
  }
}
