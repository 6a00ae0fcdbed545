package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which gates a controller takes on, and what it does when one is deleted. */
class GateLifecycleIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void aGateOutsideTheWatchedNamespacesIsLeftAlone() {
    h.admin()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("elsewhere").endMetadata().build())
        .create();
    ReplicaGate other = TestGates.gate(spec -> {});
    other.getMetadata().setNamespace("elsewhere");
    h.admin().resource(other).create();

    h.servingCluster(1, spec -> {});

    ReplicaGate untouched =
        h.admin()
            .resources(ReplicaGate.class)
            .inNamespace("elsewhere")
            .withName(TestGates.GATE)
            .get();
    assertThat(untouched.getStatus()).isNull();
    assertThat(h.writesTo("/namespaces/elsewhere/"))
        .as("writes by the controller")
        .noneMatch(r -> String.valueOf(r.getHeader("User-Agent")).startsWith("syncgate-test/"));
  }

  @Test
  void aDeletedGateIsNoLongerPolledItsMetricsGoAndItsMeshIsLeftToOwnerReferences() {
    ControllerHarness.Running running = h.servingCluster(1, spec -> {});
    String uid = h.gate().getMetadata().getUid();
    assertThat(h.virtualService().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getUid()).isEqualTo(uid);
              assertThat(ref.getController()).isTrue();
            });
    assertThat(running.metrics().scrape()).contains("gate=\"hippo-reads\"");

    h.admin()
        .resources(ReplicaGate.class)
        .inNamespace(TestGates.NAMESPACE)
        .withName(TestGates.GATE)
        .delete();
    Await.until(
        Duration.ofSeconds(3),
        "the gate's series gone from /metrics",
        () -> !running.metrics().scrape().contains("gate=\"hippo-reads\""));
    long polls = h.simulator.totalRequestCount();
    int writes = h.writesTo("/namespaces/db/").size();
    long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    Await.until(Duration.ofSeconds(5), "five poll intervals", () -> System.nanoTime() >= until);

    assertThat(h.simulator.totalRequestCount()).isEqualTo(polls);
    assertThat(h.writesTo("/namespaces/db/")).hasSize(writes);
    // The mock API server does no garbage collection; a real one deletes these by owner reference.
    assertThat(h.virtualService()).isNotNull();
  }
}
