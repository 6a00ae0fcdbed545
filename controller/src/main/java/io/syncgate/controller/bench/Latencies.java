package io.syncgate.controller.bench;

import java.util.Arrays;

/**
 * A growing list of durations in nanoseconds, safe to add to from any thread, summarised as
 * nearest-rank percentiles.
 */
final class Latencies {

  /** Count, p50, p99 and max in milliseconds; the figures are NaN when there are none. */
  record Summary(int count, double p50Millis, double p99Millis, double maxMillis) {}

  private long[] values = new long[1024];
  private int size;

  synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  synchronized void clear() {
    size = 0;
  }

  synchronized int count() {
    return size;
  }

  synchronized Summary summary() {
    return summarise(Arrays.copyOf(values, size));
  }

  /** Nearest-rank percentiles of {@code nanos} (which is sorted in place). */
  static Summary summarise(long[] nanos) {
    if (nanos.length == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN);
    }
    Arrays.sort(nanos);
    return new Summary(
        nanos.length,
        nanos[rank(0.50, nanos.length)] / 1e6,
        nanos[rank(0.99, nanos.length)] / 1e6,
        nanos[nanos.length - 1] / 1e6);
  }

  /** The index of the nearest-rank percentile {@code p} among {@code n} sorted values. */
  static int rank(double p, int n) {
    return Math.max(0, (int) Math.ceil(p * n) - 1);
  }
}
