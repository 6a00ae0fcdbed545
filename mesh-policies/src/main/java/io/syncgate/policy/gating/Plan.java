package io.syncgate.policy.gating;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one gating step decided: the read route to write (or none: leave the live one as it is), the
 * members that need a subset, and what changed (for events and status).
 *
 * @param members every member pod name, sorted; the DestinationRule gets one subset per member
 * @param leader the leader's member name, or null when no single leader is known
 * @param route the route to write; empty means "write nothing, keep what is live" (fail static
 *     before any route is known)
 * @param fallbackActive true when the route is the fallback (no replica holds a share)
 * @param degradedReason why the gate is degraded (no single leader, leader unreachable), or null
 * @param transitions phase changes, ramp steps and leader changes of this step, in order
 */
public record Plan(
    List<String> members,
    String leader,
    Optional<Route> route,
    boolean fallbackActive,
    String degradedReason,
    List<Transition> transitions) {

  public Plan {
    members = List.copyOf(members);
    Objects.requireNonNull(route, "route");
    transitions = List.copyOf(transitions);
  }

  public boolean degraded() {
    return degradedReason != null;
  }
}
