package io.syncgate.policy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Parses the Go-style durations of a {@code ReplicaGate} spec ({@code "500ms"}, {@code "10s"},
 * {@code "1m30s"}, {@code "0s"}, {@code "0"}) into {@link Duration}.
 *
 * <p>The accepted syntax is Go's {@code time.ParseDuration} without a sign and with digits on both
 * sides of a decimal point: one or more of number+unit, units {@code ns}, {@code us}, {@code µs},
 * {@code ms}, {@code s}, {@code m}, {@code h}; a bare {@code 0} is zero. Exactly what {@link
 * #PATTERN} (the CRD schema's pattern) admits is accepted here, so the CRD and the controller never
 * disagree on a string. Like Go, values beyond 2^63-1 nanoseconds (about 292 years) are refused.
 */
public final class GoDuration {

  /** The CRD schema pattern for a duration field; {@link #parse} accepts exactly these strings. */
  public static final String PATTERN =
      "^(0|([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$";

  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);
  private static final java.util.regex.Pattern COMPONENT =
      java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");

  private static final Map<String, Long> UNIT_NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // micro sign, as Go accepts
          "\u03bcs", 1_000L, // Greek small mu, as Go accepts
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
  private static final String NOUN = "duration";

  private GoDuration() {}

  /**
   * Parses a Go-style duration.
   *
   * @throws IllegalArgumentException with a message naming the string and the expected form when it
   *     is null, empty, signed, malformed or out of range
   */
  public static Duration parse(String text) {
    String example = "a Go-style duration such as \"500ms\", \"10s\" or \"1m30s\"";
    SpecStrings.requireForm(
        text, NOUN, WHOLE, example, example + " (number and unit, units ns, us, ms, s, m, h)");
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    BigInteger nanos = BigInteger.ZERO;
    Matcher m = COMPONENT.matcher(text);
    while (m.find()) {
      BigDecimal amount = new BigDecimal(m.group(1));
      BigDecimal unit = BigDecimal.valueOf(UNIT_NANOS.get(m.group(2)));
      // Go truncates a fraction below one nanosecond.
      nanos = nanos.add(amount.multiply(unit).toBigInteger());
      if (nanos.compareTo(MAX_NANOS) > 0) {
        throw SpecStrings.invalid(NOUN, text, "out of range (at most 2562047h47m16.854775807s)");
      }
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** Whether {@code text} is a duration {@link #parse} accepts. */
  public static boolean isValid(String text) {
    return SpecStrings.parses(text, GoDuration::parse);
  }
}
