package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.Optional;

/**
 * How much of a gate's read route goes, right now, to replicas that may be behind: the route weight
 * of every replica whose lag this tick is unknown (no usable answer, or no single leader to compare
 * with: the grace of {@code unreachableFor} and fail-static) or above {@code admission.maxLag}.
 * Syncgate's promise is that it stays 0 outside those documented grace windows; it is the number to
 * alert on.
 */
public final class StaleReadExposure {

  private StaleReadExposure() {}

  /**
   * The exposed weight, 0..100.
   *
   * @param state the state after the tick
   * @param route the route in force
   * @param leaderKnown whether this tick knew a single leader (lags were computed)
   * @param now the tick's time: a replica whose last usable sample is older has no lag this tick
   */
  public static int percent(
      GateState state, Optional<Route> route, boolean leaderKnown, GatePolicy policy, Instant now) {
    if (route.isEmpty()) {
      return 0;
    }
    int exposed = 0;
    for (ReplicaState r : state.replicas().values()) {
      int weight = route.get().weightOf(r.name());
      if (weight == 0) {
        continue;
      }
      boolean answered = now.equals(r.lastUsableSample());
      boolean lagKnown = leaderKnown && answered && r.lagBytes() != null;
      if (!lagKnown || r.lagBytes() > policy.admissionMaxLagBytes()) {
        exposed += weight;
      }
    }
    return exposed;
  }
}
