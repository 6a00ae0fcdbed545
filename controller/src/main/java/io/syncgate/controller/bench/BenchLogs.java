package io.syncgate.controller.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * How quiet the benchmark keeps the logs, in its own process and in the controller's: the
 * controller logs every gate it starts watching and every transition at INFO, thousands of lines
 * that would bury the table. Warnings still show.
 */
public final class BenchLogs {

  private BenchLogs() {}

  /** Quiets the loggers; returns their levels before, to restore. */
  public static Map<Logger, Level> quiet() {
    Map<Logger, Level> before = new LinkedHashMap<>();
    for (String name :
        List.of(
            "io.syncgate",
            "io.syncgate.controller.patroni",
            "io.fabric8",
            "io.fabric8.kubernetes.client.dsl.internal")) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      before.put(logger, logger.getLevel());
    }
    ((Logger) LoggerFactory.getLogger("io.syncgate")).setLevel(Level.WARN);
    // Failed polls are counted in the table; stopping the controller mid-poll would log each.
    ((Logger) LoggerFactory.getLogger("io.syncgate.controller.patroni")).setLevel(Level.ERROR);
    ((Logger) LoggerFactory.getLogger("io.fabric8")).setLevel(Level.WARN);
    // "using resource type 'replicagates' with unstable version 'v1alpha1'", once per client.
    ((Logger) LoggerFactory.getLogger("io.fabric8.kubernetes.client.dsl.internal"))
        .setLevel(Level.ERROR);
    return before;
  }
}
