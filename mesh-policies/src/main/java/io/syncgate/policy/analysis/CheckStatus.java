package io.syncgate.policy.analysis;

import java.util.Objects;

/**
 * Where one check stands for one replica in its current ramp step.
 *
 * @param latest the newest result asked for since the step began
 * @param consecutiveFailures the failed results in a row since the step began, newest back: 0 when
 *     {@code latest} passed, at least 1 when it failed
 */
public record CheckStatus(CheckResult latest, int consecutiveFailures) {

  public CheckStatus {
    Objects.requireNonNull(latest, "latest");
    if (latest.passed() ? consecutiveFailures != 0 : consecutiveFailures < 1) {
      throw new IllegalArgumentException(
          (latest.passed() ? "a passed check has no" : "a failed check has at least one")
              + " consecutive failure, not "
              + consecutiveFailures);
    }
  }

  /** The status after {@code result}, the next result of the same check and replica and step. */
  public CheckStatus then(CheckResult result) {
    return next(this, result);
  }

  /** The status after {@code result}, given the one before it (null for the step's first). */
  public static CheckStatus next(CheckStatus before, CheckResult result) {
    if (result.passed()) {
      return new CheckStatus(result, 0);
    }
    int failures = before == null ? 0 : before.consecutiveFailures;
    return new CheckStatus(result, failures == Integer.MAX_VALUE ? failures : failures + 1);
  }
}
