package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The EndpointSlices of a gate's Services from a fabric8 informer in the gate's namespace,
 * label-filtered to those Services ({@code kubernetes.io/service-name in (...)}), so the controller
 * caches only the slices it reads. Failures are retried and shown as {@link GateInformer} does.
 */
final class InformerEndpointSource implements EndpointSource {

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
            ? slices.withLabel(ReadyEndpoints.SERVICE_NAME_LABEL, sorted.iterator().next())
            : slices.withLabelIn(ReadyEndpoints.SERVICE_NAME_LABEL, sorted.toArray(String[]::new));
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
    return ReadyEndpoints.of(informer.list(), service);
  }

  @Override
  public void close() {
    informer.close();
  }
}
