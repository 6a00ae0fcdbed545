package io.syncgate.policy.gating;

import java.util.Objects;

/**
 * One destination of the read route: a member's subset (named after its pod), or {@link
 * #PRIMARY_SERVICE}, and its weight.
 */
public record RouteDestination(String subset, int weight) {

  /**
   * The primary's own Service ({@code mesh.primaryHost}) as the {@code Primary} fallback's
   * destination, in place of a subset. Not a DNS-1123 label, so no member's subset can be named so.
   */
  public static final String PRIMARY_SERVICE = "@primary";

  public RouteDestination {
    Objects.requireNonNull(subset, "subset");
    if (weight < 0 || weight > 100) {
      throw new IllegalArgumentException("weight out of 0..100: " + weight);
    }
  }

  /** True for the primary's own Service, false for a member's subset. */
  public boolean primaryService() {
    return PRIMARY_SERVICE.equals(subset);
  }
}
