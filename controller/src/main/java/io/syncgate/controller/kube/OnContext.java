package io.syncgate.controller.kube;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Gate state lives on the controller's context only, while the futures of fabric8 calls complete on
 * worker threads and Patroni polls on their poll loops: every result hops back before it is used.
 */
final class OnContext {

  private OnContext() {}

  /** {@code future}'s outcome, completed on {@code context} whatever thread completes it. */
  static <T> Future<T> of(Context context, Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
