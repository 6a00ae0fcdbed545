package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest result of one analysis check for one ramping replica, as the gating core reads it.
 *
 * @param passed whether the latest result passed
 * @param at when its query was sent (the core's clock): a result from before the replica's current
 *     step says nothing about it
 * @param reason what the result was ("read-latency: 0.12 &lt; 0.25"), for reasons and events
 * @param consecutiveFailures failed results in a row, newest back, in the current step
 */
public record CheckVerdict(boolean passed, Instant at, String reason, int consecutiveFailures) {
  public CheckVerdict {
    Objects.requireNonNull(at, "at");
    reason = SafeText.of(reason, SafeText.MAX_REASON_CHARS);
  }
}
