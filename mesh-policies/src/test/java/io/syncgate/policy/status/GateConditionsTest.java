package io.syncgate.policy.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.syncgate.policy.status.GateConditions.Desired;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateConditionsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T16:00:00.250Z");
  private static final Instant T1 = T0.plusSeconds(30);

  @Test
  void newConditionsGetTheTimeOfTheirFirstStatusAndTheGeneration() {
    List<Condition> merged =
        GateConditions.merge(
            List.of(),
            List.of(
                Desired.isTrue(GateConditions.READY, "Reconciled", "mesh in sync"),
                Desired.isFalse(GateConditions.DEGRADED, "LeaderKnown", "leader a")),
            4L,
            T0);

    assertThat(merged)
        .extracting(
            Condition::getType,
            Condition::getStatus,
            Condition::getReason,
            Condition::getLastTransitionTime,
            Condition::getObservedGeneration)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Ready", "True", "Reconciled", "2026-11-28T16:00:00Z", 4L),
            org.assertj.core.groups.Tuple.tuple(
                "Degraded", "False", "LeaderKnown", "2026-11-28T16:00:00Z", 4L));
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusFlips() {
    List<Condition> first =
        GateConditions.merge(
            List.of(),
            List.of(
                Desired.isTrue(GateConditions.READY, "Reconciled", "3 serving"),
                Desired.isFalse(GateConditions.DEGRADED, "LeaderKnown", "")),
            1L,
            T0);
    List<Condition> second =
        GateConditions.merge(
            first,
            List.of(
                Desired.isTrue(GateConditions.READY, "Reconciled", "2 serving, 1 ramping"),
                Desired.isTrue(GateConditions.DEGRADED, "LeaderUnknown", "no leader answered")),
            2L,
            T1);

    Condition ready = GateConditions.find(second, GateConditions.READY);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-28T16:00:00Z");
    assertThat(ready.getMessage()).isEqualTo("2 serving, 1 ramping");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    Condition degraded = GateConditions.find(second, GateConditions.DEGRADED);
    assertThat(degraded.getLastTransitionTime()).isEqualTo("2026-11-28T16:00:30Z");
    assertThat(GateConditions.isTrue(second, GateConditions.DEGRADED)).isTrue();
  }

  @Test
  void conditionsNotDecidedNowAreKeptAndAllAreListedInTheUsualOrder() {
    List<Condition> before =
        GateConditions.merge(
            List.of(),
            List.of(
                Desired.isTrue(GateConditions.CONFLICT, "NotManagedBySyncgate", "foreign"),
                Desired.isFalse(GateConditions.DEGRADED, "LeaderKnown", "")),
            1L,
            T0);
    List<Condition> after =
        GateConditions.merge(
            before,
            List.of(
                Desired.isTrue(GateConditions.INVALID_SPEC, "ValidationFailed", "spec.x: bad"),
                Desired.isFalse(GateConditions.READY, "InvalidSpec", "spec.x: bad")),
            2L,
            T1);

    assertThat(after)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Degraded", "InvalidSpec", "Conflict");
    assertThat(GateConditions.find(after, GateConditions.CONFLICT).getObservedGeneration())
        .isEqualTo(1L);
  }
}
