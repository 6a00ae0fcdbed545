package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Optional;

/**
 * A gate's member pods from a fabric8 informer in the gate's namespace, by label selector; see
 * {@link GateInformer} for how failures are retried and shown.
 */
final class InformerPodSource implements PodSource {

  private final GateKey key;
  private final KubernetesClient client;
  private final GateInformer<Pod> informer;

  InformerPodSource(GateKey key, KubernetesClient client, KubeWorker worker) {
    this.key = key;
    this.client = client;
    this.informer = new GateInformer<>(key, worker);
  }

  @Override
  public void watch(LabelSelector selector) {
    SharedIndexInformer<Pod> started;
    try {
      started =
          client
              .pods()
              .inNamespace(key.namespace())
              .withLabelSelector(selector)
              .runnableInformer(0);
    } catch (RuntimeException e) {
      informer.cannotRun("cannot watch pods with spec.selector: " + e.getMessage());
      return;
    }
    informer.run(started, "pods");
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
  public List<Pod> pods() {
    return informer.list();
  }

  @Override
  public void close() {
    informer.close();
  }
}
