package io.syncgate.controller.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The controller's own metrics registry, which also keeps every tick duration it records ({@code
 * syncgate.tick}), so the benchmark can give exact percentiles over its window instead of reading
 * them off the histogram's coarse buckets.
 */
final class TickTimes extends PrometheusMeterRegistry {

  /** The timer {@code SyncgateMetrics#recordTick} records into. */
  static final String TICK_TIMER = "syncgate.tick";

  private final Latencies ticks = new Latencies();

  TickTimes() {
    super(PrometheusConfig.DEFAULT);
  }

  /** The tick durations recorded since the last {@link Latencies#clear()}. */
  Latencies ticks() {
    return ticks;
  }

  @Override
  protected Timer newTimer(
      Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
    Timer timer = super.newTimer(id, config, pauseDetector);
    return TICK_TIMER.equals(id.getName()) ? new KeepingTimer(timer, ticks) : timer;
  }

  /** Records into the registry's timer and keeps each duration. */
  private static final class KeepingTimer implements Timer {
    private final Timer timer;
    private final Latencies kept;

    KeepingTimer(Timer timer, Latencies kept) {
      this.timer = timer;
      this.kept = kept;
    }

    @Override
    public void record(long amount, TimeUnit unit) {
      kept.add(unit.toNanos(amount));
      timer.record(amount, unit);
    }

    @Override
    public <T> T record(Supplier<T> f) {
      long start = System.nanoTime();
      try {
        return f.get();
      } finally {
        record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public <T> T recordCallable(Callable<T> f) throws Exception {
      long start = System.nanoTime();
      try {
        return f.call();
      } finally {
        record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void record(Runnable f) {
      long start = System.nanoTime();
      try {
        f.run();
      } finally {
        record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public long count() {
      return timer.count();
    }

    @Override
    public double totalTime(TimeUnit unit) {
      return timer.totalTime(unit);
    }

    @Override
    public double max(TimeUnit unit) {
      return timer.max(unit);
    }

    @Override
    public TimeUnit baseTimeUnit() {
      return timer.baseTimeUnit();
    }

    @Override
    public HistogramSnapshot takeSnapshot() {
      return timer.takeSnapshot();
    }

    @Override
    public Meter.Id getId() {
      return timer.getId();
    }
  }
}
