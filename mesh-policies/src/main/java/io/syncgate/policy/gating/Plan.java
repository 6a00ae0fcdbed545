package io.syncgate.policy.gating;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one gating step decided: the read route to write (or none: leave the live one as it is), the
 * members that need a subset, the members left out of the mesh and why, and what changed (for
 * events and status).
 *
 * @param members every member pod name, sorted
 * @param leader the leader's member name, or null when no single leader is known
 * @param route the route to write; empty means "write nothing, keep what is live" (fail static
 *     before any route is known)
 * @param fallbackActive true when the route is the fallback (no replica holds a share)
 * @param degradedReason why the gate is degraded (no single leader, leader unreachable), or null
 * @param transitions phase changes, ramp steps and leader changes of this step, in order
 * @param excluded the members that get no subset and no weight, sorted by member and cause
 * @param unroutable why no route could be decided although the gate knows its leader (nothing with
 *     a ready endpoint can take the reads), or null; the live route then stays as it is
 */
public record Plan(
    List<String> members,
    String leader,
    Optional<Route> route,
    boolean fallbackActive,
    String degradedReason,
    List<Transition> transitions,
    List<Exclusion> excluded,
    String unroutable) {

  private static final Comparator<Exclusion> BY_MEMBER_AND_CAUSE =
      Comparator.comparing(Exclusion::member).thenComparing(Exclusion::cause);

  public Plan {
    members = List.copyOf(members);
    Objects.requireNonNull(route, "route");
    transitions = List.copyOf(transitions);
    excluded = excluded.stream().sorted(BY_MEMBER_AND_CAUSE).toList();
  }

  /** A plan whose route, if any, could be decided. */
  public Plan(
      List<String> members,
      String leader,
      Optional<Route> route,
      boolean fallbackActive,
      String degradedReason,
      List<Transition> transitions,
      List<Exclusion> excluded) {
    this(members, leader, route, fallbackActive, degradedReason, transitions, excluded, null);
  }

  /** A plan that excludes nobody. */
  public Plan(
      List<String> members,
      String leader,
      Optional<Route> route,
      boolean fallbackActive,
      String degradedReason,
      List<Transition> transitions) {
    this(members, leader, route, fallbackActive, degradedReason, transitions, List.of());
  }

  /**
   * What is left of this plan when its route could not be written: no new route and nothing that
   * happened; who leads, why degraded and who is excluded still hold.
   */
  public Plan withoutEffect() {
    return new Plan(
        members,
        leader,
        Optional.empty(),
        fallbackActive,
        degradedReason,
        List.of(),
        excluded,
        unroutable);
  }

  public boolean degraded() {
    return degradedReason != null;
  }

  /** The members the DestinationRule gets a subset for: every member but the excluded, sorted. */
  public List<String> subsetMembers() {
    Set<String> out = new TreeSet<>(members);
    excluded.forEach(e -> out.remove(e.member()));
    return List.copyOf(out);
  }
}
