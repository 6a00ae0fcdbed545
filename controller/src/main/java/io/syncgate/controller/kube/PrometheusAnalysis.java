package io.syncgate.controller.kube;

import io.syncgate.controller.analysis.AnalysisRunner;
import io.syncgate.controller.analysis.PrometheusClient;
import io.syncgate.controller.analysis.PrometheusOptions;
import io.syncgate.policy.analysis.CheckDefinition;
import io.syncgate.policy.analysis.CheckStatus;
import io.syncgate.policy.analysis.Comparison;
import io.syncgate.policy.gating.CheckVerdict;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gate's metric analysis against Prometheus: one {@link PrometheusClient} and {@link
 * AnalysisRunner} per gate, made again when the gate's analysis settings change. Its Secrets are
 * read when the settings change and again every {@link #SECRET_REFRESH}; until they can be read
 * once, every check of every Ramping replica is a failing verdict saying why, so the ramp holds.
 * Used on the gate's context only.
 */
final class PrometheusAnalysis implements AnalysisSource {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusAnalysis.class);

  /** How often the Secrets are read again (a rotated token or CA is picked up). */
  static final Duration SECRET_REFRESH = Duration.ofMinutes(1);

  /** Reads a gate's Prometheus options, its Secrets included. */
  interface OptionsReader
      extends BiFunction<String, GateSettings.AnalysisSettings, Future<PrometheusOptions>> {}

  private final GateKey key;
  private final Vertx vertx;
  private final Context context;
  private final OptionsReader options;
  private final AnalysisRunner.ResultListener listener;

  private GateSettings.AnalysisSettings settings;

  /** The checks of {@link #settings}, made once per change of the settings, not per tick. */
  private List<CheckDefinition> checks = List.of();

  private PrometheusOptions current;
  private PrometheusClient client;
  private AnalysisRunner runner;
  private Instant readAt;
  private String unavailable;

  /**
   * @param context the gate's context: the runner and the client are used on it only
   */
  PrometheusAnalysis(
      GateKey key,
      Vertx vertx,
      Context context,
      OptionsReader options,
      AnalysisRunner.ResultListener listener) {
    this.key = key;
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.listener = listener;
  }

  @Override
  public Future<Map<String, Map<String, CheckVerdict>>> verdicts(
      GateSettings.AnalysisSettings newSettings, Map<String, Instant> stepStarts, Instant now) {
    boolean changed = !newSettings.equals(settings);
    boolean due = readAt == null || !now.isBefore(readAt.plus(SECRET_REFRESH));
    Future<Void> ready =
        changed || due ? prepare(newSettings, now, changed) : Future.succeededFuture();
    return ready.map(v -> evaluate(stepStarts, now));
  }

  /** Reads the options; a new client when they differ. Never fails: a failure is remembered. */
  private Future<Void> prepare(
      GateSettings.AnalysisSettings newSettings, Instant now, boolean changed) {
    if (changed) {
      checks = definitions(newSettings);
    }
    settings = newSettings;
    readAt = now;
    // Secrets are read on a worker: come back to the gate's context before touching the runner.
    return OnContext.of(context, options.apply(key.namespace(), newSettings))
        .transform(
            ar -> {
              if (ar.failed()) {
                String why = "Prometheus Secrets: " + ar.cause().getMessage();
                if (!why.equals(unavailable)) {
                  LOG.warn("{}: {}", key, why);
                }
                if (changed || client == null) {
                  // Settings changed: the old client may point elsewhere; without one, hold.
                  closeClient();
                  unavailable = why;
                }
                return Future.succeededFuture();
              }
              unavailable = null;
              if (!ar.result().equals(current)) {
                closeClient();
                current = ar.result();
                client = new PrometheusClient(vertx, current);
                runner = new AnalysisRunner(client, key.namespace(), listener);
              }
              return Future.succeededFuture();
            });
  }

  private Map<String, Map<String, CheckVerdict>> evaluate(
      Map<String, Instant> stepStarts, Instant now) {
    Map<String, Map<String, CheckVerdict>> out = new TreeMap<>();
    if (runner == null) {
      String why = unavailable != null ? unavailable : "Prometheus client not ready";
      for (String replica : stepStarts.keySet()) {
        Map<String, CheckVerdict> failing = new TreeMap<>();
        for (String check : settings.checkNames()) {
          failing.put(check, new CheckVerdict(false, now, check + ": " + why, 1));
        }
        out.put(replica, failing);
      }
      return out;
    }
    runner.retain(stepStarts.keySet());
    Map<String, Map<String, CheckStatus>> statuses = runner.evaluate(checks, stepStarts, now);
    statuses.forEach(
        (replica, checks) -> {
          Map<String, CheckVerdict> verdicts = new TreeMap<>();
          checks.forEach(
              (check, s) ->
                  verdicts.put(
                      check,
                      new CheckVerdict(
                          s.latest().passed(),
                          s.latest().at(),
                          s.latest().reason(),
                          s.consecutiveFailures())));
          out.put(replica, verdicts);
        });
    return out;
  }

  static List<CheckDefinition> definitions(GateSettings.AnalysisSettings settings) {
    return settings.checks().stream()
        .map(
            c ->
                new CheckDefinition(
                    c.name(),
                    c.query(),
                    Comparison.fromSymbol(c.comparison()),
                    c.threshold(),
                    c.interval()))
        .toList();
  }

  private void closeClient() {
    if (client != null) {
      client.close();
    }
    client = null;
    runner = null;
    current = null;
  }

  @Override
  public void close() {
    closeClient();
  }
}
