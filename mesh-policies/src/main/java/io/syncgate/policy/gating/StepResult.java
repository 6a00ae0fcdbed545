package io.syncgate.policy.gating;

import java.util.Objects;

/**
 * The outcome of one {@link GatingStep#step}: the state to carry into the next step and the plan to
 * act on now.
 */
public record StepResult(GateState state, Plan plan) {
  public StepResult {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(plan, "plan");
  }
}
