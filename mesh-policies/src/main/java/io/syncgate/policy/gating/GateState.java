package io.syncgate.policy.gating;

import java.time.Instant;
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
    List<ActionRecord> actions,
    Map<String, LagTrend> trends) {

  /**
   * A replica's recent lag samples and what they say (null while too few), for the catch-up rate
   * and ETA in status and reasons. Samples start over when the leader or its timeline changes.
   *
   * @param growingSince since when the estimate has said the lag grows faster than {@code
   *     ramp.maxLagGrowth} without a break, or null
   */
  public record LagTrend(CatchUp window, CatchUp.Estimate estimate, Instant growingSince) {
    public static final LagTrend NONE = new LagTrend(CatchUp.EMPTY, null, null);

    /** A trend that does not grow too fast. */
    public LagTrend(CatchUp window, CatchUp.Estimate estimate) {
      this(window, estimate, null);
    }
  }

  /** How many operator actions the state (and {@code status.lastActions}) keeps. */
  public static final int MAX_ACTIONS = 20;

  public GateState {
    replicas = Collections.unmodifiableMap(new TreeMap<>(replicas));
    trends = Collections.unmodifiableMap(new TreeMap<>(trends));
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

  /** A state without lag trends. */
  public GateState(
      Map<String, ReplicaState> replicas,
      String leader,
      Long timeline,
      Optional<Route> route,
      List<ActionRecord> actions) {
    this(replicas, leader, timeline, route, actions, Map.of());
  }

  /** A replica's lag trend, {@link LagTrend#NONE} when none is known. */
  public LagTrend trend(String replica) {
    return trends.getOrDefault(replica, LagTrend.NONE);
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
    return new GateState(replicas, leader, timeline, route, all, trends);
  }

  /** This state without the given replicas (they start over as if never seen). */
  public GateState without(Set<String> names) {
    if (names.isEmpty() || java.util.Collections.disjoint(names, replicas.keySet())) {
      return this;
    }
    Map<String, ReplicaState> kept = new TreeMap<>(replicas);
    kept.keySet().removeAll(names);
    Map<String, LagTrend> keptTrends = new TreeMap<>(trends);
    keptTrends.keySet().removeAll(names);
    return new GateState(kept, leader, timeline, route, actions, keptTrends);
  }

  public static GateState empty() {
    return new GateState(Map.of(), null, null, Optional.empty());
  }
}
