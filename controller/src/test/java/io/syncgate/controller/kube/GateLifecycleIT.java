package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which gates a controller takes on, and what it does when one is deleted. */
class GateLifecycleIT {

  private static final String BYSTANDER = "bystander";

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
    createBystander();
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
    int writes = h.writesTo("/" + TestGates.GATE).size();
    int events = h.events().size();
    // The deleted gate's timer would have fired as often as the bystander's.
    running.awaitTicks(BYSTANDER, 5, Duration.ofSeconds(10));

    assertThat(h.simulator.totalRequestCount()).isEqualTo(polls);
    assertThat(h.writesTo("/" + TestGates.GATE)).as("writes to the gate's objects").hasSize(writes);
    assertThat(h.events()).as("events about the gate").hasSize(events);
    // The mock API server does no garbage collection; a real one deletes these by owner reference.
    assertThat(h.virtualService()).isNotNull();
  }

  /**
   * A second gate that selects no pods, so it polls nothing: its ticks show that the controller's
   * timers keep firing while the deleted gate stays quiet.
   */
  private void createBystander() {
    ReplicaGate bystander =
        TestGates.gate(
            spec -> {
              spec.setSelector(
                  new LabelSelectorBuilder()
                      .addToMatchLabels(TestGates.CLUSTER_LABEL, "nobody")
                      .build());
              spec.getMesh().setHost("bystander.db.svc.cluster.local");
            });
    bystander.getMetadata().setName(BYSTANDER);
    h.admin().resource(bystander).create();
  }
}
