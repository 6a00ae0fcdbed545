package io.syncgate.controller.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Proves that {@link StrictVertx} would catch a blocked event loop, so its "none" means none. */
class StrictVertxIT {

  @Test
  void aBlockedEventLoopIsReported() throws Exception {
    try (StrictVertx strict = new StrictVertx()) {
      strict
          .vertx()
          .runOnContext(
              v -> {
                // Deliberately hog the event loop past the allowed time.
                long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
                while (System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
              });
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (strict.blockedThreadWarnings().isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(strict.blockedThreadWarnings()).isNotEmpty();
    }
  }
}
