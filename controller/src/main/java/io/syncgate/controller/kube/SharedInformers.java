package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The informers of one kind (pods, EndpointSlices), one per namespace that has a gate using them:
 * made when the first gate of a namespace needs it, closed when the last one lets go. So the
 * controller opens one watch of the kind per such namespace, however many gates it has. Used on the
 * controller's context only.
 */
final class SharedInformers<T> {

  /** Makes the informer of a namespace, not yet started; may throw when it cannot. */
  interface Factory<T> {
    SharedIndexInformer<T> informer(String namespace);
  }

  private record Shared<T>(NamespaceInformer<T> informer, Set<GateKey> users) {}

  private final String what;
  private final Factory<T> factory;
  private final KubeWorker worker;
  private final Map<String, Shared<T>> byNamespace = new HashMap<>();

  /** Informers that list {@code what} ("pods"), each made by {@code factory}. */
  SharedInformers(String what, Factory<T> factory, KubeWorker worker) {
    this.what = what;
    this.factory = factory;
    this.worker = worker;
  }

  /** The informer of {@code gate}'s namespace, started for it if it is the first to need it. */
  NamespaceInformer<T> acquire(GateKey gate) {
    Shared<T> shared = byNamespace.computeIfAbsent(gate.namespace(), this::start);
    shared.users().add(gate);
    return shared.informer();
  }

  /** {@code gate} no longer needs its namespace's informer; the last to let go closes it. */
  void release(GateKey gate) {
    Shared<T> shared = byNamespace.get(gate.namespace());
    if (shared == null || !shared.users().remove(gate)) {
      return;
    }
    if (shared.users().isEmpty()) {
      byNamespace.remove(gate.namespace());
      shared.informer().close();
    }
  }

  private Shared<T> start(String namespace) {
    NamespaceInformer<T> informer;
    try {
      informer = NamespaceInformer.run(namespace, what, factory.informer(namespace), worker);
    } catch (RuntimeException e) {
      informer =
          NamespaceInformer.cannotRun(
              namespace, what, "cannot watch " + what + ": " + Informers.describe(e), worker);
    }
    return new Shared<>(informer, new HashSet<>());
  }
}
