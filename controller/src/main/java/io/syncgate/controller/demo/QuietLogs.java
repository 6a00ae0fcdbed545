package io.syncgate.controller.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Turns the controller's INFO logs off while the demo runs (warnings still reach stderr), so the
 * story is not interleaved with log lines, and silences fabric8's one warning about the
 * ReplicaGate's {@code v1alpha1} version; restores the levels when closed.
 */
final class QuietLogs implements AutoCloseable {

  /** Logger name → level while the demo runs. */
  private static final Map<String, Level> QUIET =
      Map.of(
          "io.syncgate", Level.WARN,
          "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR);

  private final Map<Logger, Level> before = new LinkedHashMap<>();

  private QuietLogs() {}

  /** Applies the quiet levels if Logback is the logging backend (it is in the jar). */
  static QuietLogs apply() {
    QuietLogs quiet = new QuietLogs();
    for (Map.Entry<String, Level> e : QUIET.entrySet()) {
      if (LoggerFactory.getLogger(e.getKey()) instanceof Logger logger) {
        quiet.before.put(logger, logger.getLevel());
        logger.setLevel(e.getValue());
      }
    }
    return quiet;
  }

  @Override
  public void close() {
    before.forEach(Logger::setLevel);
  }
}
