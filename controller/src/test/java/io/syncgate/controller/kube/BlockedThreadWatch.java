package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Collects Vert.x's blocked-thread warnings (its {@code BlockedThreadChecker} logs through SLF4J),
 * and the Vert.x options that make the checker strict: an event loop may run a task for at most
 * {@link #MAX_EVENT_LOOP_MILLIS}.
 */
public final class BlockedThreadWatch implements AutoCloseable {

  /** Far below Vert.x's 2 s default, so a blocking call on an event loop shows up. */
  public static final long MAX_EVENT_LOOP_MILLIS = 200;

  private static final String CHECKER = "io.vertx.core.impl.BlockedThreadChecker";

  private final Logger logger = (Logger) LoggerFactory.getLogger(CHECKER);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public BlockedThreadWatch() {
    appender.start();
    logger.addAppender(appender);
  }

  /** Vert.x options with the strict checker. */
  public static VertxOptions strictOptions() {
    return new VertxOptions()
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        // With a stack trace from the first warning on, so a failure shows the blocking call.
        .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(50)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS);
  }

  /** The warnings seen so far. */
  public List<String> warnings() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  public void assertNone() {
    assertThat(warnings()).as("Vert.x blocked-thread warnings").isEmpty();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
