package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class CatchUpProperties {

  @Property
  void replicaIsNeverAheadAndNeitherPositionMovesBack(
      @ForAll("catchUps") CatchUp model,
      @ForAll @LongRange(min = 0, max = 3_600_000_000_000L) long earlierNanos,
      @ForAll @LongRange(min = 0, max = 3_600_000_000_000L) long laterByNanos) {
    CatchUp.Positions earlier = model.at(Duration.ofNanos(earlierNanos));
    CatchUp.Positions later = model.at(Duration.ofNanos(earlierNanos + laterByNanos));

    assertThat(earlier.replayedLocation()).isLessThanOrEqualTo(earlier.leaderLocation());
    assertThat(later.replayedLocation()).isLessThanOrEqualTo(later.leaderLocation());
    assertThat(later.leaderLocation()).isGreaterThanOrEqualTo(earlier.leaderLocation());
    assertThat(later.replayedLocation()).isGreaterThanOrEqualTo(earlier.replayedLocation());
  }

  @Property
  void whenReplayIsFasterTheLagOnlyShrinksAndIsZeroFromTheCatchUpTimeOn(
      @ForAll("catchUps") CatchUp model,
      @ForAll @LongRange(min = 0, max = 3_600_000_000_000L) long earlierNanos,
      @ForAll @LongRange(min = 0, max = 3_600_000_000_000L) long laterByNanos) {
    if (model.catchUpBytesPerSecond() <= model.leaderWriteBytesPerSecond()) {
      assertThat(model.caughtUpAfter())
          .isEqualTo(model.backlogBytes() == 0 ? Optional.of(Duration.ZERO) : Optional.empty());
      return;
    }
    long earlierLag = model.at(Duration.ofNanos(earlierNanos)).lagBytes();
    long laterLag = model.at(Duration.ofNanos(earlierNanos + laterByNanos)).lagBytes();
    assertThat(laterLag).isLessThanOrEqualTo(earlierLag);

    Duration caughtUp = model.caughtUpAfter().orElseThrow();
    assertThat(model.at(caughtUp).lagBytes()).isZero();
    assertThat(model.at(caughtUp.plus(Duration.ofNanos(laterByNanos))).lagBytes()).isZero();
    if (!caughtUp.isZero()) {
      // caughtUpAfter() is the first such nanosecond: one earlier, a byte is still missing.
      assertThat(model.at(caughtUp.minusNanos(1)).lagBytes()).isPositive();
    }
  }

  @Provide
  Arbitrary<CatchUp> catchUps() {
    Arbitrary<Long> rates = Arbitraries.longs().between(0, 2L << 30);
    return Combinators.combine(
            Arbitraries.longs().between(0, 1L << 50),
            Arbitraries.longs().between(0, 1L << 40),
            rates,
            rates)
        .as(
            (start, backlog, catchUp, write) ->
                new CatchUp(start, Math.min(backlog, start), catchUp, write));
  }
}
