package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatchUpTest {

  private static final long GB = 1L << 30;
  private static final long MB = 1L << 20;

  // The seed scenario: 2 GB behind, replaying 100 MB/s while the leader writes 20 MB/s.
  private final CatchUp seed = new CatchUp(40 * GB, 2 * GB, 100 * MB, 20 * MB);

  @Test
  void startsWithTheBacklog() {
    CatchUp.Positions p = seed.at(Duration.ZERO);

    assertThat(p.leaderLocation()).isEqualTo(40 * GB);
    assertThat(p.replayedLocation()).isEqualTo(38 * GB);
    assertThat(p.lagBytes()).isEqualTo(2 * GB);
  }

  @Test
  void gapClosesAtTheDifferenceOfTheRates() {
    CatchUp.Positions p = seed.at(Duration.ofSeconds(10));

    assertThat(p.leaderLocation()).isEqualTo(40 * GB + 200 * MB);
    assertThat(p.lagBytes()).isEqualTo(2 * GB - 800 * MB);
    assertThat(p.replayedLocation()).isEqualTo(38 * GB + 1000 * MB);
  }

  @Test
  void catchesUpAfterBacklogOverRateDifferenceThenFollowsTheLeader() {
    // 2048 MB / 80 MB/s = 25.6 s
    assertThat(seed.caughtUpAfter()).contains(Duration.ofMillis(25_600));
    assertThat(seed.at(Duration.ofMillis(25_599)).lagBytes()).isPositive();
    assertThat(seed.at(Duration.ofMillis(25_600)).lagBytes()).isZero();

    CatchUp.Positions later = seed.at(Duration.ofSeconds(60));
    assertThat(later.lagBytes()).isZero();
    assertThat(later.replayedLocation()).isEqualTo(40 * GB + 1200 * MB);
  }

  @Test
  void fractionsOfASecondCountInWholeBytes() {
    CatchUp slow = new CatchUp(1000, 100, 3, 0);

    assertThat(slow.at(Duration.ofMillis(500)).replayedLocation()).isEqualTo(901); // 1.5 -> 1
    assertThat(slow.caughtUpAfter()).contains(Duration.ofNanos(33_333_333_334L)); // 100/3 s, up
  }

  @Test
  void neverCatchesUpWhenReplayIsNoFasterThanWrites() {
    CatchUp behind = new CatchUp(10 * GB, GB, 20 * MB, 20 * MB);

    assertThat(behind.caughtUpAfter()).isEmpty();
    assertThat(behind.at(Duration.ofHours(1)).lagBytes()).isEqualTo(GB);
    assertThat(new CatchUp(10 * GB, GB, 10 * MB, 20 * MB).at(Duration.ofSeconds(10)).lagBytes())
        .isEqualTo(GB + 100 * MB);
  }

  @Test
  void noBacklogStaysCaughtUpWhileReplayKeepsPace() {
    CatchUp none = new CatchUp(5 * GB, 0, 20 * MB, 20 * MB);

    assertThat(none.caughtUpAfter()).contains(Duration.ZERO);
    assertThat(none.at(Duration.ofSeconds(3)).lagBytes()).isZero();
    assertThat(none.at(Duration.ofSeconds(3)).replayedLocation()).isEqualTo(5 * GB + 60 * MB);
  }

  @Test
  void noBacklogFallsBehindWhenReplayIsSlowerThanWrites() {
    CatchUp slow = new CatchUp(5 * GB, 0, 5 * MB, 20 * MB);

    assertThat(slow.caughtUpAfter()).contains(Duration.ZERO);
    assertThat(slow.at(Duration.ofSeconds(3)).lagBytes()).isEqualTo(45 * MB);
  }

  @Test
  void rejectsImpossibleInputs() {
    assertThatThrownBy(() -> new CatchUp(10, 11, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backlogBytes (11) cannot exceed leaderStart (10)");
    assertThatThrownBy(() -> new CatchUp(10, 1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("catchUpBytesPerSecond must be >= 0");
    assertThatThrownBy(() -> seed.at(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("elapsed must not be negative");
  }
}
