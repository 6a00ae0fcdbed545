package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.syncgate.policy.gating.SafeText;
import java.util.ArrayList;
import java.util.List;
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
  /**
   * What went wrong, for a condition or {@code /readyz}: the failure's message and those of its
   * causes (fabric8 wraps a refused connection in an exception whose own message says nothing), the
   * class name where there is no message, shortened.
   */
  static String describe(Throwable failure) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = failure; t != null && parts.size() < 4; t = t.getCause()) {
      String part = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
      if (parts.stream().noneMatch(p -> p.contains(part))) {
        parts.add(part);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return SafeText.of(String.join(": ", parts), MAX_FAILURE_CHARS);
  }

  /** How long a described failure may be. */
  static final int MAX_FAILURE_CHARS = 300;

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
