package io.syncgate.policy.gating;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The weighted destinations of the read route. The invariant that makes every write valid on every
 * Istio release is enforced here: integer weights that sum to exactly 100, no subset twice.
 */
public record Route(List<RouteDestination> destinations) {

  public Route {
    destinations = List.copyOf(destinations);
    int sum = destinations.stream().mapToInt(RouteDestination::weight).sum();
    if (sum != 100) {
      throw new IllegalArgumentException("route weights must sum to 100, got " + sum);
    }
    long distinct = destinations.stream().map(RouteDestination::subset).distinct().count();
    if (distinct != destinations.size()) {
      throw new IllegalArgumentException("a subset appears twice in " + destinations);
    }
  }

  /** Weight per subset, in route order. */
  public Map<String, Integer> weights() {
    return destinations.stream()
        .collect(
            Collectors.toMap(
                RouteDestination::subset,
                RouteDestination::weight,
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }

  public int weightOf(String subset) {
    for (RouteDestination d : destinations) {
      if (d.subset().equals(subset)) {
        return d.weight();
      }
    }
    return 0;
  }
}
