package io.syncgate.controller.ctl;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a command's stderr for the command: fabric8 warns once per process that {@code
 * replicagates} has the unstable version {@code v1alpha1}, which an operator cannot act on. Turned
 * off while a command runs, restored when closed.
 */
public final class CtlLogs implements AutoCloseable {

  static final String VERSION_WARNING =
      "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils";

  private final Logger logger;
  private final Level before;

  private CtlLogs(Logger logger) {
    this.logger = logger;
    this.before = logger == null ? null : logger.getLevel();
    if (logger != null) {
      logger.setLevel(Level.ERROR);
    }
  }

  /** Quiets the warning if Logback is the logging backend (it is in the jar). */
  public static CtlLogs quiet() {
    return new CtlLogs(
        LoggerFactory.getLogger(VERSION_WARNING) instanceof Logger logger ? logger : null);
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.setLevel(before);
    }
  }
}
