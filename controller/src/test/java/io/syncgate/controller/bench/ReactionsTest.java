package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReactionsTest {

  private static final long MS = 1_000_000L;

  private final Reactions reactions = new Reactions();

  @Test
  void anEjectionIsReflectedByTheFirstLaterWriteWithWeightZero() {
    reactions.flipped("g", flip(Reactions.Direction.EJECT, "g-2", 1000 * MS));

    reactions.written("g", Map.of("g-1", 0, "g-2", 0), 900 * MS); // before the flip
    reactions.written("g", Map.of("g-1", 50, "g-2", 50), 1100 * MS); // not reflecting it
    assertThat(reactions.isPending("g", "g-2")).isTrue();
    reactions.written("g", Map.of("g-1", 100, "g-2", 0), 1300 * MS);

    assertThat(reactions.isPending("g", "g-2")).isFalse();
    assertThat(reactions.summary(Reactions.Direction.EJECT))
        .isEqualTo(new Latencies.Summary(1, 300.0, 300.0, 300.0));
    assertThat(reactions.missed(Reactions.Direction.EJECT)).isZero();
    assertThat(reactions.takeEjected().replicaName()).isEqualTo("g-2");
    assertThat(reactions.takeEjected()).isNull();
  }

  @Test
  void anAdmissionIsReflectedByAWeightAboveZeroOnlyInItsOwnGate() {
    reactions.flipped("g", flip(Reactions.Direction.ADMIT, "g-2", 0));

    reactions.written("other", Map.of("g-2", 100), 10 * MS);
    reactions.written("g", Map.of("g-1", 100), 20 * MS); // absent means weight 0
    assertThat(reactions.pendingCount()).isEqualTo(1);
    assertThat(reactions.missed(Reactions.Direction.ADMIT)).isEqualTo(1);
    reactions.written("g", Map.of("g-1", 67, "g-2", 33), 40 * MS);

    assertThat(reactions.pendingCount()).isZero();
    assertThat(reactions.summary(Reactions.Direction.ADMIT).maxMillis()).isEqualTo(40.0);
    assertThat(reactions.takeEjected()).isNull();
  }

  @Test
  void forgettingReturnsEveryReplicaLeftLaggingAndMeasuresNothingOfBefore() {
    reactions.flipped("g", flip(Reactions.Direction.EJECT, "g-2", 0));
    reactions.written("g", Map.of("g-1", 100, "g-2", 0), 100 * MS); // g-2 ejected
    reactions.flipped("g", flip(Reactions.Direction.EJECT, "g-3", 200 * MS)); // not yet
    reactions.flipped("h", flip(Reactions.Direction.ADMIT, "h-2", 300 * MS)); // caught up

    assertThat(reactions.forget())
        .extracting(Reactions.Flip::replicaName)
        .containsExactlyInAnyOrder("g-2", "g-3");

    assertThat(reactions.pendingCount()).isZero();
    assertThat(reactions.takeEjected()).isNull();
    assertThat(reactions.summary(Reactions.Direction.EJECT).count()).isZero();
    assertThat(reactions.forget()).isEmpty();
  }

  private static Reactions.Flip flip(Reactions.Direction direction, String replica, long nanos) {
    return new Reactions.Flip(direction, 0, 2, replica, nanos);
  }
}
