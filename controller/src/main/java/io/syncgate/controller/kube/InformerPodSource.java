package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A gate's member pods from a fabric8 informer in the gate's namespace, by label selector. */
final class InformerPodSource implements PodSource {

  private static final Logger LOG = LoggerFactory.getLogger(InformerPodSource.class);

  private final GateKey key;
  private final KubernetesClient client;
  private final KubeWorker worker;
  private SharedIndexInformer<Pod> informer;

  InformerPodSource(GateKey key, KubernetesClient client, KubeWorker worker) {
    this.key = key;
    this.client = client;
    this.worker = worker;
  }

  @Override
  public void watch(LabelSelector selector) {
    close();
    SharedIndexInformer<Pod> started =
        client.pods().inNamespace(key.namespace()).withLabelSelector(selector).runnableInformer(0);
    informer = started;
    // Starting lists the pods: a blocking call, so it runs on the worker pool.
    worker
        .call(started::start)
        .compose(stage -> Future.fromCompletionStage(stage))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("{}: pod informer failed to start: {}", key, ar.cause().toString());
              } else {
                LOG.debug("{}: watching pods {}", key, selector);
              }
            });
  }

  @Override
  public boolean synced() {
    return informer != null && informer.hasSynced();
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
