package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the shared pod and EndpointSlice caches keep of each object: the fields the controller
 * reads, nothing else (no spec, managedFields, annotations, container statuses). A field read from
 * a cached object must be kept here, or the controller sees it as unset: {@code CachedFieldsTest}
 * runs every reader on full and trimmed objects.
 *
 * <p>Pods ({@link PodMembers}, {@link LabelSelection}): metadata name, namespace, uid, labels,
 * deletionTimestamp and resourceVersion (the informer compares it); status phase and podIP.
 *
 * <p>EndpointSlices ({@link ReadyEndpoints}): metadata name, namespace, labels and resourceVersion;
 * each endpoint's addresses and conditions.
 */
final class CachedFields {

  private CachedFields() {}

  static Pod pod(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    PodStatus status = pod.getStatus();
    PodBuilder trimmed =
        new PodBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                    .withDeletionTimestamp(meta.getDeletionTimestamp())
                    .withLabels(meta.getLabels())
                    .build());
    if (status != null) {
      trimmed.withNewStatus().withPhase(status.getPhase()).withPodIP(status.getPodIP()).endStatus();
    }
    return trimmed.build();
  }

  static EndpointSlice endpointSlice(EndpointSlice slice) {
    ObjectMeta meta = slice.getMetadata();
    List<Endpoint> endpoints = null;
    if (slice.getEndpoints() != null) {
      endpoints = new ArrayList<>(slice.getEndpoints().size());
      for (Endpoint endpoint : slice.getEndpoints()) {
        endpoints.add(
            endpoint == null
                ? null
                : new EndpointBuilder()
                    .withAddresses(endpoint.getAddresses())
                    .withConditions(endpoint.getConditions())
                    .build());
      }
    }
    return new EndpointSliceBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels())
                .build())
        .withEndpoints(endpoints)
        .build();
  }
}
