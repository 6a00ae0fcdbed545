package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TickClockTest {

  private final TestClock clocks = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final TickClock clock = new TickClock(clocks, clocks::nanoTime);

  @Test
  void theMonotonicTimeIgnoresStepsOfTheWallClock() {
    Instant before = clock.monotonic();
    clocks.jumpWall(Duration.ofHours(-1));
    clocks.advance(Duration.ofSeconds(2));

    assertThat(clock.monotonic()).isEqualTo(before.plusSeconds(2));
  }

  @Test
  void writtenTimesDoNotWobbleWithSlewingButFollowAStep() {
    Instant first = clock.monotonic();
    Duration offset = Duration.between(first, clock.wallFor(first));

    // NTP slews the wall clock by a few milliseconds: the offset in use stays.
    clocks.jumpWall(Duration.ofMillis(3));
    clocks.advance(Duration.ofSeconds(1));
    Instant second = clock.monotonic();
    assertThat(Duration.between(second, clock.wallFor(second))).isEqualTo(offset);

    // The wall clock is set an hour forward: written times follow it.
    clocks.jumpWall(Duration.ofHours(1));
    Instant third = clock.monotonic();
    assertThat(clock.wallFor(third)).isEqualTo(clocks.instant());
  }
}
