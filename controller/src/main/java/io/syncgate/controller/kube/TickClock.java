package io.syncgate.controller.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The two times a gate lives by. Every duration the controller measures (stableFor, stepInterval,
 * unreachableFor, the status lag interval, the watchdog) is measured on the monotonic clock, so a
 * step of the wall clock (NTP, a VM resumed, an operator's {@code date -s}) neither freezes a ramp
 * nor admits or ejects early. Wall time is only for what is written down and for comparing with
 * other machines' wall times (Patroni's {@code replayed_timestamp}).
 *
 * <p>The monotonic time is given as an {@link Instant}: the wall time when this clock was made plus
 * the monotonic time since, so the pure core keeps its {@code Instant now}.
 */
final class TickClock {

  private final Clock wall;
  private final LongSupplier nanoTime;
  private final Instant anchorWall;
  private final long anchorNanos;

  /** Wall minus monotonic, as last adopted; null before the first reading. */
  private Duration offset;

  /** How far the wall clock must move against the monotonic one to count as a step. */
  static final Duration STEP = Duration.ofMillis(100);

  /**
   * @param wall the wall clock
   * @param nanoTime a monotonic clock in nanoseconds, as {@link System#nanoTime()}
   */
  TickClock(Clock wall, LongSupplier nanoTime) {
    this.wall = wall;
    this.nanoTime = nanoTime;
    this.anchorWall = wall.instant();
    this.anchorNanos = nanoTime.getAsLong();
  }

  /** The system's clocks. */
  static TickClock system(Clock wall) {
    return new TickClock(wall, System::nanoTime);
  }

  /** Now on the monotonic clock, as an instant that never jumps. */
  Instant monotonic() {
    return anchorWall.plusNanos(nanoTime.getAsLong() - anchorNanos);
  }

  /**
   * The wall time of a monotonic instant: the instant plus an offset that moves only when the wall
   * clock stepped (by more than {@link #STEP}). Two clocks read a moment apart, and a wall clock
   * slewed by NTP, would otherwise make every written-down time wobble by a millisecond from one
   * tick to the next, and each wobble is a status write.
   */
  synchronized Instant wallFor(Instant monotonic) {
    Duration now = Duration.between(monotonic, wall.instant());
    if (offset == null || now.minus(offset).abs().compareTo(STEP) > 0) {
      offset = now;
    }
    return monotonic.plus(offset);
  }

  /** The monotonic clock in nanoseconds. */
  long nanoTime() {
    return nanoTime.getAsLong();
  }

  /**
   * What to add to a monotonic instant to get wall time now (changes when the wall clock steps).
   */
  static Duration toWall(Instant monotonic, Instant wall) {
    return Duration.between(monotonic, wall);
  }
}
