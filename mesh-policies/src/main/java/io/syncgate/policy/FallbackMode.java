package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The allowed values of {@code spec.mesh.fallback}: where reads go when no replica is admitted. The
 * spec keeps the field a string (so a bad value becomes a validation error, not a parse failure);
 * this enum gives the CRD its {@code enum}.
 */
public enum FallbackMode {
  /** 100% to the primary Service (mesh.primaryHost), or without one to the leader's subset. */
  PRIMARY("Primary"),
  /** Equal shares among all replicas: fail open, availability over freshness. */
  ALL_REPLICAS("AllReplicas");

  private final String value;

  FallbackMode(String value) {
    this.value = value;
  }

  /** The value as written in the spec. */
  @JsonValue
  public String value() {
    return value;
  }

  /** The mode written as {@code value}, if it is one. */
  public static java.util.Optional<FallbackMode> fromValue(String value) {
    for (FallbackMode f : values()) {
      if (f.value.equals(value)) {
        return java.util.Optional.of(f);
      }
    }
    return java.util.Optional.empty();
  }
}
