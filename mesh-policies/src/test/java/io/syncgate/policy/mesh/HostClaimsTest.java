package io.syncgate.policy.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostClaimsTest {

  @Test
  void everyFormOfAClusterServiceNameNamesTheSameService() {
    for (String host :
        List.of(
            "hippo-replicas",
            "hippo-replicas.db",
            "hippo-replicas.db.svc",
            "hippo-replicas.db.svc.cluster.local",
            "Hippo-Replicas.DB.svc.cluster.local.")) {
      assertThat(HostClaims.service(host, "db")).as(host).contains("hippo-replicas.db");
    }
    assertThat(HostClaims.service("hippo-replicas", "billing")).contains("hippo-replicas.billing");
    assertThat(HostClaims.service("db.example.com", "db")).isEmpty();
    assertThat(HostClaims.service("", "db")).isEmpty();
  }

  @Test
  void theGatesOwnVirtualServiceIsNoClaimButAnyOtherIs() {
    ReplicaGate gate = gate("hippo-reads", "2026-12-07T09:00:00Z");
    VirtualService own = vs("hippo-reads", Map.of("app.kubernetes.io/managed-by", "syncgate"));
    VirtualService handWritten = vs("hippo-reads", Map.of());
    VirtualService otherGates =
        vs("hippo-other", Map.of("app.kubernetes.io/managed-by", "syncgate"));

    assertThat(HostClaims.conflict(gate, List.of(own), List.of(gate))).isEmpty();
    assertThat(HostClaims.conflict(gate, List.of(own, handWritten), List.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("VirtualService db/hippo-reads also"));
    assertThat(HostClaims.conflict(gate, List.of(otherGates), List.of()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("VirtualService db/hippo-other also"));
  }

  @Test
  void ofTwoGatesForOneHostTheOlderKeepsItWhateverTheOrder() {
    ReplicaGate older = gate("b-gate", "2026-12-01T09:00:00Z");
    ReplicaGate younger = gate("a-gate", "2026-12-07T09:00:00Z");

    assertThat(HostClaims.conflict(older, List.of(), List.of(younger, older))).isEmpty();
    assertThat(HostClaims.conflict(younger, List.of(), List.of(younger, older)))
        .hasValueSatisfying(m -> assertThat(m).contains("already gated by ReplicaGate db/b-gate"));
  }

  private static ReplicaGate gate(String name, String created) {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace("db");
    gate.getMetadata().setName(name);
    gate.getMetadata().setCreationTimestamp(created);
    MeshSpec mesh = new MeshSpec();
    mesh.setHost("hippo-replicas");
    gate.getSpec().setMesh(mesh);
    return gate;
  }

  private static VirtualService vs(String name, Map<String, String> labels) {
    return new VirtualServiceBuilder()
        .withNewMetadata()
        .withNamespace("db")
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withHosts("hippo-replicas.db.svc.cluster.local")
        .endSpec()
        .build();
  }
}
