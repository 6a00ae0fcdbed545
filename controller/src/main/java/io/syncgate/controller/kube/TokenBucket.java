package io.syncgate.controller.kube;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket on the times it is given: holds at most {@code capacity} tokens, starts full, and
 * earns one every {@code interval}. Not thread-safe.
 *
 * <p>Times come from the caller's clock, which may be a wall clock: a time earlier than the last
 * one seen (the clock was set back) earns nothing and restarts the interval from there, so a step
 * back never grants tokens; a step forward grants at most a full bucket.
 */
final class TokenBucket {

  private final int capacity;
  private final Duration interval;
  private int tokens;
  private Instant earnedUpTo;

  TokenBucket(int capacity, Duration interval, Instant now) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.capacity = capacity;
    this.interval = interval;
    this.tokens = capacity;
    this.earnedUpTo = now;
  }

  /** Takes a token if there is one at {@code now}. */
  boolean tryTake(Instant now) {
    refill(now);
    if (tokens == 0) {
      return false;
    }
    tokens--;
    return true;
  }

  /** The tokens there are at {@code now}. */
  int tokens(Instant now) {
    refill(now);
    return tokens;
  }

  private void refill(Instant now) {
    if (now.isBefore(earnedUpTo)) {
      earnedUpTo = now;
      return;
    }
    long earned = Duration.between(earnedUpTo, now).dividedBy(interval);
    if (earned == 0) {
      return;
    }
    if (earned >= capacity - tokens) {
      tokens = capacity;
      earnedUpTo = now;
    } else {
      tokens += (int) earned;
      earnedUpTo = earnedUpTo.plus(interval.multipliedBy(earned));
    }
  }
}
