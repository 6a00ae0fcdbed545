package io.syncgate.controller.kube;

import io.syncgate.policy.gating.CheckVerdict;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;

/**
 * A gate's metric analysis: starts the check queries that are due for its Ramping replicas and says
 * what is known now. Never waits for a query: a result that arrives later is in a later tick's
 * answer.
 */
interface AnalysisSource {

  /** A gate without analysis. */
  AnalysisSource NONE =
      new AnalysisSource() {
        @Override
        public Future<Map<String, Map<String, CheckVerdict>>> verdicts(
            GateSettings.AnalysisSettings settings, Map<String, Instant> stepStarts, Instant now) {
          return Future.succeededFuture(Map.of());
        }

        @Override
        public void close() {}
      };

  /**
   * The latest result of each check in each replica's current step, by replica and check.
   *
   * @param settings the gate's analysis
   * @param stepStarts each Ramping replica and when its current step began (the core's clock)
   * @return never a failed future: Prometheus or its Secrets unavailable are failing verdicts
   */
  Future<Map<String, Map<String, CheckVerdict>>> verdicts(
      GateSettings.AnalysisSettings settings, Map<String, Instant> stepStarts, Instant now);

  /** Releases the connections. */
  void close();
}
