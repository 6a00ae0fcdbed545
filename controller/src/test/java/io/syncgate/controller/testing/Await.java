package io.syncgate.controller.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in tests, on the test thread (never on an event loop), always with a deadline. Tests poll
 * for a condition instead of sleeping: they wait exactly as long as the system under test needs,
 * and fail with a message when it never gets there.
 */
public final class Await {

  /** How long a wait may take before the test fails, unless the call names its own deadline. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private Await() {}

  /** The future's result within {@link #TIMEOUT}; its failure is rethrown as is or wrapped. */
  public static <T> T result(Future<T> future) {
    return result(future, TIMEOUT);
  }

  /**
   * Runs {@code action} on {@code context} (where the code under test keeps its state) and waits up
   * to 5 s for the future it returns.
   */
  public static <T> T onContext(Context context, Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return result(done.future(), Duration.ofSeconds(5));
  }

  /** The future's result within {@code timeout}; its failure is rethrown as is or wrapped. */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The future's failure; fails the test if it succeeds instead. */
  public static Throwable failure(Future<?> future) {
    try {
      future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("no outcome within " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    throw new AssertionError("expected a failure, got success");
  }

  /** Returns once {@code condition} holds; fails with {@code what} after {@link #TIMEOUT}. */
  public static void until(String what, BooleanSupplier condition) {
    until(TIMEOUT, what, condition);
  }

  /** Returns once {@code condition} holds; fails with {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, what, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * Like {@link #until(Duration, String, BooleanSupplier)}, returning the value that satisfied
   * {@code done} and naming the last value observed in the failure message.
   */
  public static <T> T until(Duration timeout, String what, Supplier<T> observe, Predicate<T> done) {
    return until(timeout, POLL_INTERVAL, what, observe, done);
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
      pause(interval, what);
      last = observe.get();
    }
    return last;
  }

  private static void pause(Duration interval, String what) {
    try {
      // The polling interval of a wait loop, not a stand-in for synchronisation.
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }
}
