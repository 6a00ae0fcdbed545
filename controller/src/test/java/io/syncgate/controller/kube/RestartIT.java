package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.GIB;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static io.syncgate.controller.kube.TestGates.weightsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A controller stopped mid-ramp and started again adopts the live weights and the stored status:
 * whatever it writes first has the weights from before the stop, and the ramp goes on from there.
 */
class RestartIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void restartMidRampMovesNoTraffic() {
    ControllerHarness.Running first = startWithJoiner();
    Map<String, Integer> midRamp = expected(member(1), 40, member(2), 40, member(3), 20);
    Await.until(Duration.ofSeconds(10), "the joiner ramping", h::weights, midRamp::equals);
    Await.until(Duration.ofSeconds(2), "status Ramping", () -> "Ramping".equals(h.phase(3)));

    first.stop();
    int writesBeforeRestart = h.vsWrites().size();
    ControllerHarness.Running second = h.startController();

    // Wait until the new controller has reconciled the route a few times (and written nothing).
    Await.until(
        Duration.ofSeconds(5),
        "the new controller reconciling the VirtualService",
        () -> vsNoops(second) >= 5);
    List<VirtualService> afterRestart =
        h.vsWrites().subList(writesBeforeRestart, h.vsWrites().size());
    for (VirtualService vs : afterRestart) {
      assertThat(weightsOf(vs)).isEqualTo(midRamp);
    }
    assertThat(h.weights()).isEqualTo(midRamp);
    ReplicaGate gate = h.gate();
    assertThat(h.phase(3)).isEqualTo("Ramping");
    assertThat(h.replicaStatus(3).getStep()).isZero();
    assertThat(gate.getStatus().getServing()).isEqualTo(2);

    // The ramp goes on from where it was, not from the start.
    h.awaitServing(3);
    System.out.printf(
        "RestartIT: %d VirtualService writes by the restarted controller before the next step%n",
        afterRestart.size());
  }

  /**
   * Two serving replicas, then stepInterval raised to 6 s so the joiner stays at its first step
   * long enough to restart in the middle of it.
   */
  private ControllerHarness.Running startWithJoiner() {
    h.simulate(List.of(h.leader(0), h.replica(1), h.replica(2), h.replica(3)));
    h.sim(0).setLocation(START_POSITION);
    h.sim(1).setReceivedAndReplayed(START_POSITION);
    h.sim(2).setReceivedAndReplayed(START_POSITION);
    h.sim(3).setReceivedAndReplayed(START_POSITION - GIB);
    for (int i = 0; i < 3; i++) {
      h.createPod(i);
    }
    h.createGate(spec -> spec.getRamp().setSteps(List.of(50, 100)));
    ControllerHarness.Running first = h.startController();
    h.awaitServing(2);
    h.admin()
        .resources(ReplicaGate.class)
        .inNamespace(ControllerHarness.NAMESPACE)
        .withName(ControllerHarness.GATE)
        .edit(
            g -> {
              g.getSpec().getRamp().setStepInterval("8s");
              return g;
            });
    h.createPod(3);
    h.sim(3).setReceivedAndReplayed(START_POSITION);
    return first;
  }

  private static double vsNoops(ControllerHarness.Running controller) {
    var counter =
        controller
            .metrics()
            .registry()
            .find("syncgate.mesh.writes")
            .tags("kind", "VirtualService", "result", "noop")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
