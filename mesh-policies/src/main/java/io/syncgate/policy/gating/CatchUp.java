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
 * <p>The window keeps every pairwise slope of its samples sorted, and {@link #with} carries them
 * over: it takes out the slopes of the samples it drops and merges in those of the new one, which
 * is linear in the number of slopes, so {@link #estimate} reads the median instead of selecting it
 * from all n(n-1)/2 slopes again. A gate estimates every replica on every tick, and selecting was
 * the largest single cost of a tick (a profile of {@code syncgate bench} at 1,000 members). Two
 * windows are equal when their samples are.
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

  public static final CatchUp EMPTY = new CatchUp(List.of(), new double[0]);

  /** The lag samples, oldest first. */
  private final List<Sample> samples;

  /** Every slope between two samples, in {@link Double#compare} order. */
  private final double[] sortedSlopes;

  /** Takes both as they are: {@code samples} unmodifiable, neither shared with anyone else. */
  private CatchUp(List<Sample> samples, double[] sortedSlopes) {
    this.samples = samples;
    this.sortedSlopes = sortedSlopes;
  }

  /** The lag samples, oldest first. */
  public List<Sample> samples() {
    return samples;
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
    if (!samples.isEmpty() && !at.isAfter(samples.get(samples.size() - 1).at())) {
      return this;
    }
    Instant oldest = at.minus(WINDOW);
    // Samples are oldest first, so what goes is always a prefix: too old, then too many.
    int dropped = 0;
    while (dropped < samples.size() && samples.get(dropped).at().isBefore(oldest)) {
      dropped++;
    }
    dropped = Math.max(dropped, samples.size() + 1 - MAX_SAMPLES);
    Sample added = new Sample(at, lagBytes);
    List<Sample> kept = new ArrayList<>(samples.size() - dropped + 1);
    kept.addAll(samples.subList(dropped, samples.size()));
    double[] removed = new double[pairsWithin(samples.size()) - pairsWithin(kept.size())];
    int r = 0;
    for (int i = 0; i < dropped; i++) {
      for (int j = i + 1; j < samples.size(); j++) {
        removed[r++] = slope(samples.get(i), samples.get(j));
      }
    }
    double[] joined = new double[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      joined[i] = slope(kept.get(i), added);
    }
    kept.add(added);
    Arrays.sort(removed);
    Arrays.sort(joined);
    double[] merged = replace(sortedSlopes, removed, joined);
    // kept was built here for this window only: wrapped, not copied a second time.
    return new CatchUp(
        Collections.unmodifiableList(kept), merged != null ? merged : allSlopesSorted(kept));
  }

  /**
   * The sorted {@code slopes} less {@code removed} (sorted, each taken out once) plus {@code added}
   * (sorted), still sorted; null if a removed value is not there, which cannot happen while every
   * slope is computed by {@link #slope}: the caller then starts over from the samples.
   */
  static double[] replace(double[] slopes, double[] removed, double[] added) {
    double[] out = new double[slopes.length - removed.length + added.length];
    int o = 0;
    int r = 0;
    int a = 0;
    int kept = 0;
    for (double v : slopes) {
      if (r < removed.length && Double.compare(removed[r], v) == 0) {
        r++;
        continue;
      }
      if (r < removed.length && Double.compare(removed[r], v) < 0) {
        return null;
      }
      if (++kept > slopes.length - removed.length) {
        return null; // more kept than can be: a removed value was not there
      }
      while (a < added.length && Double.compare(added[a], v) < 0) {
        out[o++] = added[a++];
      }
      out[o++] = v;
    }
    if (r != removed.length) {
      return null;
    }
    while (a < added.length) {
      out[o++] = added[a++];
    }
    return out;
  }

  /** Every slope between two of {@code samples}, sorted. */
  private static double[] allSlopesSorted(List<Sample> samples) {
    double[] slopes = new double[pairsWithin(samples.size())];
    int k = 0;
    for (int i = 0; i < samples.size(); i++) {
      for (int j = i + 1; j < samples.size(); j++) {
        slopes[k++] = slope(samples.get(i), samples.get(j));
      }
    }
    Arrays.sort(slopes);
    return slopes;
  }

  private static int pairsWithin(int n) {
    return n * (n - 1) / 2;
  }

  /**
   * How fast the lag grew from {@code earlier} to {@code later}, bytes per second. The same two
   * samples always give the same bits, which {@link #replace} relies on to take a slope out.
   */
  static double slope(Sample earlier, Sample later) {
    long nanos =
        (later.at().getEpochSecond() - earlier.at().getEpochSecond()) * 1_000_000_000L
            + (later.at().getNano() - earlier.at().getNano());
    return ((double) later.lagBytes() - (double) earlier.lagBytes()) / (nanos / 1e9);
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
    int count = sortedSlopes.length;
    int mid = count / 2;
    double growth =
        count % 2 == 1 ? sortedSlopes[mid] : (sortedSlopes[mid - 1] + sortedSlopes[mid]) / 2;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof CatchUp other && samples.equals(other.samples);
  }

  @Override
  public int hashCode() {
    return samples.hashCode();
  }

  @Override
  public String toString() {
    return "CatchUp[samples=" + samples + "]";
  }
}
