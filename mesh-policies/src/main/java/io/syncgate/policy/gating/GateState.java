package io.syncgate.policy.gating;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the gating core carries from one step to the next for one gate: each replica's state, the
 * leader and timeline it last saw, and the route last decided (or adopted from the live
 * VirtualService on start-up), and the operator actions it took or refused lately (newest last, at
 * most {@link #MAX_ACTIONS}), so that no request is taken twice.
 */
public record GateState(
    Map<String, ReplicaState> replicas,
    String leader,
    Long timeline,
    Optional<Route> route,
    List<ActionRecord> actions) {

  /** How many operator actions the state (and {@code status.lastActions}) keeps. */
  public static final int MAX_ACTIONS = 20;

  public GateState {
    replicas = Collections.unmodifiableMap(new TreeMap<>(replicas));
    actions = List.copyOf(actions);
    if (actions.size() > MAX_ACTIONS) {
      actions = actions.subList(actions.size() - MAX_ACTIONS, actions.size());
    }
  }

  /** A state without operator actions. */
  public GateState(
      Map<String, ReplicaState> replicas, String leader, Long timeline, Optional<Route> route) {
    this(replicas, leader, timeline, route, List.of());
  }

  /** True when the request {@code id} was taken or refused already. */
  public boolean recorded(String id) {
    return actions.stream().anyMatch(a -> a.id().equals(id));
  }

  /** This state with {@code more} actions recorded after the ones it holds. */
  public GateState withActions(List<ActionRecord> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<ActionRecord> all = new ArrayList<>(actions);
    all.addAll(more);
    return new GateState(replicas, leader, timeline, route, all);
  }

  /** This state without the given replicas (they start over as if never seen). */
  public GateState without(Set<String> names) {
    if (names.isEmpty() || java.util.Collections.disjoint(names, replicas.keySet())) {
      return this;
    }
    Map<String, ReplicaState> kept = new TreeMap<>(replicas);
    kept.keySet().removeAll(names);
    return new GateState(kept, leader, timeline, route, actions);
  }

  public static GateState empty() {
    return new GateState(Map.of(), null, null, Optional.empty());
  }
}
