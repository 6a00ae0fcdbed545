package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rollout stories of docs/design.md, "Rollouts", tick by tick on the default policy (stableFor
 * 10s, steps 10/25/50/100 every 30s, admission 1 MiB, ejection 16 MiB): hold, promote, abort,
 * approve and metric analysis. pg-1 serves throughout; pg-2 is the replica the operator acts on.
 */
class RolloutStoriesTest {

  // The story was written in 30 s steps (the default before it became 60 s).
  private static final GatePolicy DEFAULTS =
      GatePolicy.builder().stepInterval(Duration.ofSeconds(30)).build();
  private static final MemberSample LEADER = leader("pg-0", 1);

  private static MemberSample ok(String name) {
    return replica(name, 1, 8 * KIB);
  }

  private static MemberSample lagging(String name, long bytes) {
    return replica(name, 1, bytes);
  }

  /**
   * pg-1 serving (on the defaults), then on {@code policy} pg-2 just admitted (Ramping(0), 10 %).
   */
  private static GateDriver rampingPg2(GatePolicy policy) {
    GateDriver d = new GateDriver(DEFAULTS);
    d.tick(LEADER, ok("pg-1"));
    for (long dt : new long[] {10, 30, 30, 30}) {
      d.advanceSeconds(dt).tick(LEADER, ok("pg-1"));
    }
    assertThat(d.phase("pg-1")).isEqualTo(Phase.SERVING);
    d.policy(policy);
    d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
    d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"));
    assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
    assertThat(d.replica("pg-2").step()).isZero();
    return d;
  }

  private static StepResult both(GateDriver d) {
    return d.tick(LEADER, ok("pg-1"), ok("pg-2"));
  }

  @Nested
  class Hold {

    @Test
    void aHeldReplicaKeepsItsStepThroughManyStepIntervalsAndGoesOnWhenResumed() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.advanceSeconds(30);
      both(d);
      assertThat(d.replica("pg-2").step()).isEqualTo(1);

      d.act(ActionVerb.HOLD, "pg-2");
      StepResult held = both(d);
      assertThat(d.replica("pg-2").control().held()).isTrue();
      assertThat(d.lastAction().applied()).isTrue();
      assertThat(d.lastAction().message()).isEqualTo("held at ramp step 1 (25%)");
      assertThat(held.plan().transitions())
          .extracting(Transition::kind)
          .containsExactly(Transition.Kind.ACTION_APPLIED);
      for (int i = 0; i < 10; i++) {
        d.advanceSeconds(30);
        both(d);
        assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
        assertThat(d.replica("pg-2").step()).isEqualTo(1);
        assertThat(d.replica("pg-2").waitingFor()).isEqualTo("resume (held)");
      }

      d.act(ActionVerb.RESUME, "pg-2");
      both(d);
      assertThat(d.lastAction().message()).isEqualTo("resumed: no longer held");
      // The step timer ran all along: the next step is due at once.
      assertThat(d.replica("pg-2").step()).isEqualTo(2);
    }

    @Test
    void ejectionStillAppliesToAHeldReplica() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.HOLD, "pg-2");
      both(d);
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), lagging("pg-2", 20 * MIB));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isZero();
      // Still held once back: it stays at weight 0 after stableFor, waiting for a resume.
      d.advanceSeconds(1);
      both(d);
      d.advanceSeconds(11);
      both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-2").waitingFor()).isEqualTo("resume (held)");
    }

    @Test
    void otherReplicasGoOnWhileOneIsHeld() {
      GateDriver d = rampingPg2(DEFAULTS.toBuilder().maxRamping(2).build());
      d.act(ActionVerb.HOLD, "pg-2");
      both(d);
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.RAMPING);
      for (int i = 0; i < 3; i++) {
        d.advanceSeconds(30).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      }
      assertThat(d.phase("pg-3")).isEqualTo(Phase.SERVING);
      assertThat(d.replica("pg-2").step()).isZero();
    }
  }

  @Nested
  class Promote {

    @Test
    void promoteGivesAFullShareInTheSameTick() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.PROMOTE, "pg-2");
      StepResult r = both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.SERVING);
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isEqualTo(50);
      assertThat(r.plan().transitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.kind()).isEqualTo(Transition.Kind.ACTION_APPLIED);
                assertThat(t.from()).isEqualTo(Phase.RAMPING);
                assertThat(t.to()).isEqualTo(Phase.SERVING);
                assertThat(t.reason())
                    .isEqualTo("promote by alice: promoted at ramp step 0 (10%) to a full share");
              });
    }

    @Test
    void onlyThePromoteItselfIsATransitionToServing() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.PROMOTE, "pg-2").act(ActionVerb.HOLD, "pg-2");
      StepResult r = both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.SERVING);
      assertThat(r.plan().transitions())
          .extracting(Transition::reason, Transition::to)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "promote by alice: promoted at ramp step 0 (10%) to a full share", Phase.SERVING),
              org.assertj.core.groups.Tuple.tuple(
                  "hold by alice: held at ramp step 0 (10%)", Phase.RAMPING));
    }

    @Test
    void aReplicaOverAdmissionMaxLagIsNotPromotedAndTheRefusalSaysWhy() {
      GateDriver d = rampingPg2(DEFAULTS);
      // 4 MiB: over admission (1 MiB), under ejection (16 MiB): it keeps ramping.
      d.act(ActionVerb.PROMOTE, "pg-2");
      StepResult r = d.tick(LEADER, ok("pg-1"), lagging("pg-2", 4 * MIB));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isEqualTo(9);
      ActionRecord refused = d.lastAction();
      assertThat(refused.applied()).isFalse();
      assertThat(refused.message())
          .isEqualTo("refused: lag 4 MiB > 1 MiB, not within admission limits");
      assertThat(r.plan().transitions())
          .extracting(Transition::kind)
          .containsExactly(Transition.Kind.ACTION_REFUSED);
    }

    @Test
    void aGatedReplicaStillCatchingUpIsNotPromoted() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), lagging("pg-3", 1L << 30));
      d.act(ActionVerb.PROMOTE, "pg-3");
      d.tick(LEADER, ok("pg-1"), ok("pg-2"), lagging("pg-3", 1L << 30));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      assertThat(d.lastAction().message()).startsWith("refused: lag 1 GiB > 1 MiB");
    }

    @Test
    void aCaughtUpGatedReplicaIsPromotedWithoutWaitingForStableFor() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
      d.act(ActionVerb.PROMOTE, "pg-3");
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"), ok("pg-3"));
      assertThat(d.phase("pg-3")).isEqualTo(Phase.SERVING);
    }

    @Test
    void nothingIsPromotedWithoutALeader() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.PROMOTE, "pg-2");
      d.tick(Samples.timeout("pg-0"), ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.lastAction().message())
          .isEqualTo("refused: no single leader: its lag cannot be judged");
    }
  }

  @Nested
  class Abort {

    @Test
    void abortTakesTheWeightToZeroAtOnceAndKeepsItThereUntilResume() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.advanceSeconds(30);
      both(d);
      d.act(ActionVerb.ABORT, "pg-2");
      StepResult r = both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isZero();
      assertThat(r.plan().transitions())
          .extracting(Transition::kind)
          .containsExactly(Transition.Kind.ACTION_APPLIED, Transition.Kind.EJECTED);
      for (int i = 0; i < 10; i++) {
        d.advanceSeconds(30);
        StepResult later = both(d);
        assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
        assertThat(later.plan().route().orElseThrow().weightOf("pg-2")).isZero();
        assertThat(d.replica("pg-2").waitingFor()).isEqualTo("resume (aborted)");
      }

      d.act(ActionVerb.RESUME, "pg-2");
      both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
      d.advanceSeconds(10);
      both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-2").step()).isZero();
    }

    @Test
    void abortAppliesWhileNoLeaderIsKnown() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.ABORT, "pg-2");
      StepResult r = d.tick(Samples.timeout("pg-0"), ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isZero();
      assertThat(r.plan().route().orElseThrow().weightOf("pg-1")).isEqualTo(100);
    }

    @Test
    void holdIsRefusedForAnAbortedReplica() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.ABORT, "pg-2").act(ActionVerb.HOLD, "pg-2");
      both(d);
      assertThat(d.state().actions())
          .extracting(ActionRecord::action, ActionRecord::applied)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("abort", true),
              org.assertj.core.groups.Tuple.tuple("hold", false));
    }
  }

  @Nested
  class Approve {

    private final GatePolicy approval = DEFAULTS.toBuilder().requireApproval(true).build();

    @Test
    void noReplicaGetsItsFirstReadsWithoutAnApproval() {
      GateDriver d = new GateDriver(approval);
      d.tick(LEADER, ok("pg-1"));
      for (int i = 0; i < 10; i++) {
        d.advanceSeconds(30).tick(LEADER, ok("pg-1"));
        assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
        assertThat(d.replica("pg-1").waitingFor()).isEqualTo("approval");
        assertThat(d.replica("pg-1").reason()).endsWith(", waiting for approval");
      }
      d.act(ActionVerb.APPROVE, "pg-1");
      d.tick(LEADER, ok("pg-1"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-1").control().approved()).isFalse();
    }

    @Test
    void anApprovalIsForOneReplicaAndIsUsedUp() {
      GateDriver d = new GateDriver(approval);
      d.tick(LEADER, ok("pg-1"), ok("pg-2"));
      d.act(ActionVerb.APPROVE, "pg-1");
      d.advanceSeconds(10).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.RAMPING);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
      // Ejected and back: a new approval is needed.
      d.advanceSeconds(1).tick(LEADER, lagging("pg-1", 20 * MIB), ok("pg-2"));
      d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      d.advanceSeconds(20).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      assertThat(d.replica("pg-1").waitingFor()).isEqualTo("approval");
    }

    @Test
    void aPauseStepHoldsTheRampUntilApproved() {
      GateDriver d = rampingPg2(DEFAULTS.toBuilder().pauseAt(List.of(25)).build());
      d.advanceSeconds(30);
      both(d);
      assertThat(d.replica("pg-2").step()).isEqualTo(1);
      for (int i = 0; i < 5; i++) {
        d.advanceSeconds(30);
        both(d);
        assertThat(d.replica("pg-2").step()).isEqualTo(1);
        assertThat(d.replica("pg-2").waitingFor()).isEqualTo("approval to leave 25%");
      }
      d.act(ActionVerb.APPROVE, "pg-2");
      both(d);
      assertThat(d.lastAction().message()).isEqualTo("approved: may leave ramp step 1 (25%)");
      assertThat(d.replica("pg-2").step()).isEqualTo(2);
      assertThat(d.replica("pg-2").control().approved()).isFalse();
    }

    @Test
    void approveIsRefusedWhereThereIsNothingToApprove() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.APPROVE, "pg-2");
      both(d);
      assertThat(d.lastAction().message())
          .isEqualTo(
              "refused: the gate has no approval points (admission.requireApproval,"
                  + " ramp.pauseAt)");
      assertThat(d.replica("pg-2").control().approved()).isFalse();
    }
  }

  @Nested
  class Analysis {

    private final GatePolicy analysed =
        DEFAULTS.toBuilder()
            .analysis(
                new GatePolicy.Analysis(List.of("latency"), 3, GatePolicy.OnFailure.STEP_BACK))
            .build();

    private Map<String, Map<String, CheckVerdict>> verdict(
        boolean passed, Instant at, int failures) {
      String reason = passed ? "latency: 0.1 < 0.25" : "latency: 0.4, needs < 0.25";
      return Map.of("pg-2", Map.of("latency", new CheckVerdict(passed, at, reason, failures)));
    }

    @Test
    void aPassingCheckLetsTheRampAdvance() {
      GateDriver d = rampingPg2(analysed);
      d.checks(verdict(true, d.now().plusSeconds(5), 0));
      d.advanceSeconds(30);
      both(d);
      assertThat(d.replica("pg-2").step()).isEqualTo(1);
    }

    @Test
    void withoutAResultInTheCurrentStepTheRampWaits() {
      GateDriver d = rampingPg2(analysed);
      // A pass from before the step began says nothing about it.
      d.checks(verdict(true, d.now().minusSeconds(1), 0));
      d.advanceSeconds(30);
      both(d);
      assertThat(d.replica("pg-2").step()).isZero();
      assertThat(d.replica("pg-2").waitingFor())
          .isEqualTo("check latency: its first result in this step");
    }

    @Test
    void aFailingCheckHoldsAndTheLimitStepsBackWithAnEvent() {
      GateDriver d = rampingPg2(analysed);
      d.advanceSeconds(30);
      d.checks(verdict(true, d.now(), 0));
      both(d);
      assertThat(d.replica("pg-2").step()).isEqualTo(1);
      Instant stepStart = d.now();

      d.checks(verdict(false, stepStart.plusSeconds(10), 2));
      d.advanceSeconds(30);
      both(d);
      assertThat(d.replica("pg-2").step()).isEqualTo(1);
      assertThat(d.replica("pg-2").waitingFor())
          .isEqualTo("check latency to pass (2 of 3 failures): latency: 0.4, needs < 0.25");

      d.checks(verdict(false, d.now(), 3));
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.replica("pg-2").step()).isZero();
      assertThat(d.replica("pg-2").stepSince()).isEqualTo(d.now());
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isEqualTo(9);
      assertThat(r.plan().transitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.kind()).isEqualTo(Transition.Kind.ANALYSIS_FAILED);
                assertThat(t.reason())
                    .isEqualTo(
                        "check latency failed 3 times in a row (latency: 0.4, needs < 0.25):"
                            + " back to ramp step 0 (10%)");
              });
    }

    @Test
    void withOnFailureAbortTheReplicaStaysOutUntilResumed() {
      GateDriver d =
          rampingPg2(
              analysed.toBuilder()
                  .analysis(
                      new GatePolicy.Analysis(List.of("latency"), 1, GatePolicy.OnFailure.ABORT))
                  .build());
      d.checks(verdict(false, d.now(), 1));
      StepResult r = d.advanceSeconds(1).tick(LEADER, ok("pg-1"), ok("pg-2"));
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      assertThat(d.replica("pg-2").control().aborted()).isTrue();
      assertThat(r.plan().route().orElseThrow().weightOf("pg-2")).isZero();
      d.checks(Map.of());
      d.advanceSeconds(60);
      both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
      d.act(ActionVerb.RESUME, "pg-2");
      both(d);
      assertThat(d.phase("pg-2")).isEqualTo(Phase.GATED);
    }

    @Test
    void aHeldReplicaIsNotSteppedBack() {
      GateDriver d = rampingPg2(analysed);
      d.act(ActionVerb.HOLD, "pg-2");
      d.checks(verdict(false, d.now(), 5));
      d.advanceSeconds(1);
      both(d);
      assertThat(d.replica("pg-2").stepSince()).isBefore(d.now());
    }
  }

  @Nested
  class Requests {

    @Test
    void actionsForTheLeaderOrForNoReplicaAreRefused() {
      GateDriver d = rampingPg2(DEFAULTS);
      d.act(ActionVerb.HOLD, "pg-0").act(ActionVerb.ABORT, "pg-9");
      StepResult r = both(d);
      assertThat(d.state().actions())
          .extracting(ActionRecord::message)
          .containsExactly(
              "refused: pg-0 is the leader: only replicas are gated",
              "refused: no replica pg-9 here");
      assertThat(r.plan().transitions())
          .extracting(Transition::kind)
          .containsOnly(Transition.Kind.ACTION_REFUSED);
    }

    @Test
    void theStateKeepsTheLatestActionsOnly() {
      GateDriver d = rampingPg2(DEFAULTS);
      for (int i = 0; i < 30; i++) {
        d.act(i % 2 == 0 ? ActionVerb.HOLD : ActionVerb.RESUME, "pg-2");
        both(d);
      }
      assertThat(d.state().actions()).hasSize(GateState.MAX_ACTIONS);
      assertThat(d.lastAction().id()).isEqualTo("a29");
    }
  }
}
