package io.syncgate.policy.gating;

import java.util.Objects;

/** One destination of the read route: a member's subset (named after its pod) and its weight. */
public record RouteDestination(String subset, int weight) {
  public RouteDestination {
    Objects.requireNonNull(subset, "subset");
    if (weight < 0 || weight > 100) {
      throw new IllegalArgumentException("weight out of 0..100: " + weight);
    }
  }
}
