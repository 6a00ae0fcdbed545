package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.DR_PATH;
import static io.syncgate.controller.kube.ControllerHarness.STATUS_PATH;
import static io.syncgate.controller.kube.ControllerHarness.VS_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nothing to change, nothing written: 30 s of steady state cost no mesh writes. */
class SteadyStateIT {

  private static final Duration STEADY = Duration.ofSeconds(30);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void thirtySecondsOfSteadyStateWriteNoMeshObjectsAndAtMostThreeStatuses() {
    ControllerHarness.Running running = h.servingCluster(2, spec -> {});
    // Let the last status of the ramp land before counting.
    Await.until(
        Duration.ofSeconds(5),
        "status settled",
        () -> Integer.valueOf(2).equals(h.gate().getStatus().getServing()));
    int vs = h.writesTo(VS_PATH).size();
    int dr = h.writesTo(DR_PATH).size();
    int status = h.writesTo(STATUS_PATH).size();
    double ticksBefore = ticks(running);

    long until = System.nanoTime() + STEADY.toNanos();
    Await.until(STEADY.plusSeconds(5), "30 s of steady state", () -> System.nanoTime() >= until);

    int vsWrites = h.writesTo(VS_PATH).size() - vs;
    int drWrites = h.writesTo(DR_PATH).size() - dr;
    int statusWrites = h.writesTo(STATUS_PATH).size() - status;
    double ticks = ticks(running) - ticksBefore;
    System.out.printf(
        "SteadyStateIT: %.0f ticks in %ss: %d VirtualService, %d DestinationRule, %d status writes%n",
        ticks, STEADY.toSeconds(), vsWrites, drWrites, statusWrites);
    // The loop kept running (about 5 ticks a second) ...
    assertThat(ticks).isGreaterThan(STEADY.toSeconds() * 3);
    // ... and wrote nothing it did not have to.
    assertThat(vsWrites).isZero();
    assertThat(drWrites).isZero();
    assertThat(statusWrites).isLessThanOrEqualTo(3);
  }

  private static double ticks(ControllerHarness.Running running) {
    var timer =
        running.metrics().registry().find("syncgate.tick").tags("gate", "hippo-reads").timer();
    return timer == null ? 0 : timer.count();
  }
}
