package io.syncgate.policy.gating;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** This state without the given replicas (they start over as if never seen). */
  public GateState without(Set<String> names) {
    if (names.isEmpty() || java.util.Collections.disjoint(names, replicas.keySet())) {
      return this;
    }
    Map<String, ReplicaState> kept = new TreeMap<>(replicas);
    kept.keySet().removeAll(names);
    return new GateState(kept, leader, timeline, route);
  }

  public static GateState empty() {
    return new GateState(Map.of(), null, null, Optional.empty());
  }
}
