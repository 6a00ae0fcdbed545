package io.syncgate.policy.analysis;

import io.syncgate.policy.gating.SafeText;
import java.time.Duration;
import java.util.Objects;

/**
 * One check of a gate's {@code spec.analysis}: a PromQL instant query whose single value must
 * compare with {@code threshold} as {@code comparison} says, asked at most once per {@code
 * interval} for each ramping replica.
 *
 * <p>The query may name the replica and its namespace with the placeholders {@link #REPLICA} and
 * {@link #NAMESPACE}, e.g. {@code histogram_quantile(0.99, sum by (le)
 * (rate(pg_read_seconds_bucket{pod="{{replica}}", namespace="{{namespace}}"}[1m])))}.
 *
 * @param name names the check in reasons and status, e.g. {@code read-latency}
 * @param query the PromQL, placeholders not yet replaced
 * @param comparison how the value must compare with the threshold to pass
 * @param threshold a finite number
 * @param interval the least time between two queries of this check for one replica
 */
public record CheckDefinition(
    String name, String query, Comparison comparison, double threshold, Duration interval) {

  /** Replaced by the replica's pod name in {@link #queryFor}. */
  public static final String REPLICA = "{{replica}}";

  /** Replaced by the gate's namespace in {@link #queryFor}. */
  public static final String NAMESPACE = "{{namespace}}";

  public CheckDefinition {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a check needs a name");
    }
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("check " + name + " needs a query");
    }
    Objects.requireNonNull(comparison, "comparison");
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException(
          "check " + name + ": the threshold must be a finite number, not " + threshold);
    }
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "check " + name + ": the interval must be positive, not " + interval);
    }
  }

  /**
   * The query for one replica: every {@link #REPLICA} replaced by {@code replica} and every {@link
   * #NAMESPACE} by {@code namespace}. Both end up inside PromQL string literals, so each must be
   * non-empty and made of {@code a-z}, {@code 0-9}, {@code .} and {@code -} only (what pod names
   * and namespaces are made of): nothing that could end a literal or escape from it.
   *
   * @throws IllegalArgumentException when either holds another character
   */
  public String queryFor(String replica, String namespace) {
    requireLiteralSafe("replica", replica);
    requireLiteralSafe("namespace", namespace);
    return query.replace(REPLICA, replica).replace(NAMESPACE, namespace);
  }

  private static void requireLiteralSafe(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " name is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        throw new IllegalArgumentException(
            "the "
                + what
                + " name may hold only a-z, 0-9, '.' and '-' to be put in a query, not "
                + SafeText.field('"' + value + '"'));
      }
    }
  }
}
