package io.syncgate.policy.gating;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Weight math of docs/design.md, "Phases and weights": replica shares to integer route weights that
 * sum to exactly {@value #TOTAL}, and the fallback when no replica holds a share.
 *
 * <p>Apportionment is by largest remainder, computed exactly with {@link BigDecimal} so that equal
 * shares always tie and ties always go to the name that sorts first. A zero share never receives a
 * unit: the units left after rounding down are fewer than the entries with a non-zero remainder.
 */
public final class Weights {

  /** What every route sums to. */
  public static final int TOTAL = 100;

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(TOTAL);

  private Weights() {}

  /** The route of one step and whether it is the fallback route. */
  public record Decision(Route route, boolean fallbackActive) {}

  /**
   * Apportions {@value #TOTAL} among {@code shares} in proportion, by largest remainder, ties by
   * name ascending.
   *
   * @param shares non-negative shares per name; at least one must be positive
   * @return the weights by name, sorted by name, summing to exactly {@value #TOTAL}
   * @throws IllegalArgumentException when a share is negative or all shares are zero
   */
  public static SortedMap<String, Integer> largestRemainder(Map<String, BigDecimal> shares) {
    SortedMap<String, BigDecimal> byName = new TreeMap<>(shares);
    BigDecimal sum = BigDecimal.ZERO;
    for (Map.Entry<String, BigDecimal> e : byName.entrySet()) {
      BigDecimal share = Objects.requireNonNull(e.getValue(), () -> "share of " + e.getKey());
      if (share.signum() < 0) {
        throw new IllegalArgumentException("negative share " + share + " for " + e.getKey());
      }
      sum = sum.add(share);
    }
    if (sum.signum() == 0) {
      throw new IllegalArgumentException("no positive share among " + byName.keySet());
    }
    SortedMap<String, Integer> weights = new TreeMap<>();
    Map<String, BigDecimal> remainders = new LinkedHashMap<>();
    int assigned = 0;
    for (Map.Entry<String, BigDecimal> e : byName.entrySet()) {
      // exact_i = 100·s_i/Σs = floor_i + remainder_i/Σs; remainders compare like the fractions.
      BigDecimal[] quotientAndRemainder = e.getValue().multiply(HUNDRED).divideAndRemainder(sum);
      int floor = quotientAndRemainder[0].intValueExact();
      weights.put(e.getKey(), floor);
      remainders.put(e.getKey(), quotientAndRemainder[1]);
      assigned += floor;
    }
    List<String> byRemainder = new ArrayList<>(remainders.keySet());
    byRemainder.sort(
        Comparator.comparing((String name) -> remainders.get(name))
            .reversed()
            .thenComparing(Comparator.naturalOrder()));
    for (int i = 0; i < TOTAL - assigned; i++) {
      weights.merge(byRemainder.get(i), 1, Integer::sum);
    }
    return weights;
  }

  /** {@link #largestRemainder(Map)} for shares given as doubles (taken as their decimal value). */
  public static SortedMap<String, Integer> fromShares(Map<String, Double> shares) {
    Map<String, BigDecimal> exact = new TreeMap<>();
    shares.forEach((name, share) -> exact.put(name, BigDecimal.valueOf(share)));
    return largestRemainder(exact);
  }

  /**
   * A replica's share of a full replica's traffic: 0 for Unknown, Gated and Ejected, {@code
   * steps[k]/100} while Ramping(k), 1 while Serving.
   */
  public static BigDecimal share(ReplicaState replica, GatePolicy policy) {
    return switch (replica.phase()) {
      case UNKNOWN, GATED, EJECTED -> BigDecimal.ZERO;
      case RAMPING -> BigDecimal.valueOf(policy.rampSteps().get(replica.step()), 2);
      case SERVING -> BigDecimal.ONE;
    };
  }

  /** True when no replica in {@code replicas} holds a share. */
  public static boolean noShares(Collection<ReplicaState> replicas, GatePolicy policy) {
    return replicas.stream().allMatch(r -> share(r, policy).signum() == 0);
  }

  /**
   * The read route for a cluster with a single leader: one destination per replica, sorted by name,
   * weighted by share; when no replica holds a share, the fallback. The leader's subset appears
   * only in the {@link Fallback#PRIMARY} fallback (appended last) or when there is no replica at
   * all.
   */
  public static Decision decide(
      Collection<ReplicaState> replicas, String leader, GatePolicy policy) {
    Objects.requireNonNull(leader, "leader");
    return route(replicas, leader, policy).orElseThrow();
  }

  /**
   * {@link #decide}, where the leader's subset may be missing: {@code leaderSubset} is the
   * destination of the {@link Fallback#PRIMARY} fallback and of a cluster without replicas, or null
   * when there is none (the leader is excluded, or unknown while failing static).
   *
   * @return empty when the route would need {@code leaderSubset} and there is none
   */
  public static Optional<Decision> route(
      Collection<ReplicaState> replicas, String leaderSubset, GatePolicy policy) {
    List<ReplicaState> sorted = new ArrayList<>(replicas);
    sorted.sort(Comparator.comparing(ReplicaState::name));
    if (sorted.isEmpty()) {
      return Optional.ofNullable(leaderSubset)
          .map(
              leader ->
                  new Decision(new Route(List.of(new RouteDestination(leader, TOTAL))), true));
    }
    Map<String, BigDecimal> shares = new TreeMap<>();
    for (ReplicaState r : sorted) {
      shares.put(r.name(), share(r, policy));
    }
    boolean fallback = shares.values().stream().allMatch(s -> s.signum() == 0);
    if (!fallback) {
      return Optional.of(new Decision(toRoute(largestRemainder(shares)), false));
    }
    if (policy.fallback() == Fallback.ALL_REPLICAS) {
      Map<String, BigDecimal> equal = new TreeMap<>();
      shares.keySet().forEach(name -> equal.put(name, BigDecimal.ONE));
      return Optional.of(new Decision(toRoute(largestRemainder(equal)), true));
    }
    if (leaderSubset == null) {
      return Optional.empty();
    }
    List<RouteDestination> destinations = new ArrayList<>();
    shares.keySet().forEach(name -> destinations.add(new RouteDestination(name, 0)));
    destinations.add(new RouteDestination(leaderSubset, TOTAL));
    return Optional.of(new Decision(new Route(destinations), true));
  }

  /**
   * {@code route} without the destinations whose subset is not in {@code present}; the weight they
   * held is spread over the rest in proportion to their weights (largest remainder, ties by name),
   * keeping route order. Returns the route unchanged when nothing is removed, and empty when no
   * remaining destination holds weight.
   */
  public static Optional<Route> restrictTo(Route route, Set<String> present) {
    return restrictTo(route, present, Set.of());
  }

  /**
   * {@link #restrictTo(Route, Set)}, and the destinations in {@code zeroed} keep their place at
   * weight 0: what they held is spread over the rest the same way.
   */
  public static Optional<Route> restrictTo(Route route, Set<String> present, Set<String> zeroed) {
    List<RouteDestination> kept =
        route.destinations().stream().filter(d -> present.contains(d.subset())).toList();
    boolean zeroes = kept.stream().anyMatch(d -> d.weight() > 0 && zeroed.contains(d.subset()));
    if (kept.size() == route.destinations().size() && !zeroes) {
      return Optional.of(route);
    }
    Map<String, BigDecimal> shares = new TreeMap<>();
    kept.forEach(
        d ->
            shares.put(
                d.subset(),
                zeroed.contains(d.subset()) ? BigDecimal.ZERO : BigDecimal.valueOf(d.weight())));
    if (shares.values().stream().allMatch(s -> s.signum() == 0)) {
      return Optional.empty();
    }
    SortedMap<String, Integer> weights = largestRemainder(shares);
    return Optional.of(
        new Route(
            kept.stream()
                .map(d -> new RouteDestination(d.subset(), weights.get(d.subset())))
                .toList()));
  }

  private static Route toRoute(SortedMap<String, Integer> weights) {
    List<RouteDestination> destinations = new ArrayList<>();
    weights.forEach((name, weight) -> destinations.add(new RouteDestination(name, weight)));
    return new Route(destinations);
  }
}
