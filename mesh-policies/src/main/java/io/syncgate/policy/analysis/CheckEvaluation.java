package io.syncgate.policy.analysis;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * What one answer of Prometheus means for a check: a pure function from the definition, the time
 * the query was sent and the answer to a {@link CheckResult}.
 *
 * <p>Reasons name the check first, then what was seen: {@code read-latency: 0.12 < 0.25} when it
 * passed, {@code read-latency: 0.31, needs < 0.25} when the value failed, {@code read-latency:
 * query returned no series} (or any other failure of the answer) when there was no value.
 */
public final class CheckEvaluation {

  private CheckEvaluation() {}

  /** The result of {@code def} asked at {@code at} and answered {@code answer}. */
  public static CheckResult of(CheckDefinition def, Instant at, QueryAnswer answer) {
    Objects.requireNonNull(def, "def");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(answer, "answer");
    if (!answer.hasValue()) {
      return new CheckResult(def.name(), at, false, def.name() + ": " + answer.failure());
    }
    double value = answer.value();
    String symbol = def.comparison().symbol();
    String threshold = number(def.threshold());
    if (def.comparison().holds(value, def.threshold())) {
      return new CheckResult(
          def.name(), at, true, def.name() + ": " + number(value) + " " + symbol + " " + threshold);
    }
    return new CheckResult(
        def.name(),
        at,
        false,
        def.name() + ": " + number(value) + ", needs " + symbol + " " + threshold);
  }

  /**
   * A value as reasons show it: the shortest decimal that reads back as the same double, without a
   * trailing {@code .0} ({@code 0.12}, {@code 5}, {@code 1234.5}); an exponent outside 1e-6 to 1e15
   * ({@code 1E-7}, {@code 1.5E+20}); {@code +Inf}, {@code -Inf}, {@code NaN} as Prometheus writes
   * them.
   */
  public static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return "0"; // -0.0 too
    }
    BigDecimal exact = BigDecimal.valueOf(value).stripTrailingZeros();
    double magnitude = Math.abs(value);
    return magnitude >= 1e-6 && magnitude < 1e15 ? exact.toPlainString() : exact.toString();
  }
}
