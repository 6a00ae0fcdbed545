package io.syncgate.policy.gating;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
 * <p>A window is two small arrays of primitives, and {@link #estimate} computes the slopes into a
 * scratch array of its thread and selects their median there. Why not keep the slopes sorted from
 * one sample to the next, as this class once did: a gate carries a window for every replica from
 * one tick to the next, and the 435 sorted slopes of a full window (3.5 KB, copied on every tick)
 * lived just long enough to be copied by every young collection. At 10,000 members they were 94 %
 * of what the collector copied, and the collector a fifth of the controller's CPU (a profile of
 * {@code syncgate bench}); computing the slopes afresh costs less than carrying them. Two windows
 * are equal when their samples are.
 */
public final class CatchUp {

  /** How far back the estimate looks. */
  public static final Duration WINDOW = Duration.ofSeconds(30);

  /** At most this many samples are kept; older ones go first. */
  public static final int MAX_SAMPLES = 30;

  /** Fewer samples than this give no estimate. */
  public static final int MIN_SAMPLES = 3;

  /** Slopes smaller than this (bytes per second, either way) read as flat. */
  public static final double FLAT_BYTES_PER_SECOND = 64 * 1024;

  public static final CatchUp EMPTY = new CatchUp(null, new long[0], new long[0]);

  private static final long WINDOW_NANOS = WINDOW.toNanos();

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** At most this many values next to a hint are kept on each side of it (see {@link #median}). */
  static final int NEAREST = 2 * MAX_SAMPLES;

  /** The most slopes a window has: one for every two samples. */
  private static final int MAX_SLOPES = pairsWithin(MAX_SAMPLES);

  /** What {@link #estimate} works in: one set per thread, so nothing is allocated per call. */
  private static final class Scratch {
    /** The window's times and lags as doubles. */
    final double[] at = new double[MAX_SAMPLES];

    final double[] lag = new double[MAX_SAMPLES];

    final double[] slopes = new double[MAX_SLOPES];

    /** The slopes under the hint, then from {@code MAX_SLOPES} those over it. */
    final double[] split = new double[2 * MAX_SLOPES];

    /** The values nearest the hint that are kept: under it, then from {@code NEAREST} over it. */
    final double[] nearest = new double[2 * NEAREST];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The oldest sample's time, which the others are counted from; null without samples. */
  private final Instant origin;

  /** The samples' times, nanoseconds after {@link #origin}, oldest first (the first is 0). */
  private final long[] atNanos;

  /** The samples' lags in bytes, in the same order. */
  private final long[] lags;

  /** Takes the arrays as they are: made for this window, never shared with anyone else. */
  private CatchUp(Instant origin, long[] atNanos, long[] lags) {
    this.origin = origin;
    this.atNanos = atNanos;
    this.lags = lags;
  }

  /** The lag samples, oldest first. */
  public List<Sample> samples() {
    List<Sample> out = new ArrayList<>(lags.length);
    for (int i = 0; i < lags.length; i++) {
      out.add(new Sample(origin.plusNanos(atNanos[i]), lags[i]));
    }
    return Collections.unmodifiableList(out);
  }

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

  /** This window with {@code lagBytes} at {@code at}, less what is now too old or too many. */
  public CatchUp with(Instant at, long lagBytes) {
    Objects.requireNonNull(at, "at");
    int n = lags.length;
    // How long after the oldest sample the new one comes; saturated, so a gap of centuries is
    // merely longer than the window.
    long after = n == 0 ? 0 : nanosAfter(origin, at);
    if (n > 0 && after <= atNanos[n - 1]) {
      return this;
    }
    // Samples are oldest first, so what goes is always a prefix: too old, then too many.
    int dropped = 0;
    while (dropped < n && atNanos[dropped] < after - WINDOW_NANOS) {
      dropped++;
    }
    dropped = Math.max(dropped, n + 1 - MAX_SAMPLES);
    int kept = n - dropped;
    // Counted from the oldest sample kept, so every time fits in a long (the window is 30 s).
    Instant newOrigin = kept == 0 ? at : dropped == 0 ? origin : origin.plusNanos(atNanos[dropped]);
    long shift = kept == 0 ? 0 : atNanos[dropped];
    long[] times = new long[kept + 1];
    long[] values = new long[kept + 1];
    for (int i = 0; i < kept; i++) {
      times[i] = atNanos[dropped + i] - shift;
      values[i] = lags[dropped + i];
    }
    times[kept] = kept == 0 ? 0 : after - shift;
    values[kept] = lagBytes;
    return new CatchUp(newOrigin, times, values);
  }

  /**
   * Nanoseconds from {@code from} to {@code to}, saturated at a long's range (Instants span far
   * more).
   */
  private static long nanosAfter(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / NANOS_PER_SECOND - 1) {
      return Long.MAX_VALUE;
    }
    if (seconds <= Long.MIN_VALUE / NANOS_PER_SECOND + 1) {
      return Long.MIN_VALUE;
    }
    return seconds * NANOS_PER_SECOND + (to.getNano() - from.getNano());
  }

  private static int pairsWithin(int n) {
    return n * (n - 1) / 2;
  }

  /**
   * The estimate, or null with fewer than {@link #MIN_SAMPLES} samples spanning at least a second.
   *
   * @param limitBytes the lag the ETA is to (admission.maxLag)
   */
  public Estimate estimate(long limitBytes) {
    return estimate(limitBytes, null);
  }

  /**
   * The same estimate, found sooner when {@code previous}, the estimate of the window this one grew
   * from, is near it: its slope is where the median is looked for first. Any {@code previous}, or
   * null, gives the same result.
   *
   * @param limitBytes the lag the ETA is to (admission.maxLag)
   * @param previous the last tick's estimate of this replica, or null
   */
  public Estimate estimate(long limitBytes, Estimate previous) {
    int n = lags.length;
    if (n < MIN_SAMPLES || atNanos[n - 1] - atNanos[0] < NANOS_PER_SECOND) {
      return null;
    }
    Scratch scratch = SCRATCH.get();
    double[] slopes = scratch.slopes;
    // Times and lags as doubles first, so the inner loop is all double arithmetic, which the JIT
    // vectorizes. Same values: every time is under 2^53 ns (the window spans 30 s), so it and the
    // difference of two are exact as doubles, as (double) lag[j] - (double) lag[i] always was.
    double[] at = scratch.at;
    double[] lag = scratch.lag;
    for (int i = 0; i < n; i++) {
      at[i] = atNanos[i];
      lag[i] = lags[i];
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
      double atI = at[i];
      double lagI = lag[i];
      int base = count - i - 1;
      for (int j = i + 1; j < n; j++) {
        slopes[base + j] = (lag[j] - lagI) / ((at[j] - atI) / 1e9);
      }
      count += n - i - 1;
    }
    double rate =
        -(previous == null
            ? median(slopes, count)
            : median(slopes, count, -previous.bytesPerSecond()));
    Trend trend =
        rate > FLAT_BYTES_PER_SECOND
            ? Trend.CATCHING_UP
            : rate < -FLAT_BYTES_PER_SECOND ? Trend.FALLING_BEHIND : Trend.FLAT;
    long newest = lags[n - 1];
    Duration eta;
    if (newest <= limitBytes) {
      eta = Duration.ZERO;
    } else if (trend == Trend.CATCHING_UP) {
      double secondsLeft = (newest - limitBytes) / rate;
      eta = Duration.ofMillis((long) Math.ceil(Math.min(secondsLeft, 1e12) * 1000));
    } else {
      eta = null;
    }
    return new Estimate(rate, trend, eta);
  }

  /**
   * The median of the first {@code count} values, as {@link #median(double[], int)} gives it,
   * looked for first next to {@code near}.
   *
   * <p>Why: one tick's window differs from the last tick's by a sample in and one out, which moves
   * at most {@code MAX_SAMPLES - 1} slopes past the last median, so the median is among the few
   * values nearest the last one. One pass splits the values into those under {@code near} and those
   * over it, a second keeps the few nearest on the median's side, and neither branches on where a
   * value lies (quickselect's partitions, on values in no order, mispredict about every other
   * comparison). With quickselect alone the estimate was 15 % of the controller's CPU at 10,000
   * members, 8 % with this ({@code syncgate bench}, {@code perf}), before the slopes were computed
   * in a loop the JIT vectorizes. When more than {@link #NEAREST} values would have to be kept, or
   * {@code near} is not a finite number, it falls back to quickselect.
   *
   * @param values finite numbers, never -0.0 (see {@link #ranked}); reordered only by the fallback
   */
  static double median(double[] values, int count, double near) {
    if (count == 0 || count > MAX_SLOPES || !Double.isFinite(near)) {
      return median(values, count);
    }
    Scratch scratch = SCRATCH.get();
    double[] split = scratch.split;
    int under = 0;
    int over = 0;
    for (int i = 0; i < count; i++) {
      double v = values[i];
      // Both stores always happen; only the counts decide which of them stay.
      split[under] = v;
      under += v < near ? 1 : 0;
      split[MAX_SLOPES + over] = v;
      over += v > near ? 1 : 0;
    }
    int atMost = count - over;
    // Sorted, ranks under..atMost-1 are the values equal to `near`, those below them the largest
    // under it and those above the smallest over it; the median's ranks are low..high.
    int high = count / 2;
    int low = count % 2 == 1 ? high : high - 1;
    int fromUnder = low < under ? under - low : 0;
    int fromOver = high >= atMost ? high - atMost + 1 : 0;
    if (fromUnder > NEAREST || fromOver > NEAREST) {
      return median(values, count);
    }
    double[] nearest = scratch.nearest;
    if (fromUnder > 0) {
      largest(split, 0, under, nearest, fromUnder);
    }
    if (fromOver > 0) {
      smallest(split, MAX_SLOPES, over, nearest, fromOver);
    }
    double lowValue = ranked(nearest, low, under, atMost, near);
    return low == high ? lowValue : (lowValue + ranked(nearest, high, under, atMost, near)) / 2;
  }

  /**
   * The value of rank {@code rank} from what {@link #median(double[], int, double)} kept. A value
   * equal to {@code near} is {@code near + 0.0}, bit for bit: slopes are never -0.0 (a difference
   * of equal lags is +0.0, and +0.0 over a positive time stays +0.0), and adding +0.0 turns only a
   * -0.0 into +0.0.
   */
  private static double ranked(double[] nearest, int rank, int under, int atMost, double near) {
    if (rank < under) {
      return nearest[under - 1 - rank];
    }
    return rank < atMost ? near + 0.0 : nearest[NEAREST + rank - atMost];
  }

  /**
   * Puts the {@code k} largest of {@code values[from..from+n)} into {@code out[0..k)}, largest
   * first.
   */
  private static void largest(double[] values, int from, int n, double[] out, int k) {
    Arrays.fill(out, 0, k, Double.NEGATIVE_INFINITY);
    for (int i = from; i < from + n; i++) {
      double v = values[i];
      if (v > out[k - 1]) {
        int j = k - 1;
        while (j > 0 && out[j - 1] < v) {
          out[j] = out[j - 1];
          j--;
        }
        out[j] = v;
      }
    }
  }

  /**
   * Puts the {@code k} smallest of {@code values[from..from+n)} into {@code out[NEAREST..NEAREST +
   * k)}, smallest first.
   */
  private static void smallest(double[] values, int from, int n, double[] out, int k) {
    int last = NEAREST + k - 1;
    Arrays.fill(out, NEAREST, last + 1, Double.POSITIVE_INFINITY);
    for (int i = from; i < from + n; i++) {
      double v = values[i];
      if (v < out[last]) {
        int j = last;
        while (j > NEAREST && out[j - 1] > v) {
          out[j] = out[j - 1];
          j--;
        }
        out[j] = v;
      }
    }
  }

  /**
   * The median of the first {@code count} values, which it reorders: quickselect, linear on
   * average; the same value as sorting them gives (the middle one, or the mean of the middle two).
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
      // Median of three as the pivot: slopes often come sorted already.
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

  @Override
  public boolean equals(Object o) {
    return o instanceof CatchUp other
        && Objects.equals(origin, other.origin)
        && Arrays.equals(atNanos, other.atNanos)
        && Arrays.equals(lags, other.lags);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Objects.hashCode(origin) + Arrays.hashCode(atNanos)) + Arrays.hashCode(lags);
  }

  @Override
  public String toString() {
    return "CatchUp[samples=" + samples() + "]";
  }
}
