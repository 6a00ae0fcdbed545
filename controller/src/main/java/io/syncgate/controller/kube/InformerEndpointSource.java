package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The EndpointSlices of a gate's Services from a fabric8 informer in the gate's namespace,
 * label-filtered to those Services ({@code kubernetes.io/service-name in (...)}), so the controller
 * caches only the slices it reads. Failures are retried and shown as {@link GateInformer} does.
 */
final class InformerEndpointSource implements EndpointSource {

  /** The label the EndpointSlice controller puts on each slice: the Service it belongs to. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final GateKey key;
  private final KubernetesClient client;
  private final GateInformer<EndpointSlice> informer;

  InformerEndpointSource(GateKey key, KubernetesClient client, KubeWorker worker) {
    this.key = key;
    this.client = client;
    this.informer = new GateInformer<>(key, worker);
  }

  @Override
  public void watch(Set<String> services) {
    Set<String> sorted = new TreeSet<>(services);
    var slices = client.discovery().v1().endpointSlices().inNamespace(key.namespace());
    // An equality selector for the usual one Service: every API server filters by it (the embedded
    // one used by the demo and the benchmark ignores set-based ones and would send every slice).
    var selected =
        sorted.size() == 1
            ? slices.withLabel(SERVICE_NAME_LABEL, sorted.iterator().next())
            : slices.withLabelIn(SERVICE_NAME_LABEL, sorted.toArray(String[]::new));
    informer.run(selected.runnableInformer(0), "the EndpointSlices of " + sorted);
  }

  @Override
  public boolean synced() {
    return informer.synced();
  }

  @Override
  public Optional<String> failure() {
    return informer.failure();
  }

  @Override
  public Set<String> readyAddresses(String service) {
    return readyAddresses(informer.list(), service);
  }

  /**
   * The addresses of {@code service}'s ready endpoints in {@code slices}. An endpoint whose {@code
   * ready} condition is unset counts as ready, as the API says consumers should read it; a
   * terminating one is not ready.
   */
  static Set<String> readyAddresses(List<EndpointSlice> slices, String service) {
    Set<String> out = new HashSet<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels = slice.getMetadata().getLabels();
      if (labels == null || !service.equals(labels.get(SERVICE_NAME_LABEL))) {
        continue;
      }
      for (Endpoint endpoint :
          slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        boolean ready =
            endpoint.getConditions() == null
                || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
        if (ready && endpoint.getAddresses() != null) {
          out.addAll(endpoint.getAddresses());
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    informer.close();
  }
}
