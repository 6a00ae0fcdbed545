package io.syncgate.policy;

import java.util.Objects;

/**
 * One broken rule of a {@code ReplicaGate} spec.
 *
 * @param path the field, as {@code spec.ramp.steps[2]} or {@code spec.ejection.maxLag}
 * @param message what is wrong, for a person: names the rule and, where useful, the bad value
 */
public record Violation(String path, String message) {

  public Violation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
