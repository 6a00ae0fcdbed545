package io.syncgate.policy.gating;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which members answered in a tick, against the tick before: every unusable answer counts, but a
 * member that stops answering is announced once, not every tick it stays silent.
 *
 * @param usable per member, whether its answer this tick was usable
 * @param unusable the members without a usable answer this tick
 * @param newlyUnusable the names among them that answered (or were unknown) the tick before
 */
public record Reachability(
    Map<String, Boolean> usable, List<MemberSample> unusable, Set<String> newlyUnusable) {

  public Reachability {
    usable = Map.copyOf(usable);
    unusable = List.copyOf(unusable);
    newlyUnusable = Set.copyOf(newlyUnusable);
  }

  /** This tick's reachability, given {@code before} (per member, usable the tick before). */
  public static Reachability of(Map<String, Boolean> before, ClusterSnapshot snapshot) {
    Map<String, Boolean> usable = new HashMap<>();
    List<MemberSample> unusable = new ArrayList<>();
    Set<String> newlyUnusable = new HashSet<>();
    for (MemberSample sample : snapshot.samples().values()) {
      usable.put(sample.member(), sample.usable());
      if (!sample.usable()) {
        unusable.add(sample);
        if (!Boolean.FALSE.equals(before.get(sample.member()))) {
          newlyUnusable.add(sample.member());
        }
      }
    }
    return new Reachability(usable, unusable, newlyUnusable);
  }
}
