package io.syncgate.policy.gating;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the gating core carries from one step to the next for one gate: each replica's state, the
 * leader and timeline it last saw, and the route last decided (or adopted from the live
 * VirtualService on start-up).
 */
public record GateState(
    Map<String, ReplicaState> replicas, String leader, Long timeline, Optional<Route> route) {

  public GateState {
    replicas = Collections.unmodifiableMap(new TreeMap<>(replicas));
  }

  public static GateState empty() {
    return new GateState(Map.of(), null, null, Optional.empty());
  }
}
