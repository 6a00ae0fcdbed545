package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.status.GateConditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller watches pods and EndpointSlices once per namespace with gates, not once per gate:
 * 30 gates in two namespaces, two watches of each; the last gate of a namespace deleted, its watch
 * goes, and the next gate there starts a new one.
 */
class SharedWatchesIT {

  private static final List<String> NAMESPACES = List.of("db", "db2");

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void thirtyGatesInTwoNamespacesOpenTwoPodWatchesAndTwoSliceWatches() {
    List<ReplicaGate> gates = new ArrayList<>();
    for (int g = 0; g < 30; g++) {
      gates.add(createGate(NAMESPACES.get(g % 2), "gate-" + g));
    }
    ControllerHarness.Running running =
        h.startController(
            h.config("controller-a")
                .withNamespaces(NAMESPACES)
                .withLeaderElection(false, ControllerHarness.NAMESPACE, "unused"));
    // A gate that ticked has its pods' and slices' caches synced: it watched.
    Await.until(
        Duration.ofSeconds(30), "every gate ticked", () -> gates.stream().allMatch(this::ticked));

    List<RecordedRequest> podWatches = watches("/pods");
    List<RecordedRequest> sliceWatches = watches("/endpointslices");
    System.out.printf(
        "controller with 30 gates in 2 namespaces: %d pod watch(es), %d EndpointSlice watch(es)%n",
        podWatches.size(), sliceWatches.size());
    assertThat(podWatches)
        .extracting(SharedWatchesIT::path)
        .containsExactlyInAnyOrder("/api/v1/namespaces/db/pods", "/api/v1/namespaces/db2/pods");
    assertThat(sliceWatches)
        .extracting(SharedWatchesIT::path)
        .containsExactlyInAnyOrder(
            "/apis/discovery.k8s.io/v1/namespaces/db/endpointslices",
            "/apis/discovery.k8s.io/v1/namespaces/db2/endpointslices");

    // Every gate of db2 deleted: its watches go; a new gate there lists and watches afresh.
    for (ReplicaGate gate : gates) {
      if (gate.getMetadata().getNamespace().equals("db2")) {
        h.admin().resource(gate).delete();
      }
    }
    // The controller has let them go once their metrics are gone (GateRuntime.close releases the
    // watches first).
    Await.until(
        Duration.ofSeconds(15),
        "the deleted gates forgotten",
        () ->
            gates.stream()
                .filter(g -> g.getMetadata().getNamespace().equals("db2"))
                .allMatch(
                    g ->
                        running
                                .metrics()
                                .registry()
                                .find("syncgate.tick")
                                .tags("namespace", "db2", "gate", g.getMetadata().getName())
                                .timer()
                            == null));
    ReplicaGate late = createGate("db2", "late");
    Await.until(Duration.ofSeconds(15), "the late gate ticked", () -> ticked(late));
    assertThat(watches("/pods"))
        .extracting(SharedWatchesIT::path)
        .containsExactlyInAnyOrder(
            "/api/v1/namespaces/db/pods",
            "/api/v1/namespaces/db2/pods",
            "/api/v1/namespaces/db2/pods");
  }

  /** A gate selecting no pod, its host a Service of its own namespace. */
  private ReplicaGate createGate(String namespace, String name) {
    ReplicaGate gate =
        TestGates.gate(
            spec -> {
              spec.setSelector(
                  new LabelSelectorBuilder().addToMatchLabels("cluster", name).build());
              spec.getMesh().setHost(name + "-replicas." + namespace + ".svc.cluster.local");
            });
    gate.getMetadata().setNamespace(namespace);
    gate.getMetadata().setName(name);
    return h.admin().resource(gate).create();
  }

  private boolean ticked(ReplicaGate gate) {
    ReplicaGate now =
        h.admin()
            .resources(ReplicaGate.class)
            .inNamespace(gate.getMetadata().getNamespace())
            .withName(gate.getMetadata().getName())
            .get();
    return now != null
        && now.getMetadata().getUid().equals(gate.getMetadata().getUid())
        && now.getStatus() != null
        && GateConditions.find(now.getStatus().getConditions(), GateConditions.READY) != null;
  }

  private List<RecordedRequest> watches(String part) {
    return h.requests().stream()
        .filter(r -> r.getMethod().equals("GET") && r.getPath().contains(part))
        .filter(r -> r.getPath().matches(".*[?&]watch=(true|1)(&.*)?"))
        .toList();
  }

  private static String path(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
