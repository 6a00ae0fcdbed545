package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gate's member pods from a fabric8 informer in the gate's namespace, by label selector.
 *
 * <p>The informer retries every failure, its first list included (fabric8's default gives up on a
 * first list that fails: an API server down while the controller starts, a 403, a 400 from a label
 * value would leave the gate without members forever). Until it has synced, {@link #failure} says
 * why, and the gate shows it.
 */
final class InformerPodSource implements PodSource {

  private static final Logger LOG = LoggerFactory.getLogger(InformerPodSource.class);

  private final GateKey key;
  private final KubernetesClient client;
  private final KubeWorker worker;
  private SharedIndexInformer<Pod> informer;

  /** Written by fabric8's threads, read on the controller's context. */
  private volatile String failure;

  InformerPodSource(GateKey key, KubernetesClient client, KubeWorker worker) {
    this.key = key;
    this.client = client;
    this.worker = worker;
  }

  @Override
  public void watch(LabelSelector selector) {
    close();
    SharedIndexInformer<Pod> started;
    try {
      started =
          client
              .pods()
              .inNamespace(key.namespace())
              .withLabelSelector(selector)
              .runnableInformer(0);
    } catch (RuntimeException e) {
      failure = "cannot watch pods with spec.selector: " + e.getMessage();
      LOG.warn("{}: {}", key, failure);
      return;
    }
    failure = null;
    Informers.retryEverything(
        started,
        e -> {
          String now = "listing pods failed: " + Informers.describe(e);
          if (!now.equals(failure)) {
            LOG.warn("{}: {} (retrying)", key, now);
          }
          failure = now;
        });
    informer = started;
    // Starting lists the pods: a blocking call, so it runs on the worker pool.
    worker
        .call(started::start)
        .compose(stage -> Future.fromCompletionStage(stage))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                failure = "pod informer failed to start: " + Informers.describe(ar.cause());
                LOG.warn("{}: {}", key, failure);
              } else {
                failure = null;
                LOG.debug("{}: watching pods {}", key, selector);
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
  public List<Pod> pods() {
    return informer == null ? List.of() : informer.getStore().list();
  }

  @Override
  public void close() {
    SharedIndexInformer<Pod> closing = informer;
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
