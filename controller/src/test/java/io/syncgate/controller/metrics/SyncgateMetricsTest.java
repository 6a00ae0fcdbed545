package io.syncgate.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgate.policy.gating.Phase;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scraped series, by their exact Prometheus names and labels. */
class SyncgateMetricsTest {

  private final SyncgateMetrics metrics = new SyncgateMetrics();

  private List<String> samples() {
    return Arrays.stream(metrics.scrape().split("\n")).filter(l -> !l.startsWith("#")).toList();
  }

  private List<String> samplesOf(String name) {
    return samples().stream()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .toList();
  }

  @Test
  void replicaGaugesCarryNamespaceGateAndReplica() {
    metrics.recordReplica("db", "g", "r1", "Ramping", 25, 8192L);
    metrics.recordReplica("db", "g", "r2", Phase.SERVING, 75, 0L);

    assertThat(samplesOf("syncgate_replica_weight"))
        .containsExactlyInAnyOrder(
            "syncgate_replica_weight{gate=\"g\",namespace=\"db\",replica=\"r1\"} 25.0",
            "syncgate_replica_weight{gate=\"g\",namespace=\"db\",replica=\"r2\"} 75.0");
    assertThat(samplesOf("syncgate_replica_lag_bytes"))
        .containsExactlyInAnyOrder(
            "syncgate_replica_lag_bytes{gate=\"g\",namespace=\"db\",replica=\"r1\"} 8192.0",
            "syncgate_replica_lag_bytes{gate=\"g\",namespace=\"db\",replica=\"r2\"} 0.0");
  }

  @Test
  void catchUpGaugesComeAndGoWithTheEstimate() {
    metrics.recordReplica("db", "g", "r1", "Gated", 0, 1L << 30);
    metrics.recordCatchUp("db", "g", "r1", 1048576.0, 12.5);
    assertThat(samplesOf("syncgate_replica_catch_up_bytes_per_second"))
        .containsExactly(
            "syncgate_replica_catch_up_bytes_per_second{gate=\"g\",namespace=\"db\",replica=\"r1\"}"
                + " 1048576.0");
    assertThat(samplesOf("syncgate_replica_catch_up_eta_seconds"))
        .containsExactly(
            "syncgate_replica_catch_up_eta_seconds{gate=\"g\",namespace=\"db\",replica=\"r1\"} 12.5");
    metrics.recordCatchUp("db", "g", "r1", -5.0, null);
    assertThat(samplesOf("syncgate_replica_catch_up_eta_seconds")).isEmpty();
    metrics.forgetReplica("db", "g", "r1");
    assertThat(samplesOf("syncgate_replica_catch_up_bytes_per_second")).isEmpty();
  }

  @Test
  void exposureIsAGaugeAndItsIntegral() {
    metrics.recordExposure("db", "g", 50, 0);
    metrics.recordExposure("db", "g", 0, 50 * 2.0);
    metrics.recordExposure("db", "g", 0, 0);
    assertThat(samplesOf("syncgate_stale_read_exposure_percent"))
        .containsExactly("syncgate_stale_read_exposure_percent{gate=\"g\",namespace=\"db\"} 0.0");
    assertThat(samplesOf("syncgate_stale_read_exposure_percent_seconds_total"))
        .containsExactly(
            "syncgate_stale_read_exposure_percent_seconds_total{gate=\"g\",namespace=\"db\"} 100.0");
    metrics.forgetGate("db", "g");
    assertThat(samplesOf("syncgate_stale_read_exposure_percent")).isEmpty();
  }

  @Test
  void phaseIsOneSeriesPerPhaseWithExactlyOneSet() {
    metrics.recordReplica("db", "g", "r1", "Gated", 0, 1L << 30);
    metrics.recordReplica("db", "g", "r1", "Serving", 100, 0L);

    assertThat(samplesOf("syncgate_replica_phase"))
        .containsExactlyInAnyOrder(
            "syncgate_replica_phase{gate=\"g\",namespace=\"db\",phase=\"Ejected\",replica=\"r1\"} 0.0",
            "syncgate_replica_phase{gate=\"g\",namespace=\"db\",phase=\"Gated\",replica=\"r1\"} 0.0",
            "syncgate_replica_phase{gate=\"g\",namespace=\"db\",phase=\"Ramping\",replica=\"r1\"} 0.0",
            "syncgate_replica_phase{gate=\"g\",namespace=\"db\",phase=\"Serving\",replica=\"r1\"} 1.0",
            "syncgate_replica_phase{gate=\"g\",namespace=\"db\",phase=\"Unknown\",replica=\"r1\"} 0.0");
    assertThat(samplesOf("syncgate_replica_weight"))
        .containsExactly(
            "syncgate_replica_weight{gate=\"g\",namespace=\"db\",replica=\"r1\"} 100.0");
  }

  @Test
  void unknownLagRemovesTheLagSeriesUntilItIsKnownAgain() {
    metrics.recordReplica("db", "g", "r1", "Gated", 0, 5L);
    metrics.recordReplica("db", "g", "r1", "Unknown", 0, null);

    assertThat(samplesOf("syncgate_replica_lag_bytes")).isEmpty();
    assertThat(samplesOf("syncgate_replica_weight")).hasSize(1);

    metrics.recordReplica("db", "g", "r1", "Gated", 0, 7L);
    assertThat(samplesOf("syncgate_replica_lag_bytes"))
        .containsExactly(
            "syncgate_replica_lag_bytes{gate=\"g\",namespace=\"db\",replica=\"r1\"} 7.0");
  }

  @Test
  void forgetReplicaDropsOnlyThatReplicasSeries() {
    metrics.recordReplica("db", "g", "r1", "Serving", 50, 0L);
    metrics.recordReplica("db", "g", "r2", "Serving", 50, 0L);

    metrics.forgetReplica("db", "g", "r1");

    assertThat(metrics.scrape()).doesNotContain("replica=\"r1\"");
    assertThat(samplesOf("syncgate_replica_weight"))
        .containsExactly(
            "syncgate_replica_weight{gate=\"g\",namespace=\"db\",replica=\"r2\"} 50.0");
    assertThat(samplesOf("syncgate_replica_phase")).hasSize(5);

    // Recording it again after forgetting starts it afresh.
    metrics.recordReplica("db", "g", "r1", "Gated", 0, 3L);
    assertThat(samplesOf("syncgate_replica_weight")).hasSize(2);
  }

  @Test
  void forgetGateDropsEverySeriesOfThatGateOnly() {
    metrics.recordReplica("db", "g", "r1", "Serving", 100, 0L);
    metrics.recordPoll("db", "g", Duration.ofMillis(3));
    metrics.pollError("db", "g", "timeout");
    metrics.meshWrite("db", "g", "VirtualService", "updated");
    metrics.recordTick("db", "g", Duration.ofMillis(4));
    metrics.recordReplica("db", "other", "r1", "Serving", 100, 0L);
    metrics.meshWrite("db", "other", "status", "noop");

    metrics.forgetGate("db", "g");

    assertThat(samples()).noneMatch(l -> l.contains("gate=\"g\""));
    assertThat(samplesOf("syncgate_replica_weight"))
        .containsExactly(
            "syncgate_replica_weight{gate=\"other\",namespace=\"db\",replica=\"r1\"} 100.0");
    assertThat(samplesOf("syncgate_mesh_writes_total"))
        .containsExactly(
            "syncgate_mesh_writes_total{gate=\"other\",kind=\"status\",namespace=\"db\",result=\"noop\"} 1.0");
  }

  @Test
  void aGateRecreatedAfterForgetGateStartsItsSeriesAfresh() {
    metrics.meshWrite("db", "g", "status", "updated");
    metrics.recordTick("db", "g", Duration.ofMillis(4));
    metrics.forgetGate("db", "g");

    metrics.meshWrite("db", "g", "status", "updated");
    metrics.recordTick("db", "g", Duration.ofMillis(4));

    assertThat(samplesOf("syncgate_mesh_writes_total"))
        .containsExactly(
            "syncgate_mesh_writes_total{gate=\"g\",kind=\"status\",namespace=\"db\",result=\"updated\"} 1.0");
    assertThat(samplesOf("syncgate_tick_seconds_count"))
        .containsExactly("syncgate_tick_seconds_count{gate=\"g\",namespace=\"db\"} 1");
  }

  @Test
  void pollErrorsAndMeshWritesAreCounters() {
    metrics.pollError("db", "g", "timeout");
    metrics.pollError("db", "g", "timeout");
    metrics.pollError("db", "g", "unreachable");
    metrics.meshWrite("db", "g", "DestinationRule", "created");
    metrics.meshWrite("db", "g", "VirtualService", "conflict");
    metrics.meshWrite("db", "g", "VirtualService", "conflict");

    assertThat(samplesOf("syncgate_patroni_poll_errors_total"))
        .containsExactlyInAnyOrder(
            "syncgate_patroni_poll_errors_total{gate=\"g\",namespace=\"db\",reason=\"timeout\"} 2.0",
            "syncgate_patroni_poll_errors_total{gate=\"g\",namespace=\"db\",reason=\"unreachable\"} 1.0");
    metrics.pollError("other", "h", "timeout");
    assertThat(metrics.pollErrors()).isEqualTo(4.0);
    assertThat(samplesOf("syncgate_mesh_writes_total"))
        .containsExactlyInAnyOrder(
            "syncgate_mesh_writes_total{gate=\"g\",kind=\"DestinationRule\",namespace=\"db\",result=\"created\"} 1.0",
            "syncgate_mesh_writes_total{gate=\"g\",kind=\"VirtualService\",namespace=\"db\",result=\"conflict\"} 2.0");
    assertThat(metrics.scrape())
        .contains("# TYPE syncgate_patroni_poll_errors_total counter")
        .contains("# TYPE syncgate_mesh_writes_total counter");
  }

  @Test
  void pollAndTickDurationsAreHistogramsInSeconds() {
    metrics.recordPoll("db", "g", Duration.ofMillis(3));
    metrics.recordPoll("db", "g", Duration.ofMillis(300));
    metrics.recordTick("db", "g", Duration.ofMillis(40));

    assertThat(metrics.scrape())
        .contains("# TYPE syncgate_patroni_poll_seconds histogram")
        .contains("# TYPE syncgate_tick_seconds histogram");
    assertThat(samplesOf("syncgate_patroni_poll_seconds_bucket"))
        .contains(
            "syncgate_patroni_poll_seconds_bucket{gate=\"g\",namespace=\"db\",le=\"0.001\"} 0",
            "syncgate_patroni_poll_seconds_bucket{gate=\"g\",namespace=\"db\",le=\"0.005\"} 1",
            "syncgate_patroni_poll_seconds_bucket{gate=\"g\",namespace=\"db\",le=\"0.25\"} 1",
            "syncgate_patroni_poll_seconds_bucket{gate=\"g\",namespace=\"db\",le=\"0.5\"} 2",
            "syncgate_patroni_poll_seconds_bucket{gate=\"g\",namespace=\"db\",le=\"+Inf\"} 2");
    assertThat(samplesOf("syncgate_patroni_poll_seconds_count"))
        .containsExactly("syncgate_patroni_poll_seconds_count{gate=\"g\",namespace=\"db\"} 2");
    assertThat(samplesOf("syncgate_patroni_poll_seconds_sum"))
        .containsExactly("syncgate_patroni_poll_seconds_sum{gate=\"g\",namespace=\"db\"} 0.303");
    assertThat(samplesOf("syncgate_tick_seconds_bucket"))
        .contains("syncgate_tick_seconds_bucket{gate=\"g\",namespace=\"db\",le=\"0.05\"} 1");
  }

  @Test
  void rejectsValuesThatWouldCorruptTheSeries() {
    assertThatThrownBy(() -> metrics.recordReplica("db", "g", "r1", "Warming", 0, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown phase: Warming");
    assertThatThrownBy(() -> metrics.recordReplica("db", "g", "r1", "Gated", 101, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight must be 0..100");
    assertThatThrownBy(() -> metrics.recordReplica("db", "g", "r1", "Gated", 0, -1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lagBytes must be >= 0");
    assertThatThrownBy(() -> metrics.recordReplica("", "g", "r1", "Gated", 0, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace must not be empty");
    assertThatThrownBy(() -> metrics.meshWrite("db", "g", "Service", "created"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mesh write kind must be one of");
    assertThatThrownBy(() -> metrics.meshWrite("db", "g", "status", "patched"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mesh write result must be one of");
    assertThatThrownBy(() -> metrics.recordTick("db", "g", Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration must not be negative");

    assertThat(samples()).noneMatch(l -> l.startsWith("syncgate_"));
  }
}
