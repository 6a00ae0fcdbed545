package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer of one namespace, shared by every gate there ({@link SharedInformers}). It retries
 * every failure, its first list included (fabric8's default gives up on a first list that fails: an
 * API server down while the controller starts, a 403, would leave the namespace's gates without
 * data forever); until it has synced, {@link #failure} says why, and each of its gates shows it.
 */
final class NamespaceInformer<T> {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceInformer.class);

  private final String namespace;

  /** What it lists, for messages: "pods", "EndpointSlices". */
  private final String what;

  private final KubeWorker worker;

  private SharedIndexInformer<T> informer;

  /** Written by fabric8's threads, read on the controller's context. */
  private volatile String failure;

  private NamespaceInformer(String namespace, String what, KubeWorker worker) {
    this.namespace = namespace;
    this.what = what;
    this.worker = worker;
  }

  /**
   * Starts {@code informer} (made, not yet running), which lists {@code what} in {@code namespace}.
   */
  static <T> NamespaceInformer<T> run(
      String namespace, String what, SharedIndexInformer<T> informer, KubeWorker worker) {
    NamespaceInformer<T> running = new NamespaceInformer<>(namespace, what, worker);
    running.start(informer);
    return running;
  }

  /** No informer could be made: {@code why} stands, and each gate of the namespace shows it. */
  static <T> NamespaceInformer<T> cannotRun(
      String namespace, String what, String why, KubeWorker worker) {
    NamespaceInformer<T> failed = new NamespaceInformer<>(namespace, what, worker);
    failed.failure = why;
    LOG.warn("namespace {}: {}", namespace, why);
    return failed;
  }

  private void start(SharedIndexInformer<T> started) {
    Informers.retryEverything(
        started,
        e -> {
          String now = "listing " + what + " failed: " + Informers.describe(e);
          if (!now.equals(failure)) {
            LOG.warn("namespace {}: {} (retrying)", namespace, now);
          }
          failure = now;
        });
    informer = started;
    // Starting lists the objects: a blocking call, so it runs on the worker pool.
    worker
        .call(started::start)
        .compose(stage -> Future.fromCompletionStage(stage))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                failure = "watching " + what + " failed: " + Informers.describe(ar.cause());
                LOG.warn("namespace {}: {}", namespace, failure);
              } else {
                failure = null;
                LOG.debug("namespace {}: watching {}", namespace, what);
              }
            });
  }

  boolean synced() {
    return informer != null && informer.hasSynced();
  }

  Optional<String> failure() {
    return synced() ? Optional.empty() : Optional.ofNullable(failure);
  }

  /** The cache and its indexes (never modify what it holds); null when none could be made. */
  Indexer<T> cache() {
    return informer == null ? null : informer.getIndexer();
  }

  void close() {
    SharedIndexInformer<T> closing = informer;
    informer = null;
    if (closing != null) {
      worker.call(
          () -> {
            closing.close();
            return null;
          });
      LOG.debug("namespace {}: no gate left, stopped watching {}", namespace, what);
    }
  }
}
