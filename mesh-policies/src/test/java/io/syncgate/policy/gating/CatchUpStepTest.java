package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.status.GateStatusBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catch-up window the gating step keeps per replica, and what status shows of it. */
class CatchUpStepTest {

  private static final GatePolicy POLICY = GatePolicy.defaults();

  @Test
  void aCatchingUpReplicaGetsItsRateAndEtaInStateAndStatus() {
    GateDriver d = new GateDriver(POLICY);
    for (int t = 0; t < 5; t++) {
      d.tick(leader("pg-0", 1), replica("pg-1", 1, (500 - 100 * t) * MIB));
      d.advanceSeconds(1);
    }
    CatchUp.Estimate e = d.state().trend("pg-1").estimate();
    assertThat(e.trend()).isEqualTo(CatchUp.Trend.CATCHING_UP);
    assertThat(e.bytesPerSecond()).isEqualTo(100.0 * MIB);
    // 100 MiB behind at the last sample: 99 MiB to go at 100 MiB/s.
    assertThat(e.eta()).isEqualTo(Duration.ofMillis(990));
    ReplicaGateStatus status = GateStatusBuilder.build(1L, d.state(), d.state().route(), List.of());
    ReplicaStatus pg1 = status.getReplicas().get(0);
    assertThat(pg1.getLagTrend()).isEqualTo("CatchingUp");
    assertThat(pg1.getCatchUpBytesPerSecond()).isEqualTo(100L * MIB);
    assertThat(pg1.getCatchUpEtaSeconds()).isEqualTo(1L);
  }

  @Test
  void theWindowStartsOverWhenTheLeaderChanges() {
    GateDriver d = new GateDriver(POLICY);
    for (int t = 0; t < 5; t++) {
      d.tick(leader("pg-0", 1), replica("pg-1", 1, 10 * MIB), replica("pg-2", 1, 10 * MIB));
      d.advanceSeconds(1);
    }
    assertThat(d.state().trend("pg-2").window().samples()).hasSize(5);
    // pg-1 takes over on timeline 2: lags against it are another series.
    d.tick(leader("pg-1", 2), replica("pg-2", 2, 20 * MIB));
    assertThat(d.state().trend("pg-2").window().samples())
        .extracting(CatchUp.Sample::lagBytes)
        .containsExactly(20 * MIB);
    assertThat(d.state().trend("pg-2").estimate()).isNull();
    assertThat(d.state().trends()).containsOnlyKeys("pg-2");
  }

  @Test
  void withRejectGrowingLagAReplicaFallingBehindUnderTheLimitIsNotAdmitted() {
    GatePolicy rejecting = POLICY.toBuilder().rejectGrowingLag(true).build();
    GateDriver d = new GateDriver(rejecting);
    // Under 1 MiB all along, but growing 100 KiB a second: never admitted.
    for (int t = 0; t < 20; t++) {
      d.tick(leader("pg-0", 1), replica("pg-1", 1, 100 * 1024L * t));
      assertThat(d.phase("pg-1")).isEqualTo(Phase.GATED);
      d.advanceSeconds(1);
      if (t >= CatchUp.MIN_SAMPLES) {
        assertThat(d.replica("pg-1").reason())
            .endsWith("<= 1 MiB but growing 100 KiB/s (admission.rejectGrowingLag)");
      }
      if (100 * 1024L * (t + 1) > MIB) {
        break;
      }
    }
    // Flat from here: the stable run starts once the trend no longer says growing.
    GateDriver flat = new GateDriver(rejecting);
    for (int t = 0; t <= 11; t++) {
      flat.tick(leader("pg-0", 1), replica("pg-1", 1, 512 * 1024L));
      flat.advanceSeconds(1);
    }
    assertThat(flat.phase("pg-1")).isEqualTo(Phase.RAMPING);
    // The same growing lag with the switch off: admitted after stableFor, as before.
    GateDriver off = new GateDriver(POLICY.toBuilder().rejectGrowingLag(false).build());
    for (int t = 0; t <= 10; t++) {
      off.tick(leader("pg-0", 1), replica("pg-1", 1, 50 * 1024L * t));
      off.advanceSeconds(1);
    }
    assertThat(off.phase("pg-1")).isEqualTo(Phase.RAMPING);
  }

  @Test
  void withoutALeaderTheWindowsWaitAsTheyAre() {
    GateDriver d = new GateDriver(POLICY);
    for (int t = 0; t < 4; t++) {
      d.tick(leader("pg-0", 1), replica("pg-1", 1, (40 - t) * MIB));
      d.advanceSeconds(1);
    }
    Map<String, GateState.LagTrend> before = d.state().trends();
    d.tick(Samples.timeout("pg-0"), replica("pg-1", 1, MIB));
    assertThat(d.state().trends()).isEqualTo(before);
  }
}
