package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.syncgate.controller.embedded.MemberPods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The shared caches keep only some fields of each pod and EndpointSlice: every reader of a cached
 * object answers the same on the trimmed copies as on the objects the API server sent. A field a
 * reader needs and the cache drops would make this fail.
 */
class CachedFieldsTest {

  private static final String SUBSET_LABEL = "syncgate.io/member";
  private static final GateSettings.PatroniSettings PATRONI =
      new GateSettings.PatroniSettings("https", 8009, Duration.ofSeconds(1), null, null, true);
  private static final LabelSelector SELECTOR =
      new LabelSelectorBuilder()
          .addToMatchLabels("cluster", "hippo")
          .addNewMatchExpression()
          .withKey("role")
          .withOperator("NotIn")
          .withValues("master")
          .endMatchExpression()
          .build();

  @Test
  void everyPodReaderSeesTheSameThroughTheTrimmedCache() {
    List<Pod> full =
        List.of(
            pod("hippo-1", "10.0.0.1", Map.of("role", "replica")),
            // The subset label naming another pod.
            pod("hippo-2", "10.0.0.2", Map.of("role", "replica", SUBSET_LABEL, "hippo-9")),
            // Terminating.
            new PodBuilder(pod("hippo-3", "10.0.0.3", Map.of()))
                .editMetadata()
                .withDeletionTimestamp("2024-05-01T10:00:00Z")
                .endMetadata()
                .build(),
            // Pending, no address yet.
            new PodBuilder(pod("hippo-4", null, Map.of()))
                .editStatus()
                .withPhase("Pending")
                .endStatus()
                .build(),
            // Not selected.
            pod("hippo-0", "10.0.0.10", Map.of("role", "master")),
            // Not a ready endpoint.
            pod("hippo-5", "10.0.0.5", Map.of()));
    List<Pod> trimmed = throughCache(full, CachedFields::pod);

    assertThat(trimmed).hasSameSizeAs(full);
    assertThat(PodMembers.uids(trimmed)).isEqualTo(PodMembers.uids(full)).hasSize(full.size());
    assertThat(PodMembers.endpoints(trimmed, PATRONI))
        .isEqualTo(PodMembers.endpoints(full, PATRONI))
        .hasSize(4);
    assertThat(PodMembers.subsetLabelMismatches(trimmed, SUBSET_LABEL))
        .isEqualTo(PodMembers.subsetLabelMismatches(full, SUBSET_LABEL))
        .hasSize(1);
    var ready = java.util.Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.10");
    assertThat(PodMembers.withoutReadyEndpoint(trimmed, ready, "hippo-replicas"))
        .isEqualTo(PodMembers.withoutReadyEndpoint(full, ready, "hippo-replicas"))
        .hasSize(1);
    assertThat(names(trimmed.stream().filter(this::selected).toList()))
        .isEqualTo(names(full.stream().filter(this::selected).toList()))
        .hasSize(5);

    // And it is trimmed: nothing the controller does not read.
    Pod one = trimmed.get(0);
    assertThat(one.getSpec()).isNull();
    assertThat(one.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(one.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(one.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(one.getStatus().getConditions()).isNullOrEmpty();
    assertThat(one.getStatus().getContainerStatuses()).isNullOrEmpty();
    assertThat(one.getMetadata().getResourceVersion()).isEqualTo("1");
  }

  @Test
  void readyEndpointsAreTheSameThroughTheTrimmedCache() {
    EndpointSlice replicas =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace("db")
            .withName("hippo-replicas-abc")
            .withResourceVersion("7")
            .addToLabels(ReadyEndpoints.SERVICE_NAME_LABEL, "hippo-replicas")
            .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller")
            .addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time", "now")
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withPort(5432)
            .endPort()
            .addNewEndpoint()
            .withAddresses("10.0.0.1")
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .withNodeName("node-a")
            .withNewTargetRef()
            .withKind("Pod")
            .withName("hippo-1")
            .endTargetRef()
            .endEndpoint()
            .addNewEndpoint()
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
    EndpointSlice primary =
        new EndpointSliceBuilder(replicas)
            .editMetadata()
            .withName("hippo-primary-xyz")
            .addToLabels(ReadyEndpoints.SERVICE_NAME_LABEL, "hippo-primary")
            .endMetadata()
            .build();
    List<EndpointSlice> full = List.of(replicas, primary);
    List<EndpointSlice> trimmed = throughCache(full, CachedFields::endpointSlice);

    for (String service : List.of("hippo-replicas", "hippo-primary", "other")) {
      assertThat(ReadyEndpoints.of(trimmed, service))
          .as(service)
          .isEqualTo(ReadyEndpoints.of(full, service));
    }
    assertThat(ReadyEndpoints.of(trimmed, "hippo-replicas"))
        .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    EndpointSlice one = trimmed.get(0);
    assertThat(one.getPorts()).isNullOrEmpty();
    assertThat(one.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(one.getEndpoints().get(0).getTargetRef()).isNull();
  }

  private boolean selected(Pod pod) {
    return LabelSelection.matches(SELECTOR, pod.getMetadata().getLabels());
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).sorted().toList();
  }

  /** A Running pod as the API server sends it: spec, annotations, owner, conditions and all. */
  private static Pod pod(String name, String ip, Map<String, String> extraLabels) {
    Map<String, String> labels = new java.util.TreeMap<>(extraLabels);
    labels.put("cluster", "hippo");
    labels.putIfAbsent(SUBSET_LABEL, name);
    return new PodBuilder(MemberPods.running("db", name, ip, labels))
        .editMetadata()
        .withUid("uid-" + name)
        .withResourceVersion("1")
        .addToAnnotations("status", "{\"role\":\"replica\"}")
        .addNewOwnerReference()
        .withKind("StatefulSet")
        .withName("hippo")
        .endOwnerReference()
        .addNewManagedField()
        .withManager("kubelet")
        .endManagedField()
        .endMetadata()
        .editStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .addNewContainerStatus()
        .withName("database")
        .withReady(true)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  /** {@code objects} put through a cache with the trimming store, as the informer does. */
  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<T> throughCache(
      List<T> objects, UnaryOperator<T> trim) {
    CacheImpl<T> cache = new CacheImpl<>();
    cache.setItemStore(new TrimmedItemStore<>(trim));
    objects.forEach(cache::put);
    return objects.stream().map(cache::get).toList();
  }
}
