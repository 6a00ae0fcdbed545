package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link StaleReadExposure}: the weight on replicas whose lag is unknown or over admission. */
class StaleReadExposureTest {

  private static final GatePolicy POLICY = GatePolicy.defaults();

  private static int exposure(GateDriver d) {
    StepResult r = d.last();
    return StaleReadExposure.percent(
        r.state(),
        r.plan().route().isPresent() ? r.plan().route() : r.state().route(),
        !r.plan().degraded() && r.plan().leader() != null,
        POLICY,
        d.now());
  }

  /** pg-1 and pg-2 serving 50/50, caught up. */
  private static GateDriver serving() {
    GateDriver d = new GateDriver(POLICY.toBuilder().rampSteps(java.util.List.of(100)).build());
    d.tick(leader("pg-0", 1), replica("pg-1", 1, 0), replica("pg-2", 1, 0));
    d.advanceSeconds(10).tick(leader("pg-0", 1), replica("pg-1", 1, 0), replica("pg-2", 1, 0));
    d.advanceSeconds(1).tick(leader("pg-0", 1), replica("pg-1", 1, 0), replica("pg-2", 1, 0));
    assertThat(d.weight("pg-1")).isEqualTo(50);
    return d;
  }

  @Test
  void caughtUpReplicasExposeNothing() {
    assertThat(exposure(serving())).isZero();
  }

  @Test
  void aServingReplicaBetweenAdmissionAndEjectionIsExposed() {
    GateDriver d = serving();
    d.advanceSeconds(1).tick(leader("pg-0", 1), replica("pg-1", 1, 0), replica("pg-2", 1, 4 * MIB));
    assertThat(exposure(d)).isEqualTo(50);
  }

  @Test
  void aSilentReplicaStillWeightedWithinUnreachableForIsExposed() {
    GateDriver d = serving();
    d.advanceSeconds(1).tick(leader("pg-0", 1), replica("pg-1", 1, 0), Samples.timeout("pg-2"));
    assertThat(d.weight("pg-2")).isEqualTo(50);
    assertThat(exposure(d)).isEqualTo(50);
  }

  @Test
  void failingStaticEverythingWeightedIsExposed() {
    GateDriver d = serving();
    d.advanceSeconds(1).tick(Samples.timeout("pg-0"), replica("pg-1", 1, 0), replica("pg-2", 1, 0));
    assertThat(exposure(d)).isEqualTo(100);
  }

  @Test
  void anEjectedReplicaHasNoWeightAndExposesNothing() {
    GateDriver d = serving();
    d.advanceSeconds(1)
        .tick(leader("pg-0", 1), replica("pg-1", 1, 0), replica("pg-2", 1, 20 * MIB));
    assertThat(d.phase("pg-2")).isEqualTo(Phase.EJECTED);
    assertThat(exposure(d)).isZero();
  }
}
