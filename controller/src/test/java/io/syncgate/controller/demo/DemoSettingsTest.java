package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.FallbackMode;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateValidator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's settings: problems named by their flags, and the gate they make. */
class DemoSettingsTest {

  private static DemoSettings settings(
      int replicas, long catchUp, long write, String maxLag, List<Integer> steps, String poll) {
    return new DemoSettings(
        DemoSettings.Scenario.SEED,
        replicas,
        5L << 30,
        catchUp,
        write,
        maxLag,
        "3s",
        steps,
        "3s",
        poll,
        Duration.ofSeconds(5),
        Duration.ofMinutes(2),
        false,
        DemoSettings.Output.TEXT,
        null,
        DemoSettings.PatroniVersion.V3_0_2);
  }

  private static DemoSettings defaults() {
    return settings(2, 250L << 20, 2L << 20, "1Mi", List.of(10, 25, 50, 100), "500ms");
  }

  @Test
  void theDefaultsMakeAValidGateForTheHippoPods() {
    DemoSettings s = defaults();

    assertThat(s.problems()).isEmpty();
    ReplicaGate gate = s.gate();
    assertThat(ReplicaGateValidator.validate(gate)).isEmpty();
    assertThat(gate.getMetadata().getNamespace()).isEqualTo("db");
    assertThat(gate.getMetadata().getName()).isEqualTo("hippo-reads");
    assertThat(gate.getSpec().getSelector().getMatchLabels())
        .containsEntry("postgres-operator.crunchydata.com/cluster", "hippo");
    // Reads fall back to the primary's own Service, like PGO's hippo-ha: the read host's Service
    // selects replicas only.
    assertThat(gate.getSpec().getMesh().getHost()).isEqualTo("hippo-replicas.db.svc.cluster.local");
    assertThat(gate.getSpec().getMesh().getPrimaryHost())
        .isEqualTo("hippo-ha.db.svc.cluster.local");
    assertThat(gate.getSpec().getMesh().getFallback()).isEqualTo(FallbackMode.PRIMARY.value());
    assertThat(gate.getSpec().getAdmission().getStableFor()).isEqualTo("3s");
    assertThat(gate.getSpec().getRamp().getSteps()).containsExactly(10, 25, 50, 100);
    assertThat(gate.getSpec().getPollInterval()).isEqualTo("500ms");
    assertThat(gate.getSpec().getEjection().getMaxLag()).isEqualTo("16Mi");
    assertThat(s.leaderName()).isEqualTo("hippo-0");
    assertThat(s.caughtUpNames()).containsExactly("hippo-1", "hippo-2");
    assertThat(s.joinerName()).isEqualTo("hippo-3");
  }

  @Test
  void aReplicaThatReplaysNoFasterThanTheLeaderWritesIsRefused() {
    assertThat(settings(2, 2L << 20, 2L << 20, "1Mi", List.of(100), "1s").problems())
        .containsExactly(
            "--catch-up-rate (2 MiB/s) must be above --write-rate (2 MiB/s), or the new replica"
                + " never catches up");
  }

  @Test
  void policyProblemsNameTheFlagAndTheField() {
    List<String> problems =
        settings(2, 250L << 20, 2L << 20, "lots", List.of(50, 25, 100), "10ms").problems();

    assertThat(problems)
        .anyMatch(p -> p.startsWith("--max-lag (spec.admission.maxLag): "))
        .anyMatch(p -> p.startsWith("--steps (spec.ramp.steps"))
        .anyMatch(p -> p.startsWith("--poll-interval (spec.pollInterval): "));
  }

  @Test
  void replicasAreBounded() {
    assertThat(settings(51, 250L << 20, 2L << 20, "1Mi", List.of(100), "1s").problems())
        .containsExactly("--replicas must be 0..50, got 51");
    assertThat(settings(-1, 250L << 20, 2L << 20, "1Mi", List.of(100), "1s").problems())
        .containsExactly("--replicas must be 0..50, got -1");
  }

  @Test
  void anAdmissionLagAboveTheEjectionDefaultRaisesTheEjectionThresholdWithIt() {
    DemoSettings s = settings(2, 250L << 20, 2L << 20, "64Mi", List.of(100), "1s");

    assertThat(s.problems()).isEmpty();
    assertThat(s.gate().getSpec().getEjection().getMaxLag()).isEqualTo("64Mi");
    assertThat(s.maxLagBytes()).isEqualTo(64L << 20);
  }

  @Test
  void withoutCaughtUpReplicasTheJoinerIsTheFirstReplica() {
    DemoSettings s = settings(0, 250L << 20, 2L << 20, "1Mi", List.of(100), "1s");

    assertThat(s.caughtUpNames()).isEmpty();
    assertThat(s.joinerName()).isEqualTo("hippo-1");
  }

  private static DemoSettings rollout(int replicas, String backlog, List<Integer> steps) {
    return new DemoSettings(
        DemoSettings.Scenario.ROLLOUT,
        replicas,
        io.syncgate.policy.ByteQuantity.parse(backlog),
        250L << 20,
        2L << 20,
        "1Mi",
        "3s",
        steps,
        "3s",
        "500ms",
        Duration.ofSeconds(5),
        Duration.ofMinutes(2),
        false,
        DemoSettings.Output.TEXT,
        null,
        DemoSettings.PatroniVersion.V3_0_2);
  }

  @Test
  void theRolloutLetsOneReplicaRampAtATimeAndThreeJoinAQuarterHalfAndThreeQuartersBehind() {
    DemoSettings s = rollout(2, "4Gi", List.of(10, 25, 50, 100));

    assertThat(s.problems()).isEmpty();
    assertThat(s.gate().getSpec().getRamp().getMaxRamping()).isEqualTo(1);
    assertThat(ReplicaGateValidator.validate(s.gate())).isEmpty();
    assertThat(s.caughtUpNames()).containsExactly("hippo-1", "hippo-2");
    assertThat(s.joinerNames()).containsExactly("hippo-3", "hippo-4", "hippo-5");
    assertThat(s.joinerBacklogs()).containsExactly(1L << 30, 2L << 30, 3L << 30);
    assertThat(s.stepIntervalDuration()).isEqualTo(Duration.ofSeconds(3));
    // The seed's gate sets no limit, and has one joiner with the whole backlog.
    assertThat(defaults().gate().getSpec().getRamp().getMaxRamping()).isNull();
    assertThat(defaults().joinerNames()).containsExactly("hippo-3");
    assertThat(defaults().joinerBacklogs()).containsExactly(5L << 30);
  }

  @Test
  void aRolloutNeedsAServingReplicaARampAndNewReplicasThatStartBehind() {
    assertThat(rollout(0, "4Gi", List.of(10, 100)).problems())
        .containsExactly(
            "--replicas must be at least 1 with --scenario rollout: replicas take turns only"
                + " while another serves");
    assertThat(rollout(1, "4Gi", List.of(100)).problems())
        .containsExactly(
            "--steps must have at least two steps with --scenario rollout: it holds and promotes"
                + " replicas while they ramp");
    assertThat(rollout(1, "4Mi", List.of(50, 100)).problems())
        .containsExactly(
            "--backlog must be above 4 x --max-lag with --scenario rollout: the first new replica"
                + " starts a quarter of it behind, and must start gated");
  }
}
