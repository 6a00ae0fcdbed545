package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link CatchUp}: the rate and ETA from a window of lag samples. */
class CatchUpTest {

  private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
  private static final long MIB = 1L << 20;
  private static final long LIMIT = MIB;

  /** {@code n} samples a second apart, the lag falling by {@code perSecond} from {@code start}. */
  private static CatchUp linear(int n, long start, long perSecond) {
    CatchUp c = CatchUp.EMPTY;
    for (int i = 0; i < n; i++) {
      c = c.with(T0.plusSeconds(i), start - perSecond * i);
    }
    return c;
  }

  @Test
  void aSteadyCatchUpGivesItsRateAndTheTimeToTheLimit() {
    CatchUp c = linear(10, 1000 * MIB, 100 * MIB);
    CatchUp.Estimate e = c.estimate(LIMIT);
    assertThat(e.trend()).isEqualTo(CatchUp.Trend.CATCHING_UP);
    assertThat(e.bytesPerSecond()).isCloseTo(100.0 * MIB, within(1.0));
    // At 9 s the lag is 100 MiB: 99 MiB more to go at 100 MiB/s.
    assertThat(e.eta()).isEqualTo(Duration.ofMillis(990));
  }

  @Test
  void aPlateauIsFlatWithNoEta() {
    CatchUp.Estimate e = linear(10, 500 * MIB, 0).estimate(LIMIT);
    assertThat(e.trend()).isEqualTo(CatchUp.Trend.FLAT);
    assertThat(e.eta()).isNull();
  }

  @Test
  void aGrowingLagIsFallingBehindWithNoEta() {
    CatchUp.Estimate e = linear(10, 10 * MIB, -5 * MIB).estimate(LIMIT);
    assertThat(e.trend()).isEqualTo(CatchUp.Trend.FALLING_BEHIND);
    assertThat(e.bytesPerSecond()).isCloseTo(-5.0 * MIB, within(1.0));
    assertThat(e.eta()).isNull();
  }

  @Test
  void withinTheLimitTheEtaIsZero() {
    assertThat(linear(5, 8 * 1024, 0).estimate(LIMIT).eta()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aSingleOutlierDoesNotMoveTheRate() {
    CatchUp c = CatchUp.EMPTY;
    for (int i = 0; i < 10; i++) {
      long lag = 1000 * MIB - 100 * MIB * i;
      c = c.with(T0.plusSeconds(i), i == 6 ? 50_000 * MIB : lag);
    }
    assertThat(c.estimate(LIMIT).bytesPerSecond()).isCloseTo(100.0 * MIB, within(1.0));
  }

  @Test
  void tooFewOrTooCloseSamplesGiveNoEstimate() {
    assertThat(linear(2, 100 * MIB, MIB).estimate(LIMIT)).isNull();
    CatchUp close =
        CatchUp.EMPTY
            .with(T0, 3 * MIB)
            .with(T0.plusMillis(100), 2 * MIB)
            .with(T0.plusMillis(200), MIB);
    assertThat(close.estimate(LIMIT)).isNull();
  }

  @Test
  void oldSamplesLeaveTheWindowAndASampleNotAfterTheNewestIsIgnored() {
    CatchUp c = linear(40, 4000 * MIB, 10 * MIB);
    assertThat(c.samples()).hasSize(CatchUp.MAX_SAMPLES);
    CatchUp later = c.with(T0.plusSeconds(100), 0);
    assertThat(later.samples()).hasSize(1);
    assertThat(later.with(T0.plusSeconds(100), 5)).isSameAs(later);
    assertThat(later.with(T0.plusSeconds(99), 5)).isSameAs(later);
  }

  /** Any steady slope is found exactly, with one outlier of any size anywhere in the window. */
  @Property(tries = 300)
  void theRateOfASteadySeriesSurvivesOneOutlier(
      @ForAll @IntRange(min = 5, max = 30) int n,
      @ForAll @LongRange(min = -200, max = 200) long mibPerSecond,
      @ForAll @IntRange(min = 0, max = 29) int outlierIndex,
      @ForAll @LongRange(min = 0, max = 1L << 40) long outlier) {
    long start = 100_000 * MIB;
    CatchUp c = CatchUp.EMPTY;
    for (int i = 0; i < n; i++) {
      long lag = start - mibPerSecond * MIB * i;
      c = c.with(T0.plusSeconds(i), i == outlierIndex % n ? outlier : lag);
    }
    assertThat(c.estimate(LIMIT).bytesPerSecond())
        .isCloseTo((double) mibPerSecond * MIB, within(1e-3 * MIB));
  }
}
