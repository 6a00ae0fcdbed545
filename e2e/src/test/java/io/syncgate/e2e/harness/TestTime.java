package io.syncgate.e2e.harness;

/**
 * One monotonic time base for everything a scenario records (sampler ticks, VirtualService
 * versions), so records from different threads line up.
 */
public final class TestTime {

  private static final long BASE = System.nanoTime();

  private TestTime() {}

  /** Milliseconds since this JVM's first use of the time base. */
  public static long millis() {
    return (System.nanoTime() - BASE) / 1_000_000;
  }
}
