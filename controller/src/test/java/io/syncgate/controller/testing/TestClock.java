package io.syncgate.controller.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A wall clock and a monotonic clock the test moves by hand: {@link #advance} moves both, {@link
 * #jumpWall} only the wall clock (an NTP step, a VM resumed). Safe to read from any thread.
 */
public final class TestClock extends Clock {

  private volatile Instant now;
  private volatile long nanos;

  public TestClock(Instant start) {
    now = start;
  }

  /** Time passes. */
  public synchronized void advance(Duration by) {
    now = now.plus(by);
    nanos += by.toNanos();
  }

  /** The wall clock is set to another time; no time passes. */
  public synchronized void jumpWall(Duration by) {
    now = now.plus(by);
  }

  /** The monotonic clock, as {@link System#nanoTime()}. */
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
