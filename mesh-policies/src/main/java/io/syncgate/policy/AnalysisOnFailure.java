package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * The allowed values of {@code spec.analysis.onFailure}: what a replica's failed analysis does. The
 * spec keeps the field a string (so a bad value becomes a validation error, not a parse failure);
 * this enum gives the CRD its {@code enum}. The gating core's {@code GatePolicy.OnFailure} has the
 * same values.
 */
public enum AnalysisOnFailure {
  /** Back to the first ramp step, whose timer starts again. */
  STEP_BACK("StepBack"),
  /** Out of reads until an operator resumes it. */
  ABORT("Abort");

  private final String value;

  AnalysisOnFailure(String value) {
    this.value = value;
  }

  /** The value as written in the spec. */
  @JsonValue
  public String value() {
    return value;
  }

  /** The action written as {@code value}, if it is one. */
  public static Optional<AnalysisOnFailure> fromValue(String value) {
    for (AnalysisOnFailure f : values()) {
      if (f.value.equals(value)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
