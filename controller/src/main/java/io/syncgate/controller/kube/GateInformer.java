package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer of one gate (its pods, its Services' EndpointSlices), replaced whenever what it
 * watches changes. It retries every failure, its first list included (fabric8's default gives up on
 * a first list that fails: an API server down while the controller starts, a 403, a 400 from a
 * label value would leave the gate without data forever); until it has synced, {@link #failure}
 * says why, and the gate shows it.
 */
final class GateInformer<T> {

  private static final Logger LOG = LoggerFactory.getLogger(GateInformer.class);

  private final GateKey key;
  private final KubeWorker worker;

  /** What it lists, for messages: "pods", "the EndpointSlices of [hippo-replicas]". */
  private String what;

  private SharedIndexInformer<T> informer;

  /** Written by fabric8's threads, read on the controller's context. */
  private volatile String failure;

  GateInformer(GateKey key, KubeWorker worker) {
    this.key = key;
    this.worker = worker;
  }

  /** Starts {@code started} (not yet running) in place of the current informer. */
  void run(SharedIndexInformer<T> started, String listed) {
    close();
    what = listed;
    failure = null;
    Informers.retryEverything(
        started,
        e -> {
          String now = "listing " + what + " failed: " + Informers.describe(e);
          if (!now.equals(failure)) {
            LOG.warn("{}: {} (retrying)", key, now);
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
                LOG.warn("{}: {}", key, failure);
              } else {
                failure = null;
                LOG.debug("{}: watching {}", key, what);
              }
            });
  }

  /** No informer can be made: {@code why} stands until the next {@link #run}. */
  void cannotRun(String why) {
    close();
    failure = why;
    LOG.warn("{}: {}", key, why);
  }

  boolean synced() {
    return informer != null && informer.hasSynced();
  }

  Optional<String> failure() {
    return synced() ? Optional.empty() : Optional.ofNullable(failure);
  }

  /** The objects as last seen (never modify them). */
  List<T> list() {
    return informer == null ? List.of() : informer.getStore().list();
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
    }
  }
}
