package io.syncgate.policy.analysis;

import io.syncgate.policy.gating.SafeText;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a check's value must compare with its threshold to pass. NaN never passes, whichever the
 * comparison; infinities compare as the IEEE 754 values they are ({@code +Inf > x} for every finite
 * {@code x}).
 */
public enum Comparison {
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  /** The symbol in a spec and in reasons: {@code <}, {@code <=}, {@code >}, {@code >=}. */
  public String symbol() {
    return symbol;
  }

  /** Whether {@code value} passes against {@code threshold}; false when either is NaN. */
  public boolean holds(double value, double threshold) {
    // Java's comparison operators are false whenever an operand is NaN: NaN never holds.
    return switch (this) {
      case LT -> value < threshold;
      case LE -> value <= threshold;
      case GT -> value > threshold;
      case GE -> value >= threshold;
    };
  }

  /**
   * The comparison written {@code symbol}.
   *
   * @throws IllegalArgumentException naming the symbols allowed, for anything else (null too)
   */
  public static Comparison fromSymbol(String symbol) {
    for (Comparison c : values()) {
      if (c.symbol.equals(symbol)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "comparison must be one of "
            + Arrays.stream(values()).map(Comparison::symbol).collect(Collectors.joining(", "))
            + ", not "
            + (symbol == null ? "null" : '"' + SafeText.field(symbol) + '"'));
  }
}
