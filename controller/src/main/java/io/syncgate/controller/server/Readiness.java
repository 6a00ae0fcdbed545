package io.syncgate.controller.server;

import java.util.Objects;

/**
 * Whether the controller is ready to serve (its informers have synced), and if not, why. {@code GET
 * /readyz} answers 200 or 503 with the reason.
 */
public record Readiness(boolean ready, String reason) {

  /** Ready to serve. */
  public static final Readiness READY = new Readiness(true, "ready");

  public Readiness {
    Objects.requireNonNull(reason, "reason");
  }

  public static Readiness notReady(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a not-ready state needs a reason");
    }
    return new Readiness(false, reason);
  }
}
