package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pods and EndpointSlices of the namespaces with gates, each kind watched once per namespace
 * ({@link SharedInformers}), and every gate's view of them: a {@link PodSource} that matches the
 * gate's selector in the controller ({@link LabelSelection}), an {@link EndpointSource} that reads
 * its Services' slices from an index. The caches keep only the fields the controller reads ({@link
 * CachedFields}).
 *
 * <p>Per namespace rather than one cluster-wide watch: a controller limited to some namespaces
 * (namespaced RBAC) may not list pods cluster-wide, and a cluster-wide cache would hold every pod
 * of the cluster, most of which belong to no gate.
 */
final class NamespaceWatches {

  /** The index of EndpointSlices by the Service they belong to. */
  static final String SERVICE_INDEX = "syncgate.io/service-name";

  private final SharedInformers<Pod> pods;
  private final SharedInformers<EndpointSlice> slices;

  NamespaceWatches(KubernetesClient client, KubeWorker worker) {
    this.pods =
        new SharedInformers<>(
            "pods",
            namespace -> {
              SharedIndexInformer<Pod> informer =
                  client.pods().inNamespace(namespace).runnableInformer(0);
              informer.itemStore(new TrimmedItemStore<>(CachedFields::pod));
              informer.addIndexers(Map.of(LabelSelection.LABEL_INDEX, LabelSelection::indexValues));
              return informer;
            },
            worker);
    this.slices =
        new SharedInformers<>(
            "EndpointSlices",
            namespace -> {
              // Only slices that belong to a Service (the EndpointSlice controller labels each).
              SharedIndexInformer<EndpointSlice> informer =
                  client
                      .discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace(namespace)
                      .withLabel(ReadyEndpoints.SERVICE_NAME_LABEL)
                      .runnableInformer(0);
              informer.itemStore(new TrimmedItemStore<>(CachedFields::endpointSlice));
              informer.addIndexers(Map.of(SERVICE_INDEX, NamespaceWatches::service));
              return informer;
            },
            worker);
  }

  /** {@code gate}'s member pods. */
  PodSource pods(GateKey gate) {
    return new GatePods(gate, pods);
  }

  /** The EndpointSlices of {@code gate}'s Services. */
  EndpointSource endpoints(GateKey gate) {
    return new GateEndpoints(gate, slices);
  }

  private static List<String> service(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(ReadyEndpoints.SERVICE_NAME_LABEL);
    return service == null ? List.of() : List.of(service);
  }

  /**
   * One gate's hold on its namespace's shared informer of one kind: taken at its first watch, given
   * back at close; what the gate sees is its subclass's.
   */
  private abstract static class GateView<T> {

    private final GateKey gate;
    private final SharedInformers<T> shared;
    private NamespaceInformer<T> informer;

    GateView(GateKey gate, SharedInformers<T> shared) {
      this.gate = gate;
      this.shared = shared;
    }

    final void acquire() {
      if (informer == null) {
        informer = shared.acquire(gate);
      }
    }

    /** The namespace's cache, or null before the first watch or after close. */
    final Indexer<T> cache() {
      return informer == null ? null : informer.cache();
    }

    public final boolean synced() {
      return informer != null && informer.synced();
    }

    public final Optional<String> failure() {
      return informer == null ? Optional.empty() : informer.failure();
    }

    public final void close() {
      if (informer != null) {
        informer = null;
        shared.release(gate);
      }
    }
  }

  /** One gate's pods: those of its namespace's shared cache that its selector matches. */
  private static final class GatePods extends GateView<Pod> implements PodSource {

    private LabelSelector selector;

    GatePods(GateKey gate, SharedInformers<Pod> shared) {
      super(gate, shared);
    }

    @Override
    public void watch(LabelSelector selector) {
      this.selector = selector;
      acquire();
    }

    @Override
    public List<Pod> pods() {
      Indexer<Pod> cache = cache();
      return cache == null ? List.of() : LabelSelection.select(cache, selector);
    }
  }

  /** One gate's EndpointSlices: those of its Services, from its namespace's shared cache. */
  private static final class GateEndpoints extends GateView<EndpointSlice>
      implements EndpointSource {

    private Set<String> services = Set.of();

    GateEndpoints(GateKey gate, SharedInformers<EndpointSlice> shared) {
      super(gate, shared);
    }

    @Override
    public void watch(Set<String> services) {
      this.services = Set.copyOf(services);
      acquire();
    }

    @Override
    public Set<String> readyAddresses(String service) {
      Indexer<EndpointSlice> cache = cache();
      if (cache == null || !services.contains(service)) {
        return Set.of();
      }
      return ReadyEndpoints.of(cache.byIndex(SERVICE_INDEX, service), service);
    }
  }
}
