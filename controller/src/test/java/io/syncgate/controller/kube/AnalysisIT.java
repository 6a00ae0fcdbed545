package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.ControlledExporter;
import io.syncgate.controller.testing.PrometheusServer;
import io.syncgate.policy.AnalysisSpec;
import io.syncgate.policy.CheckSpec;
import io.syncgate.policy.PrometheusSpec;
import io.syncgate.policy.ReplicaStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Metric analysis with a real Prometheus (Debian's package; scripts/install-deps.sh installs it),
 * scraping every second an exporter whose values the test sets: the running controller ramps a
 * joining replica only while its check passes, holds it while the check fails, steps it back with
 * an event after {@code failureLimit} failures, and never advances while Prometheus is down.
 */
class AnalysisIT {

  private static final String METRIC = "app_read_errors";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  private ControlledExporter exporter;
  private PrometheusServer prometheus;

  @BeforeAll
  static void prometheusInstalled() {
    PrometheusServer.requireBinary();
  }

  @BeforeEach
  void startPrometheus() {
    exporter = ControlledExporter.start(h.simulatorVertx);
    prometheus = PrometheusServer.start(exporter.target());
  }

  @AfterEach
  void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  /** Sets the joiner's error rate and waits until Prometheus has scraped it. */
  private void errors(double value) {
    exporter.set(METRIC, Map.of("replica", member(3)), value);
    prometheus.awaitValue(
        METRIC + "{replica=\"" + member(3) + "\"}", v -> v == value, Duration.ofSeconds(10));
  }

  /**
   * Two serving replicas and a joiner 5 GiB behind, the gate checking each ramping replica's
   * errors.
   */
  private ControllerHarness.Running clusterWithAnalysis() {
    // The first two replicas ramp in under the same check: no errors on them.
    for (int i = 1; i <= 2; i++) {
      exporter.set(METRIC, Map.of("replica", member(i)), 0);
    }
    prometheus.awaitValue("count(" + METRIC + ")", v -> v == 2, Duration.ofSeconds(10));
    h.cluster(
        2,
        1,
        spec -> {
          spec.getRamp().setSteps(List.of(10, 50, 100));
          CheckSpec check = new CheckSpec();
          check.setName("errors");
          check.setQuery(METRIC + "{replica=\"{{replica}}\"}");
          check.setComparison("<");
          check.setThreshold(1.0);
          check.setInterval("1s");
          PrometheusSpec prom = new PrometheusSpec();
          prom.setAddress(prometheus.address().toString());
          AnalysisSpec analysis = new AnalysisSpec();
          analysis.setPrometheus(prom);
          analysis.setChecks(List.of(check));
          analysis.setFailureLimit(3);
          spec.setAnalysis(analysis);
        });
    ControllerHarness.Running controller = h.startController();
    h.awaitServing(2);
    return controller;
  }

  private ReplicaStatus joiner() {
    return h.replicaStatus(3);
  }

  @Test
  void aFailingCheckHoldsTheRampStepsItBackAfterThreeFailuresAndAPassingOneLetsItAdvance() {
    clusterWithAnalysis();
    errors(5);
    h.createPod(3);
    h.sim(3).setReceivedAndReplayed(START_POSITION);
    Await.until(
        WAIT,
        "the joiner ramping",
        () -> joiner() != null && "Ramping".equals(joiner().getPhase()));

    // Failing: held at its first step, saying which check and why.
    Await.until(
        WAIT,
        "the joiner waiting for the check",
        () ->
            joiner().getWaitingFor() != null
                && joiner().getWaitingFor().startsWith("check errors to pass"));
    assertThat(joiner().getWaitingFor()).contains("errors: 5, needs < 1");
    assertThat(joiner().getStep()).isZero();

    // Three failures in a row: back to the first step, with an event.
    Await.until(
        WAIT,
        "an AnalysisFailed event",
        () -> h.events().stream().anyMatch(e -> "AnalysisFailed".equals(e.getReason())));
    Event failed =
        h.events().stream()
            .filter(e -> "AnalysisFailed".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(failed.getType()).isEqualTo("Warning");
    assertThat(failed.getMessage())
        .startsWith("replica " + member(3) + ": check errors failed 3 times in a row");
    assertThat(joiner().getStep()).isZero();
    assertThat(h.weights().get(member(3))).isPositive();

    // Passing: the ramp goes on to a full share.
    errors(0);
    Await.until(
        WAIT,
        "the joiner at a full share",
        h::weights,
        w -> w.equals(expected(member(1), 34, member(2), 33, member(3), 33)));
    assertThat(
            prometheus
                .query("sum(prometheus_http_requests_total{handler=\"/api/v1/query\"})")
                .value())
        .as("queries Prometheus answered")
        .isPositive();
  }

  @Test
  void whilePrometheusIsDownTheRampNeverAdvancesAndSaysSo() {
    ControllerHarness.Running controller = clusterWithAnalysis();
    errors(0);
    prometheus.stop();
    h.createPod(3);
    h.sim(3).setReceivedAndReplayed(START_POSITION);
    // It says so: a failing check, and after three failures in a row an AnalysisFailed event.
    Await.until(
        WAIT,
        "an AnalysisFailed event saying Prometheus is unreachable",
        () ->
            h.events().stream()
                .anyMatch(
                    e ->
                        "AnalysisFailed".equals(e.getReason())
                            && e.getMessage().contains("errors: Prometheus unreachable")));
    // 25 more ticks (5 s at 200 ms), five step intervals: still at the first step.
    controller.awaitTicks(25);
    assertThat(joiner().getPhase()).isEqualTo("Ramping");
    assertThat(joiner().getStep()).isZero();
  }
}
