package io.syncgate.policy.analysis;

import io.syncgate.policy.gating.SafeText;
import java.time.Instant;
import java.util.Objects;

/**
 * One finished query of a check for one replica.
 *
 * @param check the check's name
 * @param at when the query was sent, on the controller's monotonic clock: a result counts for a
 *     ramp step only when it was asked for during that step
 * @param passed whether the value compared as the check requires
 * @param reason what was seen, printable and at most {@link SafeText#MAX_REASON_CHARS}: {@code
 *     read-latency: 0.12 < 0.25}, {@code read-latency: 0.31, needs < 0.25}, {@code read-latency:
 *     Prometheus unreachable: Connection refused}
 */
public record CheckResult(String check, Instant at, boolean passed, String reason) {

  public CheckResult {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(at, "at");
    reason = SafeText.of(Objects.requireNonNull(reason, "reason"), SafeText.MAX_REASON_CHARS);
  }
}
