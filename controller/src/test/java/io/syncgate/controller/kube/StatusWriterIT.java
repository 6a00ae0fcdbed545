package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.status.WriteResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Status writes cost one PUT with the version last seen, and never go without it. */
class StatusWriterIT {

  @RegisterExtension final ApiServerFixture kube = new ApiServerFixture();

  private final EmbeddedApiServer api = kube.api();
  private final StatusWriter writer = new StatusWriter(kube.client(), kube.worker());

  private ReplicaGate createGate() {
    return api.admin()
        .resources(ReplicaGate.class)
        .inNamespace(TestGates.NAMESPACE)
        .resource(TestGates.gate(spec -> {}))
        .create();
  }

  private static ReplicaGateStatus status(long generation) {
    ReplicaGateStatus status = new ReplicaGateStatus();
    status.setObservedGeneration(generation);
    return status;
  }

  private List<String> gateRequestsSince(int from) {
    List<RecordedRequest> all = api.requests();
    return all.subList(from, all.size()).stream()
        .filter(r -> r.getPath().contains("/replicagates/"))
        .map(r -> r.getMethod() + " " + (r.getPath().endsWith("/status") ? "status" : "gate"))
        .toList();
  }

  @Test
  void aCurrentVersionCostsOnePutAndNoRead() {
    ReplicaGate gate = createGate();
    int before = api.requests().size();

    WriteOutcome<ReplicaGate> first =
        Await.result(writer.write(gate, status(1), gate.getMetadata().getResourceVersion()));
    WriteOutcome<ReplicaGate> second =
        Await.result(
            writer.write(
                gate, status(2), first.live().orElseThrow().getMetadata().getResourceVersion()));

    assertThat(first.result()).isEqualTo(WriteResult.UPDATED);
    assertThat(second.result()).isEqualTo(WriteResult.UPDATED);
    assertThat(gateRequestsSince(before)).containsExactly("PUT status", "PUT status");
    assertThat(
            Await.result(writer.read(new GateKey(TestGates.NAMESPACE, TestGates.GATE)))
                .getStatus()
                .getObservedGeneration())
        .isEqualTo(2L);
  }

  private static final String STATUS_PATH =
      "/apis/"
          + ReplicaGate.GROUP
          + "/"
          + ReplicaGate.VERSION
          + "/namespaces/"
          + TestGates.NAMESPACE
          + "/replicagates/"
          + TestGates.GATE
          + "/status";

  @Test
  void aStaleVersionIsAConflictAndTheStatusIsNeverSentWithoutItsPrecondition() {
    ReplicaGate gate = createGate();
    String stale = gate.getMetadata().getResourceVersion();
    // The CRUD mock does not check preconditions; a real API server answers a stale one so.
    api.expect()
        .put()
        .withPath(STATUS_PATH)
        .andReturn(409, "{\"kind\":\"Status\",\"code\":409}")
        .once();
    int before = api.requests().size();

    WriteOutcome<ReplicaGate> write = Await.result(writer.write(gate, status(7), stale));

    // An old leader's late write must not overwrite the new leader's status: no blind retry.
    assertThat(write.result()).isEqualTo(WriteResult.CONFLICT);
    assertThat(gateRequestsSince(before)).containsExactly("PUT status");
  }

  @Test
  void withoutAVersionFabric8ReadsTheCurrentOneFirst() {
    ReplicaGate gate = createGate();
    int before = api.requests().size();

    WriteOutcome<ReplicaGate> write = Await.result(writer.write(gate, status(3), null));

    assertThat(write.result()).isEqualTo(WriteResult.UPDATED);
    assertThat(gateRequestsSince(before)).containsExactly("GET gate", "PUT status");
  }
}
