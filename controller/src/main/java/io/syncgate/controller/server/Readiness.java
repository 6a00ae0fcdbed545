package io.syncgate.controller.server;

import java.util.Objects;

/**
 * Whether the controller is ready to serve (its informers have synced), and if not, why. {@code GET
 * /readyz} answers 503 with the reason, or 200 with {@code ok}, followed by a detail when there is
 * one ({@code ok: holding shards 0,2 of 3}).
 */
public record Readiness(boolean ready, String reason) {

  /** Ready to serve. */
  public static final Readiness READY = new Readiness(true, "ready");

  public Readiness {
    Objects.requireNonNull(reason, "reason");
  }

  /** Ready, with a detail worth showing ({@code holding shards 0,2 of 3}). */
  public static Readiness ready(String detail) {
    if (detail == null || detail.isBlank()) {
      throw new IllegalArgumentException("a detail must not be blank");
    }
    return new Readiness(true, detail);
  }

  public static Readiness notReady(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a not-ready state needs a reason");
    }
    return new Readiness(false, reason);
  }
}
