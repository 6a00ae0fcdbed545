package io.syncgate.controller.patroni;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x for tests that complains loudly when an event loop is blocked: 200 ms allowed, checked
 * every 50 ms. Vert.x logs such a block through SLF4J; {@link #blockedThreadWarnings()} collects
 * those lines so a test can assert there were none.
 */
final class StrictVertx implements AutoCloseable {

  static final long MAX_EVENT_LOOP_MILLIS = 200;

  private final Vertx vertx;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          String message = event.getFormattedMessage();
          if (message != null && message.contains("has been blocked for")) {
            warnings.add(message);
          }
        }
      };
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  StrictVertx() {
    appender.start();
    root.addAppender(appender);
    vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(50)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                // Log where the loop was stuck as soon as it is reported.
                .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
  }

  Vertx vertx() {
    return vertx;
  }

  /** The blocked-thread checker's lines logged since this Vert.x was created. */
  List<String> blockedThreadWarnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      root.detachAppender(appender);
    }
  }
}
