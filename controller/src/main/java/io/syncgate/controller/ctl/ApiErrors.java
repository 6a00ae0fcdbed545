package io.syncgate.controller.ctl;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A failed API call in one line for the operator, like kubectl's {@code Error from server}. */
public final class ApiErrors {

  private ApiErrors() {}

  /** What went wrong with a call to the API server at {@code server}. */
  public static String describe(Throwable failure, String server) {
    Throwable t = unwrap(failure);
    if (t instanceof CtlException) {
      return t.getMessage();
    }
    if (t instanceof KubernetesClientException k && k.getCode() > 0) {
      String message =
          k.getStatus() != null && k.getStatus().getMessage() != null
              ? k.getStatus().getMessage()
              : k.getMessage();
      String reason =
          k.getStatus() != null && k.getStatus().getReason() != null
              ? " (" + k.getStatus().getReason() + ")"
              : "";
      return "the API server answered " + k.getCode() + reason + ": " + message;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String detail = root.getMessage() != null ? root.getMessage() : root.getClass().getName();
    return "cannot reach the API server at " + server + ": " + detail;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
