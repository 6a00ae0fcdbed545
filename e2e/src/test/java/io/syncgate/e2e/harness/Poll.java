package io.syncgate.e2e.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, checking it every few tens of milliseconds: the test waits
 * as long as the real system needs and fails with what it last saw when it never gets there.
 */
public final class Poll {

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private Poll() {}

  /** Returns once {@code condition} holds; fails with {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, what, condition::getAsBoolean, Boolean::booleanValue);
  }

  /** Returns the first observed value that is {@code done}; fails with the last one seen. */
  public static <T> T until(Duration timeout, String what, Supplier<T> observe, Predicate<T> done) {
    return until(timeout, INTERVAL, what, observe, done);
  }

  /**
   * Like {@link #until(Duration, String, Supplier, Predicate)}, checking every {@code interval}
   * (short when the moment the condition starts to hold is itself measured).
   */
  public static <T> T until(
      Duration timeout, Duration interval, String what, Supplier<T> observe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = observe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      pause(interval);
      last = observe.get();
    }
    return last;
  }

  private static void pause(Duration interval) {
    try {
      // The polling interval of a wait loop, not a stand-in for synchronisation.
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
