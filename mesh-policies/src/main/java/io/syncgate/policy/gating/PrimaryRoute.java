package io.syncgate.policy.gating;

import java.util.Set;

/**
 * Where the {@link Fallback#PRIMARY} fallback (and a cluster without replicas) sends reads: the
 * leader's subset on the read host, or the primary's own Service when the gate names one ({@code
 * mesh.primaryHost}). A read host that selects replicas only (PGO's {@code <cluster>-replicas},
 * Spilo's {@code -repl}) has no endpoint for the leader's subset; the primary's Service, which the
 * operator keeps pointed at the leader, does.
 *
 * @param service true when the gate names a primary Service
 * @param serviceReady whether that Service has at least one ready endpoint (ignored without one)
 */
public record PrimaryRoute(boolean service, boolean serviceReady) {

  /** The leader's subset on the read host: the gate names no primary Service. */
  public static final PrimaryRoute LEADER_SUBSET = new PrimaryRoute(false, false);

  /** The primary's own Service, ready or not. */
  public static PrimaryRoute service(boolean ready) {
    return new PrimaryRoute(true, ready);
  }

  /**
   * The destination reads fall back to, or null when there is none that can take them.
   *
   * @param leader the leader's (or the last known leader's) member name, or null
   * @param subsets the members that get a subset (excluded ones do not)
   */
  String destination(String leader, Set<String> subsets) {
    if (service) {
      return serviceReady ? RouteDestination.PRIMARY_SERVICE : null;
    }
    return leader != null && subsets.contains(leader) ? leader : null;
  }

  /**
   * Why the fallback has no destination, for people, given the leader's exclusion (its reason, or
   * null).
   */
  String whyNone(String leader, String leaderExclusion) {
    if (service) {
      return "the primary Service (mesh.primaryHost) has no ready endpoint";
    }
    if (leader == null) {
      return "no leader is known to fall back to";
    }
    return "the leader "
        + leader
        + " has no subset that can take reads"
        + (leaderExclusion == null ? "" : " (" + leaderExclusion + ")")
        + "; with a read host that selects replicas only, set mesh.primaryHost to the primary's"
        + " Service";
  }
}
