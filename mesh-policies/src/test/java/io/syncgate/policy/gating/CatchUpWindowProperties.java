package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The window gives, at every step, the samples and the estimate that a list of samples and a sort
 * of every slope between them give: samples dropped for age and for number, repeated lags (equal
 * slopes), samples at the same time (ignored), gaps longer than the window.
 */
class CatchUpWindowProperties {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  @Property(tries = 1000)
  void theCarriedWindowEstimatesAsOneComputedAfresh(
      @ForAll @Size(min = 1, max = 90) List<@IntRange(min = 0, max = 40) Integer> stepsTenths,
      @ForAll @Size(min = 90, max = 90) List<@LongRange(min = 0, max = 4) Long> lagUnits,
      @ForAll @IntRange(min = 0, max = 2) int lagScale,
      @ForAll @LongRange(min = 0, max = 1L << 30) long limit) {
    // Few distinct lags (equal slopes), small ones, and large ones with sub-second steps.
    long unit = new long[] {1, 1 << 20, 1L << 34}[lagScale];
    CatchUp window = CatchUp.EMPTY;
    CatchUp.Estimate previous = null;
    List<CatchUp.Sample> reference = new ArrayList<>();
    Instant at = T0;
    for (int i = 0; i < stepsTenths.size(); i++) {
      // A step of 0 repeats the time (ignored); 40 tenths of 10 s each can outrun the window.
      at = at.plusMillis(stepsTenths.get(i) * (i % 7 == 0 ? 1000L : 250L));
      long lag = lagUnits.get(i) * unit + (i % 3 == 0 ? i : 0);
      window = window.with(at, lag);
      reference = referenceWith(reference, at, lag);

      assertThat(window.samples()).isEqualTo(reference);
      CatchUp.Estimate expected = referenceEstimate(reference, limit);
      assertThat(window.estimate(limit)).isEqualTo(expected);
      // As the gating step asks: with the last tick's estimate as where to look first.
      assertThat(window.estimate(limit, previous)).isEqualTo(expected);
      previous = expected;
    }
  }

  /**
   * Where the median is looked for first changes nothing: a hint a few ranks from it on either side
   * (the values nearest it kept), exactly on a run of equal values, between two values, far off
   * (the fallback), or not a number at all.
   */
  @Property(tries = 3000)
  void theMedianIsTheSameWhereverItIsLookedForFirst(
      @ForAll @Size(min = 1, max = 435) List<@IntRange(min = -40, max = 40) Integer> values,
      @ForAll @IntRange(min = 0, max = 2) int scale,
      @ForAll @IntRange(min = -2 * CatchUp.NEAREST, max = 2 * CatchUp.NEAREST) int rankOffset,
      @ForAll @IntRange(min = 0, max = 5) int hintKind) {
    double[] slopes = slopes(values, scale);
    double[] sorted = slopes.clone();
    Arrays.sort(sorted);
    double atRank =
        sorted[Math.max(0, Math.min(sorted.length - 1, sorted.length / 2 + rankOffset))];
    double hint =
        switch (hintKind) {
          case 0 -> atRank;
          case 1 -> Math.nextUp(atRank);
          case 2 -> Math.nextDown(atRank);
          case 3 -> -0.0 * atRank;
          case 4 -> rankOffset % 2 == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
          default -> rankOffset * 1e300;
        };
    double expected = CatchUp.median(slopes.clone(), slopes.length);

    double[] hinted = slopes.clone();
    double actual = CatchUp.median(hinted, hinted.length, hint);

    // Bit for bit: a median of 0 must not come back as -0.0.
    assertThat(Double.doubleToRawLongBits(actual)).isEqualTo(Double.doubleToRawLongBits(expected));
  }

  @Property(tries = 1000)
  void theMedianIsTheOneSortingGives(
      @ForAll @Size(min = 1, max = 435) List<@IntRange(min = -5, max = 5) Integer> values,
      @ForAll @IntRange(min = 0, max = 2) int scale) {
    double[] slopes = slopes(values, scale);
    double[] sorted = slopes.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    double expected = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;

    assertThat(CatchUp.median(slopes, slopes.length)).isEqualTo(expected);
  }

  @Example
  void aSampleCenturiesLaterStartsTheWindowOverAndOneBeforeItIsIgnored() {
    CatchUp window = CatchUp.EMPTY.with(T0, 5).with(T0.plusSeconds(1), 4);
    Instant later = T0.plus(Duration.ofDays(365L * 500));

    CatchUp after = window.with(later, 3);

    assertThat(after.samples()).containsExactly(new CatchUp.Sample(later, 3));
    assertThat(after.with(Instant.MIN, 1)).isSameAs(after);
    assertThat(after.with(later, 1)).isSameAs(after);
    assertThat(window.with(Instant.MAX, 2).samples())
        .containsExactly(new CatchUp.Sample(Instant.MAX, 2));
  }

  @Example
  void windowsWithTheSameSamplesAreEqualHoweverTheyCameAbout() {
    CatchUp direct = CatchUp.EMPTY.with(T0.plusSeconds(40), 7).with(T0.plusSeconds(41), 6);
    CatchUp throughOlder =
        CatchUp.EMPTY.with(T0, 9).with(T0.plusSeconds(40), 7).with(T0.plusSeconds(41), 6);

    assertThat(throughOlder).isEqualTo(direct).hasSameHashCodeAs(direct);
    assertThat(throughOlder.with(T0.plusSeconds(42), 5)).isNotEqualTo(direct);
  }

  /**
   * Slopes from small integers: few distinct values (many equal ones), whole or in quarters, or
   * apart by less than a double's step at 1e18.
   */
  private static double[] slopes(List<Integer> values, int scale) {
    double[] slopes = new double[values.size()];
    for (int i = 0; i < slopes.length; i++) {
      slopes[i] = new double[] {1, 0.25, 1e18}[scale] * values.get(i) + (scale == 2 ? i : 0);
    }
    return slopes;
  }

  /** The window as a list of samples. */
  private static List<CatchUp.Sample> referenceWith(
      List<CatchUp.Sample> samples, Instant at, long lag) {
    if (!samples.isEmpty() && !at.isAfter(samples.get(samples.size() - 1).at())) {
      return samples;
    }
    List<CatchUp.Sample> kept = new ArrayList<>();
    for (CatchUp.Sample s : samples) {
      if (!s.at().isBefore(at.minus(CatchUp.WINDOW))) {
        kept.add(s);
      }
    }
    kept.add(new CatchUp.Sample(at, lag));
    return kept.size() > CatchUp.MAX_SAMPLES
        ? new ArrayList<>(kept.subList(kept.size() - CatchUp.MAX_SAMPLES, kept.size()))
        : kept;
  }

  /** The estimate from every slope, sorted: the middle one or two. */
  private static CatchUp.Estimate referenceEstimate(List<CatchUp.Sample> samples, long limit) {
    int n = samples.size();
    if (n < CatchUp.MIN_SAMPLES
        || Duration.between(samples.get(0).at(), samples.get(n - 1).at()).toMillis() < 1000) {
      return null;
    }
    long[] nanos = new long[n];
    for (int i = 1; i < n; i++) {
      nanos[i] = Duration.between(samples.get(0).at(), samples.get(i).at()).toNanos();
    }
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      double lagI = samples.get(i).lagBytes();
      for (int j = i + 1; j < n; j++) {
        slopes[k++] = (samples.get(j).lagBytes() - lagI) / ((nanos[j] - nanos[i]) / 1e9);
      }
    }
    Arrays.sort(slopes);
    int mid = k / 2;
    double rate = -(k % 2 == 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2);
    CatchUp.Trend trend =
        rate > CatchUp.FLAT_BYTES_PER_SECOND
            ? CatchUp.Trend.CATCHING_UP
            : rate < -CatchUp.FLAT_BYTES_PER_SECOND
                ? CatchUp.Trend.FALLING_BEHIND
                : CatchUp.Trend.FLAT;
    long newest = samples.get(n - 1).lagBytes();
    Duration eta =
        newest <= limit
            ? Duration.ZERO
            : trend == CatchUp.Trend.CATCHING_UP
                ? Duration.ofMillis(
                    (long) Math.ceil(Math.min((newest - limit) / rate, 1e12) * 1000))
                : null;
    return new CatchUp.Estimate(rate, trend, eta);
  }
}
