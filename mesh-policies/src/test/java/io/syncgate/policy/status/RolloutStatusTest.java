package io.syncgate.policy.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionRecord;
import io.syncgate.policy.gating.GatePolicy;
import io.syncgate.policy.gating.GateRestore;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout part of a status: controls, waitingFor, the summary line and the last actions. */
class RolloutStatusTest {

  private static final Instant NOW = Instant.parse("2026-11-28T16:00:10Z");

  private static ReplicaState replica(
      String name, Phase phase, int step, ReplicaState.Control control, String waitingFor) {
    return new ReplicaState(
        name, phase, step, NOW, NOW, null, NOW, 0L, null, "r", control, waitingFor);
  }

  private static final Route ROUTE =
      new Route(
          List.of(
              new RouteDestination("pg-1", 60),
              new RouteDestination("pg-2", 40),
              new RouteDestination("pg-3", 0),
              new RouteDestination("pg-4", 0),
              new RouteDestination("pg-5", 0)));

  private static GateState state() {
    ReplicaState.Control none = ReplicaState.Control.NONE;
    return new GateState(
        Map.of(
            "pg-1", replica("pg-1", Phase.SERVING, 0, none, null),
            "pg-2",
                replica(
                    "pg-2",
                    Phase.RAMPING,
                    1,
                    none.withHeld(true).withApproved(true),
                    "resume (held)"),
            "pg-3", replica("pg-3", Phase.GATED, 0, none, "approval"),
            "pg-4", replica("pg-4", Phase.EJECTED, 0, none.withAborted(true), "resume (aborted)"),
            "pg-5", replica("pg-5", Phase.GATED, 0, none, "its turn (ramp.maxRamping)")),
        "pg-0",
        1L,
        Optional.of(ROUTE),
        List.of(
            new ActionRecord(
                "a1",
                "hold",
                "pg-2",
                "alice",
                Instant.parse("2026-11-28T16:00:09Z"),
                NOW.minusSeconds(100),
                true,
                "held at ramp step 1 (25%)")));
  }

  @Test
  void statusCarriesControlsWaitingForTheSummaryAndTheLastActions() {
    ReplicaGateStatus status =
        GateStatusBuilder.build(
            3L, state(), Optional.of(ROUTE), List.of(), Duration.ofSeconds(100), Map.of());
    ReplicaStatus pg2 = status.getReplicas().get(1);
    assertThat(pg2.getHeld()).isTrue();
    assertThat(pg2.getApproved()).isTrue();
    assertThat(pg2.getAborted()).isNull();
    assertThat(pg2.getWaitingFor()).isEqualTo("resume (held)");
    assertThat(status.getRollout())
        .isEqualTo(
            "1/5 serving; pg-2 ramping, weight 40, held; pg-3 awaits approval; pg-4 aborted;"
                + " +1 more");
    ActionStatus a = status.getLastActions().get(0);
    assertThat(a.getId()).isEqualTo("a1");
    assertThat(a.getResult()).isEqualTo(ActionStatus.APPLIED);
    assertThat(a.getRequestedAt()).isEqualTo("2026-11-28T16:00:09Z");
    // The gate's own clock is moved to wall time; the client's is not.
    assertThat(a.getAppliedAt()).isEqualTo("2026-11-28T16:00:10Z");
    assertThat(GateStatusBuilder.copy(status)).isEqualTo(status);
  }

  @Test
  void aRestartKeepsHoldsAbortsApprovalsAndTheActionsTaken() {
    Duration toWall = Duration.ofSeconds(100);
    ReplicaGateStatus status =
        GateStatusBuilder.build(3L, state(), Optional.of(ROUTE), List.of(), toWall, Map.of());
    GateState restored =
        GateRestore.restore(
            GateStatusBuilder.storedReplicas(status, toWall.negated()),
            GateStatusBuilder.storedActions(status, toWall.negated()),
            Optional.of(ROUTE),
            "pg-0",
            1L,
            GatePolicy.defaults(),
            NOW.plusSeconds(5));
    assertThat(restored.replicas().get("pg-2").control())
        .isEqualTo(new ReplicaState.Control(true, false, true));
    assertThat(restored.replicas().get("pg-4").control().aborted()).isTrue();
    assertThat(restored.replicas().get("pg-4").phase()).isEqualTo(Phase.EJECTED);
    assertThat(restored.recorded("a1")).isTrue();
    assertThat(restored.actions().get(0).appliedAt()).isEqualTo(NOW.minusSeconds(100));
  }

  @Test
  void anAbortedReplicaStaysOutAfterARestartWhateverPhaseStatusSays() {
    ReplicaGateStatus status =
        GateStatusBuilder.build(
            3L, state(), Optional.of(ROUTE), List.of(), Duration.ZERO, Map.of());
    status.getReplicas().get(3).setPhase("Serving");
    GateState restored =
        GateRestore.restore(
            GateStatusBuilder.storedReplicas(status),
            List.of(),
            Optional.empty(),
            "pg-0",
            1L,
            GatePolicy.defaults(),
            NOW);
    assertThat(restored.replicas().get("pg-4").phase()).isEqualTo(Phase.EJECTED);
  }

  @Test
  void timersInWaitingForAreFiguresButWhatItWaitsForIsSignificant() {
    ReplicaGateStatus a =
        GateStatusBuilder.build(
            3L, state(), Optional.of(ROUTE), List.of(), Duration.ZERO, Map.of());
    a.getReplicas().get(2).setWaitingFor("stableFor: 3s of 10s");
    ReplicaGateStatus b = GateStatusBuilder.copy(a);
    b.getReplicas().get(2).setWaitingFor("stableFor: 4.5s of 10s");
    assertThat(GateStatusBuilder.significantChange(a, b)).isFalse();
    b.getReplicas().get(2).setWaitingFor("approval");
    assertThat(GateStatusBuilder.significantChange(a, b)).as("what it waits for").isTrue();
    b.getReplicas().get(2).setWaitingFor("stableFor: 3s of 10s");
    b.getReplicas().get(2).setHeld(true);
    assertThat(GateStatusBuilder.significantChange(a, b)).isTrue();
  }
}
