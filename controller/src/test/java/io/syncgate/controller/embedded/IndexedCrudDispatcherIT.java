package io.syncgate.controller.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server finds the object a request names through its index ({@link
 * IndexedCrudDispatcher}) and still behaves as fabric8's CRUD mode does: the same name in two
 * namespaces or of two kinds are two objects, a second create is a conflict, an update of something
 * deleted is not found, the status subresource is kept apart.
 */
class IndexedCrudDispatcherIT {

  private final EmbeddedApiServer api = EmbeddedApiServer.start();
  private final KubernetesClient client = api.admin();

  @AfterEach
  void close() {
    api.close();
  }

  @Test
  void theSameNameInTwoNamespacesAndOfTwoKindsIsFourObjects() {
    for (String namespace : new String[] {"a", "b"}) {
      client
          .pods()
          .inNamespace(namespace)
          .resource(MemberPods.running(namespace, "pg-0", "127.0.0.2", Map.of("n", namespace)))
          .create();
      client
          .configMaps()
          .inNamespace(namespace)
          .resource(configMap(namespace, "pg-0", namespace))
          .create();
    }

    assertThat(client.pods().inNamespace("a").withName("pg-0").get().getMetadata().getLabels())
        .containsEntry("n", "a");
    assertThat(client.pods().inNamespace("b").withName("pg-0").get().getMetadata().getLabels())
        .containsEntry("n", "b");
    assertThat(client.configMaps().inNamespace("b").withName("pg-0").get().getData())
        .containsEntry("k", "b");
    assertThat(client.pods().inAnyNamespace().list().getItems()).hasSize(2);
  }

  @Test
  void aSecondCreateConflictsAndAnUpdateAfterDeleteIsNotFound() {
    ConfigMap first =
        client.configMaps().inNamespace("a").resource(configMap("a", "cm", "1")).create();

    assertThatThrownBy(
            () -> client.configMaps().inNamespace("a").resource(configMap("a", "cm", "2")).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    ConfigMap updated =
        client
            .configMaps()
            .inNamespace("a")
            .resource(new ConfigMapBuilder(first).withData(Map.of("k", "3")).build())
            .update();
    assertThat(updated.getData()).containsEntry("k", "3");
    assertThat(client.configMaps().inNamespace("a").withName("cm").get().getData())
        .containsEntry("k", "3");

    client
        .configMaps()
        .inNamespace("a")
        .withName("cm")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"4\"}}");
    assertThat(client.configMaps().inNamespace("a").withName("cm").get().getData())
        .containsEntry("k", "4");

    client.configMaps().inNamespace("a").withName("cm").delete();
    assertThat(client.configMaps().inNamespace("a").withName("cm").get()).isNull();
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("a")
                    .resource(
                        new ConfigMapBuilder(updated)
                            .editMetadata()
                            .withResourceVersion(null)
                            .endMetadata()
                            .build())
                    .update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));

    client.configMaps().inNamespace("a").resource(configMap("a", "cm", "5")).create();
    assertThat(client.configMaps().inNamespace("a").withName("cm").get().getData())
        .containsEntry("k", "5");
    assertThat(client.configMaps().inNamespace("a").list().getItems()).hasSize(1);
  }

  @Test
  void aStatusWriteChangesTheStatusOfTheOneGateItNames() {
    for (String name : new String[] {"pg", "pg-2"}) {
      ReplicaGate gate = new ReplicaGate();
      gate.getMetadata().setNamespace("a");
      gate.getMetadata().setName(name);
      client.resources(ReplicaGate.class).inNamespace("a").resource(gate).create();
    }
    ReplicaGate pg = client.resources(ReplicaGate.class).inNamespace("a").withName("pg").get();
    ReplicaGateStatus status = new ReplicaGateStatus();
    status.setServing(3);
    pg.setStatus(status);

    client.resources(ReplicaGate.class).inNamespace("a").resource(pg).updateStatus();

    assertThat(
            client
                .resources(ReplicaGate.class)
                .inNamespace("a")
                .withName("pg")
                .get()
                .getStatus()
                .getServing())
        .isEqualTo(3);
    ReplicaGate other = client.resources(ReplicaGate.class).inNamespace("a").withName("pg-2").get();
    assertThat(other.getStatus() == null ? null : other.getStatus().getServing()).isNull();
  }

  private static ConfigMap configMap(String namespace, String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withData(Map.of("k", value))
        .build();
  }
}
