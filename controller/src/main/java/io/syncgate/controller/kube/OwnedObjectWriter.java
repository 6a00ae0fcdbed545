package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.mesh.MeshKind;
import io.vertx.core.Future;
import java.net.HttpURLConnection;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;

/**
 * Creates or updates one kind of mesh object that a gate owns, and says what it did.
 *
 * <p>The decision starts from the informer's cached copy: when that already matches, or belongs to
 * someone else, nothing is sent. Otherwise the writer updates the cached copy with its
 * resourceVersion, without reading it first: when the cache is behind (our own last write not seen
 * yet, or a concurrent change) the API server answers 409 instead of losing anything, and only then
 * the writer reads the object and creates it, updates it with the read resourceVersion, or leaves
 * it alone; the same without a cached copy. The mock API server has no server-side apply, and a
 * real one would not need it here: we own every field we write.
 *
 * <p>Every blocking call runs on the {@link KubeWorker} inside {@link #reconcile}; callers stay on
 * their event loop.
 */
public final class OwnedObjectWriter<T extends HasMetadata> {

  private final MeshKind kind;
  private final KubeWorker worker;
  private final MixedOperation<T, ?, Resource<T>> operations;
  private final BiPredicate<T, T> sameSpec;
  private final BinaryOperator<T> forUpdate;

  OwnedObjectWriter(
      MeshKind kind,
      KubeWorker worker,
      MixedOperation<T, ?, Resource<T>> operations,
      BiPredicate<T, T> sameSpec,
      BinaryOperator<T> forUpdate) {
    this.kind = kind;
    this.worker = worker;
    this.operations = operations;
    this.sameSpec = sameSpec;
    this.forUpdate = forUpdate;
  }

  /** The writer of owned VirtualServices. */
  public static OwnedObjectWriter<VirtualService> virtualServices(
      KubernetesClient client, KubeWorker worker) {
    return new OwnedObjectWriter<>(
        MeshKind.VIRTUAL_SERVICE,
        worker,
        client.adapt(IstioClient.class).v1().virtualServices(),
        MeshDiff::sameSpec,
        MeshDiff::forUpdate);
  }

  /** The writer of owned DestinationRules. */
  public static OwnedObjectWriter<DestinationRule> destinationRules(
      KubernetesClient client, KubeWorker worker) {
    return new OwnedObjectWriter<>(
        MeshKind.DESTINATION_RULE,
        worker,
        client.adapt(IstioClient.class).v1().destinationRules(),
        MeshDiff::sameSpec,
        MeshDiff::forUpdate);
  }

  public MeshKind kind() {
    return kind;
  }

  /**
   * Makes the API server hold {@code desired}.
   *
   * @param desired the rendered object (name, namespace, labels, owner reference, spec)
   * @param cached the informer's copy of the object of that name, or null; never mutated
   * @return what was done; never a failed future (failures are {@link WriteOutcome.Failed})
   */
  public Future<WriteOutcome<T>> reconcile(T desired, T cached) {
    if (cached != null) {
      if (!MeshDiff.managedBySyncgate(cached)) {
        return Future.succeededFuture(notOwned(cached));
      }
      if (sameSpec.test(desired, cached)) {
        return Future.succeededFuture(new WriteOutcome.Unchanged<>(cached));
      }
      return worker.call(() -> updateCached(cached, desired));
    }
    return worker.call(() -> readAndWrite(desired));
  }

  /**
   * Reads the live object of {@code desired}'s name, for adopting its state on start-up. Runs on
   * the worker pool.
   */
  public Future<T> read(String namespace, String name) {
    return worker.call(() -> operations.inNamespace(namespace).withName(name).get());
  }

  // Runs on the worker pool. A read per write would be a GET per weight change (issue 18 counted
  // 36 a minute per gate under flapping); the informer's copy is usually current by the next tick.
  private WriteOutcome<T> updateCached(T cached, T desired) {
    T update;
    try {
      update = forUpdate.apply(cached, desired);
    } catch (IllegalArgumentException e) {
      return new WriteOutcome.NotOwned<>(cached, e.getMessage());
    }
    try {
      T updated =
          operations.inNamespace(desired.getMetadata().getNamespace()).resource(update).update();
      return new WriteOutcome.Updated<>(cached, updated);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        // The cache was behind: changed or deleted since. Read it and decide again.
        return readAndWrite(desired);
      }
      return failed("updating " + describe(desired) + ": " + e.getMessage(), e);
    }
  }

  // Runs on the worker pool.
  private WriteOutcome<T> readAndWrite(T desired) {
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    T live;
    try {
      live = operations.inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      return failed("reading " + describe(desired) + ": " + e.getMessage(), e);
    }
    if (live == null) {
      try {
        T created = operations.inNamespace(namespace).resource(desired).create();
        return new WriteOutcome.Created<>(created);
      } catch (KubernetesClientException e) {
        return failed("creating " + describe(desired) + ": " + e.getMessage(), e);
      }
    }
    if (!MeshDiff.managedBySyncgate(live)) {
      return notOwned(live);
    }
    if (sameSpec.test(desired, live)) {
      return new WriteOutcome.Unchanged<>(live);
    }
    T update;
    try {
      update = forUpdate.apply(live, desired);
    } catch (IllegalArgumentException e) {
      // Managed-by label present but controlled by some other owner: not ours either.
      return new WriteOutcome.NotOwned<>(live, e.getMessage());
    }
    try {
      T updated = operations.inNamespace(namespace).resource(update).update();
      return new WriteOutcome.Updated<>(live, updated);
    } catch (KubernetesClientException e) {
      return failed("updating " + describe(desired) + ": " + e.getMessage(), e);
    }
  }

  static <T> WriteOutcome<T> failed(String message, KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT
        ? new WriteOutcome.Conflict<>(message)
        : new WriteOutcome.Failed<>(message);
  }

  private WriteOutcome<T> notOwned(T live) {
    return new WriteOutcome.NotOwned<>(
        live, describe(live) + " exists and is not managed by syncgate; left untouched");
  }

  private String describe(T object) {
    return kind + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }
}
