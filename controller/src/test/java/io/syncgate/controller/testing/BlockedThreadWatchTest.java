package io.syncgate.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The watch must be able to fail: a deliberately blocked event loop is reported. */
class BlockedThreadWatchTest {

  private final BlockedThreadWatch watch = new BlockedThreadWatch();
  private Vertx vertx;

  private final Logger checkerLog =
      (Logger) LoggerFactory.getLogger(BlockedThreadWatch.CHECKER_LOGGER);

  @BeforeEach
  void setUp() {
    watch.start();
    // The warnings provoked here are expected: keep them out of the build's console.
    checkerLog.setAdditive(false);
    vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
    watch.stop();
    checkerLog.setAdditive(true);
  }

  @Test
  void reportsAnEventLoopBusyBeyondItsBudget() {
    vertx.runOnContext(
        v -> {
          // Busy on purpose, twice the 200 ms budget: exactly what production code must never do.
          long until = System.nanoTime() + 400_000_000L;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        });

    Await.until("a blocked-thread warning", () -> !watch.warnings().isEmpty());
    assertThat(watch.warnings().get(0)).contains("has been blocked for");
  }

  @Test
  void staysQuietWhenTheEventLoopIsNotBlocked() {
    Await.result(vertx.executeBlocking(() -> "done on a worker"));
    Await.result(vertx.getOrCreateContext().<Void>executeBlocking(() -> null));

    assertThat(watch.warnings()).isEmpty();
  }
}
