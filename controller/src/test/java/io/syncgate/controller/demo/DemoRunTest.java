package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.syncgate.controller.kube.ReadyEndpoints;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded cluster's Services, like PGO's: the read host's selects replicas only, the primary's
 * has the leader as its one endpoint.
 */
class DemoRunTest {

  private static final String ROLE = "postgres-operator.crunchydata.com/role";

  private static String serviceOf(EndpointSlice slice) {
    return slice.getMetadata().getLabels().get(ReadyEndpoints.SERVICE_NAME_LABEL);
  }

  @Test
  void theLeaderIsAnEndpointOfThePrimaryServiceOnlyAndEachReplicaOfTheReadServiceOnly() {
    Pod leader = DemoRun.pod("hippo-0", "127.0.9.2", true);
    Pod replica = DemoRun.pod("hippo-1", "127.0.9.3", false);

    EndpointSlice primary = DemoRun.endpointOf(leader, true);
    EndpointSlice read = DemoRun.endpointOf(replica, false);

    assertThat(serviceOf(primary)).isEqualTo("hippo-ha");
    assertThat(primary.getEndpoints()).hasSize(1);
    assertThat(primary.getEndpoints().get(0).getAddresses()).containsExactly("127.0.9.2");
    assertThat(primary.getEndpoints().get(0).getConditions().getReady()).isTrue();
    assertThat(primary.getEndpoints().get(0).getTargetRef().getName()).isEqualTo("hippo-0");
    assertThat(serviceOf(read)).isEqualTo("hippo-replicas");
    assertThat(read.getEndpoints().get(0).getAddresses()).containsExactly("127.0.9.3");
    assertThat(read.getEndpoints().get(0).getTargetRef().getName()).isEqualTo("hippo-1");
    // The Services the gate names: the read host and mesh.primaryHost.
    assertThat(DemoSettings.HOST).startsWith(serviceOf(read) + ".db.");
    assertThat(DemoSettings.PRIMARY_HOST).startsWith(serviceOf(primary) + ".db.");
  }

  @Test
  void podsCarryTheRoleThatTheReadServiceSelectsOn() {
    Service read = DemoRun.readService();
    Pod leader = DemoRun.pod("hippo-0", "127.0.9.2", true);
    Pod replica = DemoRun.pod("hippo-1", "127.0.9.3", false);

    assertThat(read.getMetadata().getName()).isEqualTo("hippo-replicas");
    assertThat(read.getSpec().getSelector())
        .isEqualTo(Map.of("postgres-operator.crunchydata.com/cluster", "hippo", ROLE, "replica"));
    assertThat(replica.getMetadata().getLabels())
        .containsAllEntriesOf(read.getSpec().getSelector());
    assertThat(leader.getMetadata().getLabels()).containsEntry(ROLE, "master");
    assertThat(leader.getMetadata().getLabels())
        .containsEntry("postgres-operator.crunchydata.com/cluster", "hippo")
        .containsEntry("statefulset.kubernetes.io/pod-name", "hippo-0");
  }

  @Test
  void thePrimaryServiceHasNoSelectorItsEndpointIsKeptByPatroni() {
    Service primary = DemoRun.primaryService();

    assertThat(primary.getMetadata().getName()).isEqualTo("hippo-ha");
    assertThat(primary.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(primary.getSpec().getSelector()).isNullOrEmpty();
    assertThat(primary.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(5432);
  }

  @Test
  void aRequestIsAMergePatchAddingOneAnnotationAsKubectlSyncgateSendsIt() throws Exception {
    String value =
        io.syncgate.policy.rollout.ActionRequests.value(
            io.syncgate.policy.gating.ActionVerb.HOLD, "hippo-4", "operator", null);

    String patch = DemoRun.requestPatch("hold-hippo-4-2", value);

    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(patch);
    assertThat(json.fieldNames()).toIterable().containsExactly("metadata");
    assertThat(json.get("metadata").fieldNames()).toIterable().containsExactly("annotations");
    assertThat(json.get("metadata").get("annotations").fieldNames())
        .toIterable()
        .containsExactly("request.syncgate.io/hold-hippo-4-2");
    assertThat(
            json.get("metadata")
                .get("annotations")
                .get("request.syncgate.io/hold-hippo-4-2")
                .asText())
        .isEqualTo("{\"action\":\"hold\",\"replica\":\"hippo-4\",\"by\":\"operator\"}");
  }
}
