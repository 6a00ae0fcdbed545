package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.status.GateStatusBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ramp.maxLagGrowth}, tick by tick: a Ramping replica whose lag grows faster than the rate
 * for {@code maxLagGrowthFor} goes back one step, holds there until its lag is flat, then ramps on;
 * ejection stays the backstop.
 */
class LagGrowthStepBackTest {

  /** The defaults (256 KiB/s for 10 s, steps every 60 s) with room below the ejection limit. */
  private static final GatePolicy POLICY =
      GatePolicy.builder().ejectionMaxLagBytes(64 * MIB).build();

  private static final long FLAT_LAG = 8 * KIB;

  /** The longest any loop here may run, in one-second ticks. */
  private static final int MAX_TICKS = 1000;

  @Test
  void aReplicaWhoseLagGrowsTooFastStepsBackOneStepAtATimeAndHoldsUntilFlat() {
    GateDriver d = rampingAt(2, POLICY);
    int weightAtStep2 = d.weight("pg-2");
    long[] lag = {FLAT_LAG};

    // Growing 512 KiB/s: once the window's slope says faster than 256 KiB/s, 10 s more, then one
    // step back, and nothing before that.
    Instant growingSince = null;
    Transition back = null;
    for (int t = 0; back == null; t++) {
      assertThat(t).as("ticks until the step back").isLessThan(MAX_TICKS);
      lag[0] += 512 * KIB;
      back = steppedBack(tick(d, lag[0]));
      if (growingSince == null) {
        growingSince = d.state().trend("pg-2").growingSince();
      }
      if (back == null) {
        assertThat(d.replica("pg-2").step()).isEqualTo(2);
        assertThat(d.replica("pg-2").control().steppedBack()).isFalse();
      }
    }
    assertThat(growingSince).isNotNull();
    assertThat(d.now()).isEqualTo(growingSince.plusSeconds(10));
    assertThat(back.reason())
        .matches(
            "lag growing \\d+(\\.\\d+)? KiB/s for 10s \\(ramp.maxLagGrowth 256 KiB/s\\): back to"
                + " ramp step 1 \\(25%\\) until its lag is flat");
    ReplicaState r = d.replica("pg-2");
    assertThat(r.phase()).isEqualTo(Phase.RAMPING);
    assertThat(r.step()).isEqualTo(1);
    assertThat(r.control().steppedBack()).isTrue();
    assertThat(r.waitingFor()).isEqualTo("its lag to stop growing (ramp.maxLagGrowth)");
    assertThat(r.reason()).startsWith("ramp step 1 (25%), stepped back: lag growing ");
    assertThat(d.weight("pg-2")).isLessThan(weightAtStep2);

    // Still growing: another whole maxLagGrowthFor at step 1, then step 0, and no lower.
    Instant firstBack = d.now();
    Transition again = null;
    while (again == null) {
      assertThat(d.now()).isBefore(firstBack.plusSeconds(11));
      lag[0] += 512 * KIB;
      again = steppedBack(tick(d, lag[0]));
    }
    assertThat(d.now()).isEqualTo(firstBack.plusSeconds(10));
    assertThat(again.reason()).endsWith("back to ramp step 0 (10%) until its lag is flat");
    for (int t = 0; t < 30; t++) {
      lag[0] += 512 * KIB;
      assertThat(steppedBack(tick(d, lag[0]))).isNull();
      assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      assertThat(d.replica("pg-2").step()).isZero();
      assertThat(d.weight("pg-2")).isPositive();
    }

    // Flat at the lag it reached (over admission.maxLag, under ejection.maxLag): held until the
    // window says flat, then a whole step interval at step 0, then on.
    Instant flatSince = null;
    for (int t = 0; flatSince == null; t++) {
      assertThat(t).as("ticks until flat").isLessThan(MAX_TICKS);
      StepResult result = tick(d, lag[0]);
      assertThat(steppedBack(result)).isNull();
      assertThat(d.replica("pg-2").step()).isZero();
      if (!d.replica("pg-2").control().steppedBack()) {
        flatSince = d.now();
        assertThat(d.state().trend("pg-2").estimate().trend())
            .isNotEqualTo(CatchUp.Trend.FALLING_BEHIND);
        assertThat(d.replica("pg-2").waitingFor()).isEqualTo("step timer: 0s of 1m");
      } else {
        assertThat(d.replica("pg-2").waitingFor())
            .isEqualTo("its lag to stop growing (ramp.maxLagGrowth)");
      }
    }
    while (d.replica("pg-2").step() == 0) {
      assertThat(d.now()).isBefore(flatSince.plusSeconds(61));
      tick(d, lag[0]);
    }
    assertThat(d.now()).isEqualTo(flatSince.plusSeconds(60));
    assertThat(d.replica("pg-2").step()).isEqualTo(1);
  }

  @Test
  void atTheFirstStepItIsKeptThereWithItsShareAndEjectionStaysTheBackstop() {
    GatePolicy policy = GatePolicy.defaults();
    GateDriver d = rampingAt(0, policy);
    long lag = FLAT_LAG;
    Transition kept = null;
    for (int t = 0; kept == null; t++) {
      assertThat(t).as("ticks until kept").isLessThan(MAX_TICKS);
      lag += 512 * KIB;
      kept = steppedBack(tick(d, lag));
    }
    assertThat(kept.reason()).endsWith("kept at ramp step 0 (10%) until its lag is flat");
    assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
    assertThat(d.weight("pg-2")).isPositive();
    // Over ejection.maxLag (16 MiB): out in that very tick.
    while (lag <= policy.ejectionMaxLagBytes()) {
      lag += 512 * KIB;
      assertThat(steppedBack(tick(d, lag))).isNull();
      if (lag <= policy.ejectionMaxLagBytes()) {
        assertThat(d.phase("pg-2")).isEqualTo(Phase.RAMPING);
      }
    }
    assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
    assertThat(d.weight("pg-2")).isZero();
    assertThat(d.replica("pg-2").control().steppedBack()).isFalse();
  }

  @Test
  void withMaxLagGrowthZeroTheRampIgnoresTheTrend() {
    GatePolicy off = POLICY.toBuilder().maxLagGrowthBytesPerSecond(0).build();
    GateDriver d = rampingAt(2, off);
    long lag = FLAT_LAG;
    while (d.phase("pg-2") == Phase.RAMPING) {
      lag += 512 * KIB;
      assertThat(lag).as("served before the ejection limit").isLessThan(64 * MIB);
      assertThat(steppedBack(tick(d, lag))).isNull();
      assertThat(d.state().trend("pg-2").growingSince()).isNull();
    }
    assertThat(d.phase("pg-2")).isEqualTo(Phase.SERVING);
  }

  @Test
  void aHeldReplicaKeepsItsStep() {
    GateDriver d = rampingAt(2, POLICY);
    d.act(ActionVerb.HOLD, "pg-2");
    long lag = FLAT_LAG;
    for (int t = 0; t < 60; t++) {
      lag += 512 * KIB;
      assertThat(steppedBack(tick(d, lag))).isNull();
      assertThat(d.replica("pg-2").step()).isEqualTo(2);
    }
    assertThat(d.state().trend("pg-2").growingSince()).isNotNull();
  }

  @Test
  void theStepBackSurvivesARestartThroughStatus() {
    GateDriver d = rampingAt(1, POLICY);
    long lag = FLAT_LAG;
    while (!d.replica("pg-2").control().steppedBack()) {
      assertThat(lag).isLessThan(64 * MIB);
      lag += 512 * KIB;
      tick(d, lag);
    }
    ReplicaGateStatus status = GateStatusBuilder.build(1L, d.state(), d.state().route(), List.of());
    assertThat(status.getReplicas().get(1).getSteppedBack()).isTrue();
    assertThat(GateStatusBuilder.storedReplicas(status).get(1).control().steppedBack()).isTrue();
  }

  /**
   * pg-1 and pg-2 admitted together on a flat 8 KiB lag, ticked each second until pg-2 is at {@code
   * step}.
   */
  private static GateDriver rampingAt(int step, GatePolicy policy) {
    GateDriver d = new GateDriver(policy);
    for (int t = 0; ; t++) {
      assertThat(t).as("ticks until step " + step).isLessThan(MAX_TICKS);
      tick(d, FLAT_LAG);
      ReplicaState r = d.replica("pg-2");
      if (r.phase() == Phase.RAMPING && r.step() == step) {
        return d;
      }
    }
  }

  /** One second on, then a tick with pg-1 flat and pg-2 {@code lag} behind. */
  private static StepResult tick(GateDriver d, long lag) {
    d.advanceSeconds(1);
    return d.tick(leader("pg-0", 1), replica("pg-1", 1, FLAT_LAG), replica("pg-2", 1, lag));
  }

  /** pg-2's step back in {@code result}, or null. */
  private static Transition steppedBack(StepResult result) {
    return result.plan().transitions().stream()
        .filter(t -> t.kind() == Transition.Kind.STEPPED_BACK && "pg-2".equals(t.replica()))
        .findFirst()
        .orElse(null);
  }
}
