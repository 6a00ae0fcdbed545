package io.syncgate.controller.kube;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, checking it every few milliseconds. Tests use it instead
 * of sleeping: they wait exactly as long as the system under test needs, and fail with a message
 * when it never gets there.
 */
public final class Poll {

  private static final long INTERVAL_MILLIS = 20;

  private Poll() {}

  /** Returns once {@code condition} holds; fails with {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      pause();
    }
  }

  /**
   * Like {@link #until(Duration, String, BooleanSupplier)}, with the last observed value in the
   * failure message.
   */
  public static <T> T until(
      Duration timeout, String what, Supplier<T> observe, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = observe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      pause();
      last = observe.get();
    }
    return last;
  }

  private static void pause() {
    try {
      // The polling interval of a wait loop, not a stand-in for synchronisation.
      Thread.sleep(INTERVAL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
