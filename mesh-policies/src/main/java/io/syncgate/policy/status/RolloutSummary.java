package io.syncgate.policy.status;

import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code status.rollout}: the gate's rollout progress in one line for {@code kubectl get rgate},
 * e.g. "2/4 serving; hippo-3 ramping, weight 12; hippo-4 awaits approval". It names the replicas
 * that are on their way in or that someone must act on, and holds no timers, so that it changes
 * only when the rollout does.
 */
public final class RolloutSummary {

  /** At most this many replicas are named; the rest are counted. */
  static final int MAX_NAMED = 3;

  private RolloutSummary() {}

  public static String of(GateState state, Optional<Route> route) {
    int serving = 0;
    List<String> named = new ArrayList<>();
    for (ReplicaState r : state.replicas().values()) {
      if (r.phase() == Phase.SERVING) {
        serving++;
        if (r.control().held()) {
          named.add(r.name() + " held");
        }
        continue;
      }
      String what = what(r, route);
      if (what != null) {
        named.add(r.name() + " " + what);
      }
    }
    StringBuilder out =
        new StringBuilder().append(serving).append('/').append(state.replicas().size());
    out.append(" serving");
    for (int i = 0; i < Math.min(MAX_NAMED, named.size()); i++) {
      out.append("; ").append(named.get(i));
    }
    if (named.size() > MAX_NAMED) {
      out.append("; +").append(named.size() - MAX_NAMED).append(" more");
    }
    return out.toString();
  }

  /** What a replica not serving is doing, or null when it is just gated or ejected. */
  private static String what(ReplicaState r, Optional<Route> route) {
    if (r.control().aborted()) {
      return "aborted";
    }
    String waiting = r.waitingFor() == null ? "" : r.waitingFor();
    if (r.phase() == Phase.RAMPING) {
      int weight = route.map(x -> x.weightOf(r.name())).orElse(0);
      String ramping = "ramping, weight " + weight;
      if (r.control().held()) {
        return ramping + ", held";
      }
      return waiting.startsWith("approval") ? ramping + ", awaits approval" : ramping;
    }
    if (r.control().held()) {
      return "held";
    }
    if (waiting.equals("approval")) {
      return "awaits approval";
    }
    if (waiting.startsWith("its turn")) {
      return "awaits its turn";
    }
    return null;
  }
}
