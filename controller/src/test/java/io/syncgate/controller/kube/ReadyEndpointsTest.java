package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses of a Service's EndpointSlices count as ready endpoints. */
class ReadyEndpointsTest {

  @Test
  void readyTrueOrUnsetCountsNotReadyAndOtherServicesDoNot() {
    EndpointSlice replicas =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName("hippo-replicas-abc")
            .addToLabels(ReadyEndpoints.SERVICE_NAME_LABEL, "hippo-replicas")
            .endMetadata()
            .addNewEndpoint()
            .withAddresses("10.0.0.1")
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .endEndpoint()
            .addNewEndpoint()
            // No conditions at all: the API says to read an unknown state as ready.
            .withAddresses("10.0.0.2")
            .endEndpoint()
            .addNewEndpoint()
            .withAddresses("10.0.0.3")
            .withNewConditions()
            .withReady(false)
            .withTerminating(true)
            .endConditions()
            .endEndpoint()
            .build();
    EndpointSlice other =
        new EndpointSliceBuilder(replicas)
            .editMetadata()
            .withName("hippo-ha-xyz")
            .addToLabels(ReadyEndpoints.SERVICE_NAME_LABEL, "hippo-ha")
            .endMetadata()
            .build();

    assertThat(ReadyEndpoints.of(List.of(replicas, other), "hippo-replicas"))
        .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(ReadyEndpoints.of(List.of(replicas), "hippo-ha")).isEmpty();
  }
}
