package io.syncgate.policy.gating;

import java.util.List;
import java.util.Map;

/**
 * What a step of the gate gets besides the members' samples: the operator actions to take now
 * (oldest first), the requests that could not be read (refused as they are), and per ramping
 * replica the latest result of each analysis check in its current step.
 */
public record RolloutInputs(
    List<OperatorAction> actions,
    Map<String, Map<String, CheckVerdict>> checks,
    List<ActionRecord> unreadable) {

  public static final RolloutInputs NONE = new RolloutInputs(List.of(), Map.of());

  public RolloutInputs {
    actions = List.copyOf(actions);
    checks = Map.copyOf(checks);
    unreadable = List.copyOf(unreadable);
  }

  /** Inputs without unreadable requests. */
  public RolloutInputs(
      List<OperatorAction> actions, Map<String, Map<String, CheckVerdict>> checks) {
    this(actions, checks, List.of());
  }

  /** The check results of {@code replica}, by check name; empty when none. */
  Map<String, CheckVerdict> checksOf(String replica) {
    return checks.getOrDefault(replica, Map.of());
  }
}
