package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.NAMESPACE;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;

import io.fabric8.kubernetes.api.model.Condition;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.status.GateConditions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gate's pods cannot be listed when its controller starts (API server refusing, RBAC): the gate
 * says so instead of freezing, and reconciles once the list succeeds.
 */
class PodWatchIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void aFirstPodListThatFailsIsRetriedAndShownUntilItSucceeds() {
    h.cluster(1, 0, spec -> spec.getRamp().setSteps(List.of(100)));
    h.api.inject(
        EmbeddedApiServer.failing("GET", "/api/v1/namespaces/" + NAMESPACE + "/pods", 403));

    h.startController();

    Await.until(
        Duration.ofSeconds(10),
        "Ready=False PodWatchFailed",
        () -> {
          ReplicaGate gate = h.gate();
          Condition ready =
              gate.getStatus() == null
                  ? null
                  : GateConditions.find(gate.getStatus().getConditions(), GateConditions.READY);
          return ready != null
              && ready.getStatus().equals("False")
              && ready.getReason().equals("PodWatchFailed")
              && ready.getMessage().contains("listing pods failed");
        });
    Await.until(
        Duration.ofSeconds(5),
        "a PodWatchFailed event",
        () -> h.eventReasons().contains("PodWatchFailed"));

    h.api.inject(null);

    Await.until(
        Duration.ofSeconds(30),
        "the replica serving once the pods can be listed",
        h::weights,
        w -> w.equals(expected(member(1), 100)));
    Await.until(
        Duration.ofSeconds(5),
        "Ready=True",
        () -> GateConditions.isTrue(h.gate().getStatus().getConditions(), GateConditions.READY));
  }
}
