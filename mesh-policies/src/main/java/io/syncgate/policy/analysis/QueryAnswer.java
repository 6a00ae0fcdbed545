package io.syncgate.policy.analysis;

import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.SafeText;
import java.time.Duration;
import java.util.Objects;

/**
 * What asking Prometheus one query gave: one number, or the reason there is none. Exactly one of
 * the two: {@link #failure()} is null when there is a value.
 *
 * <p>The factories below word every failure the client and the parser report, so reasons read the
 * same wherever they come from. A failure's text is made printable and bounded ({@link SafeText}):
 * parts of it come from Prometheus or from exception messages.
 *
 * @param value the query's value when {@link #failure()} is null (never NaN; may be infinite), else
 *     NaN
 * @param failure why there is no value, or null
 */
public record QueryAnswer(double value, String failure) {

  /** The longest failure text kept; a check's reason adds its name in front. */
  public static final int MAX_FAILURE_CHARS = SafeText.MAX_SAMPLE_REASON_CHARS;

  /** The longest detail quoted from Prometheus or an exception inside a failure. */
  public static final int MAX_DETAIL_CHARS = 160;

  public QueryAnswer {
    if (failure == null) {
      if (Double.isNaN(value)) {
        throw new IllegalArgumentException("a NaN value is a failure: use QueryAnswer.of(value)");
      }
    } else {
      failure = SafeText.of(failure, MAX_FAILURE_CHARS);
      value = Double.NaN;
    }
  }

  /**
   * Prometheus answered with {@code value}. NaN is no value to compare (PromQL gives it for 0/0,
   * for a quantile of no observations): it becomes the failure {@code query returned NaN}.
   * Infinities are values.
   */
  public static QueryAnswer of(double value) {
    return Double.isNaN(value) ? failed("query returned NaN") : new QueryAnswer(value, null);
  }

  /** No value, for {@code reason} (made printable and bounded). */
  public static QueryAnswer failed(String reason) {
    Objects.requireNonNull(reason, "reason");
    return new QueryAnswer(Double.NaN, reason.isEmpty() ? "failed without a reason" : reason);
  }

  /** The query matched nothing: an empty instant vector. */
  public static QueryAnswer noSeries() {
    return failed("query returned no series");
  }

  /** The query matched {@code count} series (not one). */
  public static QueryAnswer seriesCount(int count) {
    if (count == 0) {
      return noSeries();
    }
    return failed("query returned " + count + " series, a check needs exactly one");
  }

  /** No answer: the connection failed ({@code detail}: "Connection refused", "unknown host"). */
  public static QueryAnswer unreachable(String detail) {
    return failed("Prometheus unreachable: " + detail(detail));
  }

  /** No complete answer within {@code timeout}. */
  public static QueryAnswer timedOut(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long millis = timeout.toMillis();
    // "2s", "1m30s"; "500ms", "1500ms" when not whole seconds (HumanFormat rounds those).
    String shown = millis % 1000 == 0 ? HumanFormat.duration(timeout) : millis + "ms";
    return failed("timed out after " + shown);
  }

  /** Prometheus refused or failed the query: {@code {"status":"error", ...}}. */
  public static QueryAnswer prometheusError(String errorType, String error) {
    return failed("Prometheus error " + detail(errorType) + ": " + detail(error));
  }

  /** An HTTP status that carried no Prometheus error (a proxy's 502, a 401, a 404). */
  public static QueryAnswer httpStatus(int status) {
    return failed("HTTP " + status + " from Prometheus");
  }

  /** An answer that is not what the query API sends ({@code detail} says how). */
  public static QueryAnswer badAnswer(String detail) {
    return failed("bad answer from Prometheus: " + detail(detail));
  }

  /** Whether Prometheus gave a value. */
  public boolean hasValue() {
    return failure == null;
  }

  /** A detail quoted in a failure: printable, at most {@link #MAX_DETAIL_CHARS}. */
  public static String detail(String text) {
    return SafeText.of(text == null ? "null" : text, MAX_DETAIL_CHARS);
  }
}
