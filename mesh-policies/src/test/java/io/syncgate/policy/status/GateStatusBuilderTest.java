package io.syncgate.policy.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.Condition;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.GatePolicy;
import io.syncgate.policy.gating.GateRestore;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import io.syncgate.policy.gating.StoredReplica;
import io.syncgate.policy.status.GateConditions.Desired;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateStatusBuilderTest {

  private static final Instant NOW = Instant.parse("2026-11-28T16:00:10.123456Z");
  private static final Duration LAG_INTERVAL = Duration.ofSeconds(10);

  private static ReplicaState replica(
      String name, Phase phase, int step, Instant since, Long lag, String reason) {
    return new ReplicaState(name, phase, step, since, since, null, since, lag, 0.5, reason);
  }

  private static GateState state(long lagOfC, String reasonOfC) {
    return new GateState(
        Map.of(
            "a", replica("a", Phase.SERVING, 0, NOW.minusSeconds(100), 0L, "serving full share"),
            "b", replica("b", Phase.RAMPING, 1, NOW.minusSeconds(5), 4096L, "ramp step 1 (25%)"),
            "c", replica("c", Phase.GATED, 0, NOW.minusSeconds(1), lagOfC, reasonOfC)),
        "leader-0",
        3L,
        Optional.empty());
  }

  private static final Route ROUTE =
      new Route(
          List.of(
              new RouteDestination("a", 80),
              new RouteDestination("b", 20),
              new RouteDestination("c", 0)));

  private static List<Condition> ready(String message) {
    return GateConditions.merge(
        List.of(), List.of(Desired.isTrue(GateConditions.READY, "Reconciled", message)), 7L, NOW);
  }

  @Test
  void statusListsEveryReplicaWithPhaseWeightStepLagAndTheCounts() {
    ReplicaGateStatus status =
        GateStatusBuilder.build(
            7L, state(5L << 30, "lag 5 GiB > 1 MiB"), Optional.of(ROUTE), ready("ok"));

    assertThat(status.getObservedGeneration()).isEqualTo(7L);
    assertThat(status.getLeader()).isEqualTo("leader-0");
    assertThat(status.getTimeline()).isEqualTo(3L);
    assertThat(status.getServing()).isEqualTo(1);
    assertThat(status.getRamping()).isEqualTo(1);
    assertThat(status.getGated()).isEqualTo(1);
    assertThat(status.getReplicas())
        .extracting(
            ReplicaStatus::getName,
            ReplicaStatus::getPhase,
            ReplicaStatus::getWeight,
            ReplicaStatus::getStep,
            ReplicaStatus::getLagBytes)
        .containsExactly(
            tuple("a", "Serving", 80, null, 0L),
            tuple("b", "Ramping", 20, 1, 4096L),
            tuple("c", "Gated", 0, null, 5L << 30));
    assertThat(status.getReplicas().get(1).getSince()).isEqualTo("2026-11-28T16:00:05.123Z");
  }

  @Test
  void storedReplicasReadTheStatusBackForARestart() {
    ReplicaGateStatus status =
        GateStatusBuilder.build(7L, state(0L, "x"), Optional.of(ROUTE), ready("ok"));

    List<StoredReplica> stored = GateStatusBuilder.storedReplicas(status);

    assertThat(stored)
        .extracting(
            StoredReplica::name, StoredReplica::phase, StoredReplica::step, StoredReplica::weight)
        .containsExactly(
            tuple("a", Phase.SERVING, 0, 80),
            tuple("b", Phase.RAMPING, 1, 20),
            tuple("c", Phase.GATED, 0, 0));
    assertThat(stored.get(1).since()).isEqualTo(Instant.parse("2026-11-28T16:00:05.123Z"));
    // Restored from it, the same status comes out: a restart writes nothing.
    GateState restored =
        GateRestore.restore(stored, Optional.of(ROUTE), "leader-0", 3L, GatePolicy.defaults(), NOW);
    assertThat(restored.replicas().keySet()).containsExactly("a", "b", "c");
    assertThat(restored.replicas().get("b").phase()).isEqualTo(Phase.RAMPING);
    assertThat(restored.replicas().get("b").step()).isEqualTo(1);
  }

  @Test
  void storedReplicasSkipWhatCannotBeReadInsteadOfFailing() {
    ReplicaStatus noName = new ReplicaStatus();
    ReplicaStatus odd = new ReplicaStatus();
    odd.setName("odd");
    odd.setPhase("Sleeping");
    odd.setSince("yesterday");
    ReplicaGateStatus status = new ReplicaGateStatus();
    status.setReplicas(List.of(noName, odd));

    assertThat(GateStatusBuilder.storedReplicas(status))
        .containsExactly(new StoredReplica("odd", null, 0, null, null, null, null, null));
    assertThat(GateStatusBuilder.storedReplicas(null)).isEmpty();
  }

  @Test
  void aPhaseOrWeightChangeIsWrittenAtOnceLagFiguresAtMostEveryInterval() {
    ReplicaGateStatus written =
        GateStatusBuilder.build(
            7L, state(5L << 30, "lag 5 GiB > 1 MiB"), Optional.of(ROUTE), ready("ok"));
    ReplicaGateStatus lagOnly =
        GateStatusBuilder.build(
            7L, state(4L << 30, "lag 4 GiB > 1 MiB"), Optional.of(ROUTE), ready("ok"));
    ReplicaGateStatus messageOnly =
        GateStatusBuilder.build(
            7L, state(5L << 30, "lag 5 GiB > 1 MiB"), Optional.of(ROUTE), ready("other"));
    Route shifted =
        new Route(
            List.of(
                new RouteDestination("a", 70),
                new RouteDestination("b", 30),
                new RouteDestination("c", 0)));
    ReplicaGateStatus weightChange =
        GateStatusBuilder.build(
            7L, state(5L << 30, "lag 5 GiB > 1 MiB"), Optional.of(shifted), ready("ok"));

    Instant justWritten = NOW.minusSeconds(1);
    assertThat(
            GateStatusBuilder.writeDue(
                written, GateStatusBuilder.copy(written), justWritten, LAG_INTERVAL, NOW))
        .as("nothing changed")
        .isFalse();
    assertThat(GateStatusBuilder.writeDue(written, lagOnly, justWritten, LAG_INTERVAL, NOW))
        .as("lag figures 1 s after the last write")
        .isFalse();
    assertThat(GateStatusBuilder.writeDue(written, messageOnly, justWritten, LAG_INTERVAL, NOW))
        .as("a condition message 1 s after the last write")
        .isFalse();
    assertThat(
            GateStatusBuilder.writeDue(
                written, lagOnly, NOW.minus(LAG_INTERVAL), LAG_INTERVAL, NOW))
        .as("lag figures 10 s after the last write")
        .isTrue();
    assertThat(GateStatusBuilder.writeDue(written, weightChange, justWritten, LAG_INTERVAL, NOW))
        .as("a weight change")
        .isTrue();
    assertThat(GateStatusBuilder.writeDue(null, written, null, LAG_INTERVAL, NOW))
        .as("no status yet")
        .isTrue();
  }

  @Test
  void copyIsDeep() {
    ReplicaGateStatus status =
        GateStatusBuilder.build(7L, state(0L, "x"), Optional.of(ROUTE), ready("ok"));
    ReplicaGateStatus copy = GateStatusBuilder.copy(status);

    copy.getReplicas().get(0).setWeight(1);
    copy.getConditions().get(0).setStatus("False");

    assertThat(status.getReplicas().get(0).getWeight()).isEqualTo(80);
    assertThat(status.getConditions().get(0).getStatus()).isEqualTo("True");
  }
}
