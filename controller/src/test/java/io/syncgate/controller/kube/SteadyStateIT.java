package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.DR_PATH;
import static io.syncgate.controller.kube.ControllerHarness.GATE;
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
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final int STEADY_TICKS = (int) STEADY.dividedBy(POLL_INTERVAL);

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
    long started = System.nanoTime();

    // The loop keeps running: 30 s worth of ticks, at least 3 a second (it polls every 200 ms) ...
    running.awaitTicks(GATE, STEADY_TICKS, Duration.ofSeconds(STEADY_TICKS / 3));

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    int vsWrites = h.writesTo(VS_PATH).size() - vs;
    int drWrites = h.writesTo(DR_PATH).size() - dr;
    int statusWrites = h.writesTo(STATUS_PATH).size() - status;
    System.out.printf(
        "SteadyStateIT: %d ticks in %d ms: %d VirtualService, %d DestinationRule, %d status writes%n",
        STEADY_TICKS, took.toMillis(), vsWrites, drWrites, statusWrites);
    // ... and writes nothing it does not have to.
    assertThat(vsWrites).isZero();
    assertThat(drWrites).isZero();
    assertThat(statusWrites).isLessThanOrEqualTo(3);
  }
}
