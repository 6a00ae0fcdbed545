package io.syncgate.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The watch must be able to fail: a deliberately blocked event loop is reported. */
class BlockedThreadWatchTest {

  // The warnings provoked here are expected: captured, but kept out of the build's console.
  private final BlockedThreadWatch watch = BlockedThreadWatch.quiet();
  private final Logger checkerLog =
      (Logger) LoggerFactory.getLogger(BlockedThreadWatch.CHECKER_LOGGER);
  // Stands beside the console appender on the root logger: sees what the console would print.
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> console = new ListAppender<>();
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    console.start();
    root.addAppender(console);
    watch.start();
    vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
    watch.stop();
    root.detachAppender(console);
    assertThat(checkerLog.isAdditive()).as("the checker's logger restored").isTrue();
  }

  @Test
  void reportsAnEventLoopBusyBeyondItsBudget() {
    vertx.runOnContext(
        v -> {
          // Busy on purpose, twice the 200 ms budget: exactly what production code must never do.
          long until = System.nanoTime() + 800_000_000L;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        });

    Await.until("a blocked-thread warning", () -> !watch.warnings().isEmpty());
    assertThat(watch.warnings().get(0)).contains("has been blocked for");
    synchronized (console) {
      assertThat(console.list)
          .as("the provoked warnings kept off the console")
          .noneMatch(e -> e.getLoggerName().equals(BlockedThreadWatch.CHECKER_LOGGER));
    }
  }

  @Test
  void staysQuietWhenTheEventLoopIsNotBlocked() {
    Await.result(vertx.executeBlocking(() -> "done on a worker"));
    Await.result(vertx.getOrCreateContext().<Void>executeBlocking(() -> null));

    assertThat(watch.warnings()).isEmpty();
  }
}
