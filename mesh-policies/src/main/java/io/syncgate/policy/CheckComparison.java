package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * The allowed values of {@code spec.analysis.checks[].comparison}: how a check's result is held
 * against its threshold. The spec keeps the field a string (so a bad value becomes a validation
 * error, not a parse failure); this enum gives the CRD its {@code enum}.
 */
public enum CheckComparison {
  LESS("<"),
  LESS_OR_EQUAL("<="),
  GREATER(">"),
  GREATER_OR_EQUAL(">=");

  private final String value;

  CheckComparison(String value) {
    this.value = value;
  }

  /** The value as written in the spec. */
  @JsonValue
  public String value() {
    return value;
  }

  /** The comparison written as {@code value}, if it is one. */
  public static Optional<CheckComparison> fromValue(String value) {
    for (CheckComparison c : values()) {
      if (c.value.equals(value)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
