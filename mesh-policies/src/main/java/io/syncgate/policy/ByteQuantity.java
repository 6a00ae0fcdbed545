package io.syncgate.policy;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;

/**
 * Parses the lag sizes of a {@code ReplicaGate} spec, Kubernetes quantities such as {@code "1Mi"},
 * {@code "16Mi"}, {@code "500k"} or {@code "0"}, into a whole number of bytes.
 *
 * <p>The string must match {@link #PATTERN} (the CRD schema's pattern: an unsigned Kubernetes
 * quantity); the amount is then computed by fabric8's {@link Quantity#getAmountInBytes}. A fraction
 * of a byte ({@code "1500m"}, {@code "0.5"}) and amounts beyond {@link Long#MAX_VALUE} are refused,
 * as the CRD's CEL rule {@code quantity(self).isInteger()} refuses them.
 *
 * <p>fabric8 scales by {@code Ei} with 16 significant digits, so sizes of an exbibyte or more are
 * rounded; every smaller size (any real replication lag) is exact.
 */
public final class ByteQuantity {

  /** The CRD schema pattern for a byte-size field: an unsigned Kubernetes quantity. */
  public static final String PATTERN =
      "^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$";

  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);
  private static final BigDecimal MAX_BYTES = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final String NOUN = "size";

  private ByteQuantity() {}

  /**
   * Parses a byte size.
   *
   * @throws IllegalArgumentException with a message naming the string when it is null, empty,
   *     negative, not a Kubernetes quantity, a fraction of a byte, or too large
   */
  public static long parse(String text) {
    SpecStrings.requireForm(
        text,
        NOUN,
        WHOLE,
        "a Kubernetes quantity such as \"1Mi\" or \"16Mi\"",
        "a Kubernetes quantity such as \"0\", \"512Ki\", \"1Mi\" or \"16Mi\"");
    BigDecimal bytes;
    try {
      bytes = Quantity.getAmountInBytes(Quantity.parse(text));
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw SpecStrings.invalid(NOUN, text, e.getMessage(), e);
    }
    if (bytes.signum() < 0) {
      throw SpecStrings.invalid(NOUN, text, "must not be negative");
    }
    if (bytes.compareTo(MAX_BYTES) > 0) {
      throw SpecStrings.invalid(NOUN, text, "too large (at most " + Long.MAX_VALUE + " bytes)");
    }
    if (bytes.stripTrailingZeros().scale() > 0) {
      throw SpecStrings.invalid(
          NOUN, text, bytes.toPlainString() + " is not a whole number of bytes");
    }
    return bytes.longValueExact();
  }

  /** Whether {@code text} is a size {@link #parse} accepts. */
  public static boolean isValid(String text) {
    return SpecStrings.parses(text, ByteQuantity::parse);
  }
}
