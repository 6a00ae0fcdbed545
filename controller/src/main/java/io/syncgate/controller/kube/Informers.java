package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.Consumer;

/** How every informer of the controller treats failures. */
final class Informers {

  private Informers() {}

  /**
   * Keeps {@code informer} retrying whatever fails, with fabric8's backoff, and hands each failure
   * of its first list to {@code firstListFailed}. fabric8's default gives up on a first list that
   * fails (an API server down at start, a 403, a 404 for CRDs installed later), which would leave
   * the controller or a gate without data and without a word.
   */
  static void retryEverything(
      SharedIndexInformer<?> informer, Consumer<Throwable> firstListFailed) {
    informer.exceptionHandler(
        (started, e) -> {
          if (!started) {
            firstListFailed.accept(e);
          }
          return true;
        });
  }
}
