package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EndpointSlices of a gate's Services from a fabric8 informer in the gate's namespace,
 * label-filtered to those Services ({@code kubernetes.io/service-name in (...)}), so the controller
 * caches only the slices it reads. It retries every failure, its first list included, like {@link
 * InformerPodSource}; until it has synced, {@link #failure} says why.
 */
final class InformerEndpointSource implements EndpointSource {

  /** The label the EndpointSlice controller puts on each slice: the Service it belongs to. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private static final Logger LOG = LoggerFactory.getLogger(InformerEndpointSource.class);

  private final GateKey key;
  private final KubernetesClient client;
  private final KubeWorker worker;
  private SharedIndexInformer<EndpointSlice> informer;

  /** Written by fabric8's threads, read on the controller's context. */
  private volatile String failure;

  InformerEndpointSource(GateKey key, KubernetesClient client, KubeWorker worker) {
    this.key = key;
    this.client = client;
    this.worker = worker;
  }

  @Override
  public void watch(Set<String> services) {
    close();
    SharedIndexInformer<EndpointSlice> started =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(key.namespace())
            .withLabelIn(SERVICE_NAME_LABEL, new TreeSet<>(services).toArray(String[]::new))
            .runnableInformer(0);
    failure = null;
    Informers.retryEverything(
        started,
        e -> {
          String now =
              "listing the EndpointSlices of " + services + " failed: " + Informers.describe(e);
          if (!now.equals(failure)) {
            LOG.warn("{}: {} (retrying)", key, now);
          }
          failure = now;
        });
    informer = started;
    // Starting lists the slices: a blocking call, so it runs on the worker pool.
    worker
        .call(started::start)
        .compose(stage -> Future.fromCompletionStage(stage))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                failure =
                    "EndpointSlice informer failed to start: " + Informers.describe(ar.cause());
                LOG.warn("{}: {}", key, failure);
              } else {
                failure = null;
                LOG.debug("{}: watching the EndpointSlices of {}", key, services);
              }
            });
  }

  @Override
  public boolean synced() {
    return informer != null && informer.hasSynced();
  }

  @Override
  public Optional<String> failure() {
    return synced() ? Optional.empty() : Optional.ofNullable(failure);
  }

  @Override
  public Set<String> readyAddresses(String service) {
    return informer == null ? Set.of() : readyAddresses(informer.getStore().list(), service);
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
    SharedIndexInformer<EndpointSlice> closing = informer;
    informer = null;
    if (closing != null) {
      worker.call(
          () -> {
            closing.close();
            return null;
          });
    }
  }
}
