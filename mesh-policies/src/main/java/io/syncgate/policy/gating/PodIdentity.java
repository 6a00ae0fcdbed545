package io.syncgate.policy.gating;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replica state is about a pod, not a name: a pod force-deleted and re-created under the same name
 * (or replaced while a watch event was missed) has to earn its place again through stableFor and
 * the whole ramp.
 */
public final class PodIdentity {

  private PodIdentity() {}

  /**
   * The members whose pod now has another UID than the one their state was about.
   *
   * @param known the UIDs the state was about, by member name
   * @param current the current pods' UIDs, by member name
   */
  public static Set<String> recreated(Map<String, String> known, Map<String, String> current) {
    Set<String> out = new TreeSet<>();
    for (var entry : known.entrySet()) {
      String now = current.get(entry.getKey());
      if (now != null && !now.equals(entry.getValue())) {
        out.add(entry.getKey());
      }
    }
    return out;
  }
}
