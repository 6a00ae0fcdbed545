package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The allowed values of {@code spec.patroni.scheme}. The spec keeps the field a string (so a bad
 * value becomes a validation error, not a parse failure); this enum gives the CRD its {@code enum}.
 */
public enum PatroniScheme {
  HTTP("http"),
  HTTPS("https");

  private final String value;

  PatroniScheme(String value) {
    this.value = value;
  }

  /** The value as written in the spec. */
  @JsonValue
  public String value() {
    return value;
  }

  /** The scheme written as {@code value}, if it is one. */
  public static java.util.Optional<PatroniScheme> fromValue(String value) {
    for (PatroniScheme s : values()) {
      if (s.value.equals(value)) {
        return java.util.Optional.of(s);
      }
    }
    return java.util.Optional.empty();
  }
}
