package io.syncgate.policy.gating;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How fast a replica's replay lag shrinks, and when it will be within a limit: the slope of its
 * recent lag samples by the Theil–Sen estimator (the median of the slopes between every two
 * samples), which a single outlier (a late answer, a burst of writes on the leader) cannot move
 * much, unlike a least-squares fit.
 *
 * <p>Pure and immutable: {@link #with} returns a new window. Samples older than {@link #WINDOW} are
 * dropped, at most {@link #MAX_SAMPLES} are kept (the slopes are quadratic in their number), and a
 * sample at or before the newest one is ignored, so replaying a step changes nothing.
 *
 * @param samples the lag samples, oldest first
 */
public record CatchUp(List<Sample> samples) {

  /** How far back the estimate looks. */
  public static final Duration WINDOW = Duration.ofSeconds(30);

  /** At most this many samples are kept; older ones go first. */
  public static final int MAX_SAMPLES = 30;

  /** Fewer samples than this give no estimate. */
  public static final int MIN_SAMPLES = 3;

  /** Slopes smaller than this (bytes per second, either way) read as flat. */
  public static final double FLAT_BYTES_PER_SECOND = 64 * 1024;

  public static final CatchUp EMPTY = new CatchUp(List.of());

  /** One lag sample: when, and how many bytes behind. */
  public record Sample(Instant at, long lagBytes) {
    public Sample {
      Objects.requireNonNull(at, "at");
    }
  }

  /** Which way the lag goes. */
  public enum Trend {
    /** The lag shrinks faster than {@link #FLAT_BYTES_PER_SECOND}. */
    CATCHING_UP,
    /** Neither way by more than {@link #FLAT_BYTES_PER_SECOND}. */
    FLAT,
    /** The lag grows faster than {@link #FLAT_BYTES_PER_SECOND}. */
    FALLING_BEHIND
  }

  /**
   * What the window says.
   *
   * @param bytesPerSecond how fast the lag shrinks (negative: it grows)
   * @param trend which way it goes
   * @param eta when the lag will be at or under the limit at this rate, from the newest sample;
   *     zero when it is already, null when it will not get there at this rate
   */
  public record Estimate(double bytesPerSecond, Trend trend, Duration eta) {}

  public CatchUp {
    samples = List.copyOf(samples);
  }

  /** This window with {@code lagBytes} at {@code at}, less what is now too old or too many. */
  public CatchUp with(Instant at, long lagBytes) {
    if (!samples.isEmpty() && !at.isAfter(samples.get(samples.size() - 1).at())) {
      return this;
    }
    Instant oldest = at.minus(WINDOW);
    List<Sample> kept = new ArrayList<>(MAX_SAMPLES);
    for (Sample s : samples) {
      if (!s.at().isBefore(oldest)) {
        kept.add(s);
      }
    }
    kept.add(new Sample(at, lagBytes));
    if (kept.size() > MAX_SAMPLES) {
      kept = kept.subList(kept.size() - MAX_SAMPLES, kept.size());
    }
    return new CatchUp(kept);
  }

  /**
   * The estimate, or null with fewer than {@link #MIN_SAMPLES} samples spanning at least a second.
   *
   * @param limitBytes the lag the ETA is to (admission.maxLag)
   */
  public Estimate estimate(long limitBytes) {
    int n = samples.size();
    if (n < MIN_SAMPLES) {
      return null;
    }
    Instant first = samples.get(0).at();
    Sample newest = samples.get(n - 1);
    if (Duration.between(first, newest.at()).compareTo(Duration.ofSeconds(1)) < 0) {
      return null;
    }
    // Times as nanoseconds since the first sample, once: this runs for every replica on every
    // tick, and a Duration per pair of samples was most of its cost.
    long[] nanos = new long[n];
    for (int i = 1; i < n; i++) {
      nanos[i] = Duration.between(first, samples.get(i).at()).toNanos();
    }
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      double lagI = samples.get(i).lagBytes();
      for (int j = i + 1; j < n; j++) {
        double dt = (nanos[j] - nanos[i]) / 1e9;
        slopes[k++] = (samples.get(j).lagBytes() - lagI) / dt;
      }
    }
    double growth = median(slopes, k);
    double rate = -growth;
    Trend trend =
        rate > FLAT_BYTES_PER_SECOND
            ? Trend.CATCHING_UP
            : rate < -FLAT_BYTES_PER_SECOND ? Trend.FALLING_BEHIND : Trend.FLAT;
    Duration eta;
    if (newest.lagBytes() <= limitBytes) {
      eta = Duration.ZERO;
    } else if (trend == Trend.CATCHING_UP) {
      double secondsLeft = (newest.lagBytes() - limitBytes) / rate;
      eta = Duration.ofMillis((long) Math.ceil(Math.min(secondsLeft, 1e12) * 1000));
    } else {
      eta = null;
    }
    return new Estimate(rate, trend, eta);
  }

  /**
   * The median of the first {@code count} values, which it reorders: quickselect, linear on
   * average, where sorting all n(n-1)/2 slopes was the largest cost of a gate's tick at 1,000
   * members (a profile of {@code syncgate bench}); the same value as sorting gives.
   */
  static double median(double[] values, int count) {
    int mid = count / 2;
    double upper = select(values, count, mid);
    if (count % 2 == 1) {
      return upper;
    }
    // After select, every value left of mid is at most values[mid]: the lower middle is their max.
    double lower = values[0];
    for (int i = 1; i < mid; i++) {
      lower = Math.max(lower, values[i]);
    }
    return (lower + upper) / 2;
  }

  /** Puts the k-th smallest of the first {@code count} values at index k and returns it. */
  private static double select(double[] a, int count, int k) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      // Median of three as the pivot: samples often come sorted already.
      int m = (lo + hi) >>> 1;
      if (a[m] < a[lo]) {
        swap(a, m, lo);
      }
      if (a[hi] < a[lo]) {
        swap(a, hi, lo);
      }
      if (a[hi] < a[m]) {
        swap(a, hi, m);
      }
      double pivot = a[m];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        break;
      }
    }
    return a[k];
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
