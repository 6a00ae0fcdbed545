package io.syncgate.policy.mesh;

import io.syncgate.policy.gating.Exclusion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which members can take reads through the mesh: the exclusions a gating step gets, one per member
 * at most, from what the controller saw of the member pods.
 */
public final class Routability {

  private Routability() {}

  /**
   * The members that get no subset and no weight, each with its first cause in this order: a name
   * that cannot name a subset, a subset label that is not the pod's name, no ready endpoint of the
   * read host's Service. Exclusions of names that are not {@code members} are dropped.
   *
   * @param members this tick's member pods (those Patroni was asked about)
   * @param mismatched pods whose subset label does not carry their own name
   * @param endpointless pods that are not a ready endpoint of the read host's Service
   * @param leader this tick's leader, or null
   * @param primaryService whether the gate names a primary Service ({@code mesh.primaryHost}): then
   *     the leader's subset is never a destination, and a replicas-only read host rightly has no
   *     endpoint for it; without one the leader's subset is the fallback, and its exclusion says
   *     what to do
   */
  public static List<Exclusion> exclusions(
      Collection<String> members,
      Collection<Exclusion> mismatched,
      Collection<Exclusion> endpointless,
      String leader,
      boolean primaryService) {
    List<Exclusion> out = new ArrayList<>(IstioRenderer.invalidSubsetNames(members));
    Set<String> named = new HashSet<>();
    out.forEach(e -> named.add(e.member()));
    for (Exclusion e : mismatched) {
      if (members.contains(e.member()) && named.add(e.member())) {
        out.add(e);
      }
    }
    for (Exclusion e : endpointless) {
      boolean isLeader = e.member().equals(leader);
      if (members.contains(e.member()) && !(isLeader && primaryService) && named.add(e.member())) {
        out.add(isLeader ? leaderWithoutEndpoint(e) : e);
      }
    }
    return out;
  }

  /**
   * The leader's exclusion for want of an endpoint, saying what to do: known from the first tick,
   * long before a failover needs the fallback.
   */
  private static Exclusion leaderWithoutEndpoint(Exclusion e) {
    return new Exclusion(
        e.member(),
        e.cause(),
        e.detail()
            + "; it leads, so the Primary fallback could not reach it: set mesh.primaryHost to"
            + " the primary's own Service");
  }
}
