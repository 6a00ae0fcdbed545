package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rebuilds a {@link GateState} after a controller restart from what survives it: the gate's status
 * ({@code status.replicas[]}, leader, timeline) and the live VirtualService route. With the same
 * samples, the first step after a restart then writes the same weights as before it.
 *
 * <p>What status does not hold is filled in on the safe side:
 *
 * <ul>
 *   <li>{@code admissibleSince} of a Gated replica is unknown: null, so admission counting starts
 *       again (admission can only come later, never earlier).
 *   <li>{@code stepSince} of a Ramping(k) replica is the restart time. Status keeps {@code since}
 *       (admission) but not when step k began; {@code since + k·stepInterval} is only a lower bound
 *       of that (steps start at the first tick after they are due, and not at all while paused or
 *       unreachable), so using it could advance a step right after the restart, earlier than the
 *       old controller would have. Restarting the step's clock instead moves no traffic at the
 *       restart and keeps every step held for at least {@code stepInterval}, at the price of at
 *       most one extra interval per restart.
 *   <li>{@code lastUsableSample} is {@code since}: a replica that is unreachable right after the
 *       restart is ejected on the first failed sample once {@code unreachableFor} has passed since
 *       its last phase change, rather than granted a fresh grace period.
 *   <li>A stored {@code since} after {@code now} (clock skew) is read as {@code now}.
 * </ul>
 */
public final class GateRestore {

  private GateRestore() {}

  /**
   * Rebuilds the state.
   *
   * @param fromStatus the stored replicas; the leader's entry, if any, is skipped, and of two
   *     entries with the same name the first is kept
   * @param liveRoute the live VirtualService route, if there is one whose weights sum to 100; when
   *     empty, the stored weights are used if every stored replica has one and they sum to 100
   * @param leader the stored leader, or null
   * @param timeline the stored timeline, or null
   * @param policy the gate's policy (its ramp steps)
   * @param now the restart time
   */
  public static GateState restore(
      List<StoredReplica> fromStatus,
      Optional<Route> liveRoute,
      String leader,
      Long timeline,
      GatePolicy policy,
      Instant now) {
    return restore(fromStatus, List.of(), liveRoute, leader, timeline, policy, now);
  }

  /**
   * Rebuilds the state with the operator actions status recorded, so that no request is taken twice
   * and holds, aborts and approvals survive the restart.
   *
   * @param actions the stored {@code status.lastActions}, oldest first
   * @see #restore(List, Optional, String, Long, GatePolicy, Instant)
   */
  public static GateState restore(
      List<StoredReplica> fromStatus,
      List<ActionRecord> actions,
      Optional<Route> liveRoute,
      String leader,
      Long timeline,
      GatePolicy policy,
      Instant now) {
    Objects.requireNonNull(actions, "actions");
    Objects.requireNonNull(fromStatus, "fromStatus");
    Objects.requireNonNull(liveRoute, "liveRoute");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(now, "now");
    Map<String, ReplicaState> replicas = new TreeMap<>();
    for (StoredReplica stored : fromStatus) {
      if (stored.name().equals(leader) || replicas.containsKey(stored.name())) {
        continue;
      }
      replicas.put(stored.name(), replicaState(stored, policy, now));
    }
    Optional<Route> route = liveRoute.isPresent() ? liveRoute : routeFromStatus(fromStatus, leader);
    return new GateState(replicas, leader, timeline, route, actions);
  }

  private static ReplicaState replicaState(StoredReplica stored, GatePolicy policy, Instant now) {
    Phase phase = stored.phase() == null ? Phase.UNKNOWN : stored.phase();
    if (stored.control().aborted()) {
      phase = Phase.EJECTED;
    }
    Instant since = stored.since() == null || stored.since().isAfter(now) ? now : stored.since();
    int step = 0;
    Instant stepSince = null;
    if (phase == Phase.RAMPING) {
      int lastRampingStep = policy.rampSteps().size() - 2;
      if (lastRampingStep < 0) {
        phase = Phase.SERVING;
      } else {
        step = Math.max(0, Math.min(stored.step(), lastRampingStep));
        stepSince = now;
      }
    }
    return new ReplicaState(
        stored.name(),
        phase,
        step,
        since,
        stepSince,
        null,
        since,
        stored.lagBytes(),
        stored.lagSeconds(),
        stored.reason() == null ? "restored from status" : stored.reason(),
        // An aborted replica stays out whatever phase status says.
        stored.control(),
        null);
  }

  private static Optional<Route> routeFromStatus(List<StoredReplica> fromStatus, String leader) {
    List<RouteDestination> destinations = new ArrayList<>();
    Map<String, Boolean> seen = new TreeMap<>();
    int sum = 0;
    for (StoredReplica stored : fromStatus) {
      if (stored.name().equals(leader) || seen.put(stored.name(), true) != null) {
        continue;
      }
      if (stored.weight() == null || stored.weight() < 0 || stored.weight() > Weights.TOTAL) {
        return Optional.empty();
      }
      destinations.add(new RouteDestination(stored.name(), stored.weight()));
      sum += stored.weight();
    }
    if (destinations.isEmpty() || sum != Weights.TOTAL) {
      return Optional.empty();
    }
    destinations.sort(Comparator.comparing(RouteDestination::subset));
    return Optional.of(new Route(destinations));
  }
}
