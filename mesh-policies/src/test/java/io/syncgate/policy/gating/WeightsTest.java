package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T16:00:00Z");
  private static final GatePolicy POLICY = GatePolicy.defaults();

  @Test
  void fullAndQuarterShareSplitEightyTwenty() {
    // Σs = 1.25: 100·1/1.25 = 80, 100·0.25/1.25 = 20, exact.
    assertThat(Weights.fromShares(Map.of("a", 1.0, "b", 0.25, "c", 0.0)))
        .containsExactly(entry("a", 80), entry("b", 20), entry("c", 0));
  }

  @Test
  void threeEqualSharesGiveTheSpareUnitToTheFirstName() {
    // 33.33 each: floors 33/33/33, one unit left, equal remainders → first name.
    assertThat(Weights.fromShares(Map.of("pg-c", 1.0, "pg-a", 1.0, "pg-b", 1.0)))
        .containsExactly(entry("pg-a", 34), entry("pg-b", 33), entry("pg-c", 33));
  }

  @Test
  void largerRemainderBeatsEarlierName() {
    // Σs = 2.1: 47.619 / 47.619 / 4.762 → floors 47/47/4, two units left:
    // c (.762) first, then the tie a/b (.619) goes to a.
    assertThat(Weights.fromShares(Map.of("a", 1.0, "b", 1.0, "c", 0.1)))
        .containsExactly(entry("a", 48), entry("b", 47), entry("c", 5));
  }

  @Test
  void sharesThatDoNotAddUpInBinaryStillTieExactly() {
    // 0.1 + 0.2 + 0.3 = 0.6 exactly in decimal: 16.67 / 33.33 / 50 → 17 / 33 / 50.
    assertThat(Weights.fromShares(Map.of("a", 0.1, "b", 0.2, "c", 0.3)))
        .containsExactly(entry("a", 17), entry("b", 33), entry("c", 50));
  }

  @Test
  void allZeroOrNegativeSharesAreRejected() {
    assertThatThrownBy(() -> Weights.fromShares(Map.of("a", 0.0, "b", 0.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no positive share");
    assertThatThrownBy(() -> Weights.fromShares(Map.of("a", 1.0, "b", -0.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative share");
  }

  @Test
  void sharesFollowPhaseAndRampStep() {
    assertThat(Weights.share(replica("a", Phase.UNKNOWN, 0), POLICY)).isZero();
    assertThat(Weights.share(replica("a", Phase.GATED, 0), POLICY)).isZero();
    assertThat(Weights.share(replica("a", Phase.EJECTED, 0), POLICY)).isZero();
    assertThat(Weights.share(replica("a", Phase.RAMPING, 1), POLICY))
        .isEqualByComparingTo(new BigDecimal("0.25"));
    assertThat(Weights.share(replica("a", Phase.SERVING, 0), POLICY))
        .isEqualByComparingTo(BigDecimal.ONE);
  }

  @Test
  void routeListsEveryReplicaByNameIncludingZeroWeights() {
    Weights.Decision d =
        Weights.decide(
            List.of(
                replica("pg-3", Phase.GATED, 0),
                replica("pg-2", Phase.RAMPING, 0),
                replica("pg-1", Phase.SERVING, 0)),
            "pg-0",
            POLICY);
    // Σs = 1.1: 90.909 / 9.091 / 0 → 90 / 9, one unit left to pg-1 (.909 > .091).
    assertThat(d.route()).isEqualTo(route(dest("pg-1", 91), dest("pg-2", 9), dest("pg-3", 0)));
    assertThat(d.fallbackActive()).isFalse();
  }

  @Test
  void primaryFallbackAppendsTheLeaderLast() {
    Weights.Decision d =
        Weights.decide(
            List.of(replica("pg-2", Phase.EJECTED, 0), replica("pg-1", Phase.GATED, 0)),
            "pg-0",
            POLICY);
    assertThat(d.route()).isEqualTo(route(dest("pg-1", 0), dest("pg-2", 0), dest("pg-0", 100)));
    assertThat(d.fallbackActive()).isTrue();
  }

  @Test
  void allReplicasFallbackSharesEquallyWithoutTheLeader() {
    Weights.Decision d =
        Weights.decide(
            List.of(
                replica("pg-1", Phase.GATED, 0),
                replica("pg-2", Phase.UNKNOWN, 0),
                replica("pg-3", Phase.EJECTED, 0)),
            "pg-0",
            POLICY.withFallback(Fallback.ALL_REPLICAS));
    assertThat(d.route()).isEqualTo(route(dest("pg-1", 34), dest("pg-2", 33), dest("pg-3", 33)));
    assertThat(d.fallbackActive()).isTrue();
  }

  @Test
  void noReplicasRoutesEverythingToTheLeaderWhateverTheFallback() {
    for (Fallback f : Fallback.values()) {
      Weights.Decision d = Weights.decide(List.of(), "pg-0", POLICY.withFallback(f));
      assertThat(d.route()).isEqualTo(route(dest("pg-0", 100)));
      assertThat(d.fallbackActive()).isTrue();
    }
  }

  @Test
  void restrictToSpreadsTheWeightOfVanishedSubsetsInProportion() {
    Route before = route(dest("pg-1", 34), dest("pg-2", 33), dest("pg-3", 33));
    // pg-3 gone: 34/67 and 33/67 of 100 = 50.75 / 49.25 → 50 / 49, one unit to pg-1 (.75).
    assertThat(Weights.restrictTo(before, Set.of("pg-1", "pg-2")))
        .contains(route(dest("pg-1", 51), dest("pg-2", 49)));
  }

  @Test
  void restrictToKeepsTheRouteWhenNothingVanished() {
    Route before = route(dest("pg-1", 33), dest("pg-2", 67));
    assertThat(Weights.restrictTo(before, Set.of("pg-1", "pg-2", "pg-9"))).containsSame(before);
  }

  @Test
  void restrictToIsEmptyWhenNoWeightRemains() {
    Route fallback = route(dest("pg-1", 0), dest("pg-2", 0), dest("pg-0", 100));
    assertThat(Weights.restrictTo(fallback, Set.of("pg-1", "pg-2"))).isEqualTo(Optional.empty());
    assertThat(Weights.restrictTo(fallback, Set.of())).isEqualTo(Optional.empty());
  }

  @Test
  void zeroedSubsetsKeepTheirPlaceAndTheirWeightGoesToTheRestInProportion() {
    Route before = route(dest("pg-1", 91), dest("pg-2", 9), dest("pg-3", 0));
    assertThat(Weights.restrictTo(before, Set.of("pg-1", "pg-2", "pg-3"), Set.of("pg-1")))
        .contains(route(dest("pg-1", 0), dest("pg-2", 100), dest("pg-3", 0)));
    // Zeroed and vanished at once: pg-3 (33) goes, pg-1 (34) drops to 0, pg-2 takes all.
    Route even = route(dest("pg-1", 34), dest("pg-2", 33), dest("pg-3", 33));
    assertThat(Weights.restrictTo(even, Set.of("pg-1", "pg-2"), Set.of("pg-1")))
        .contains(route(dest("pg-1", 0), dest("pg-2", 100)));
    // Zeroing a subset that holds nothing changes nothing.
    assertThat(Weights.restrictTo(before, Set.of("pg-1", "pg-2", "pg-3"), Set.of("pg-3")))
        .containsSame(before);
    // Nothing weighted left.
    assertThat(Weights.restrictTo(before, Set.of("pg-1", "pg-2", "pg-3"), Set.of("pg-1", "pg-2")))
        .isEmpty();
  }

  @Test
  void withoutTheLeadersSubsetARouteThatNeedsItCannotBeMade() {
    List<ReplicaState> gated = List.of(replica("pg-1", Phase.GATED, 0));
    assertThat(Weights.route(gated, null, POLICY)).isEmpty();
    assertThat(Weights.route(List.of(), null, POLICY)).isEmpty();
    assertThat(Weights.route(gated, null, POLICY.withFallback(Fallback.ALL_REPLICAS)))
        .contains(new Weights.Decision(route(dest("pg-1", 100)), true));
    assertThat(Weights.route(List.of(replica("pg-1", Phase.RAMPING, 0)), null, POLICY))
        .contains(new Weights.Decision(route(dest("pg-1", 100)), false));
    assertThat(Weights.route(gated, "pg-0", POLICY))
        .contains(Weights.decide(gated, "pg-0", POLICY));
  }

  static ReplicaState replica(String name, Phase phase, int step) {
    return new ReplicaState(name, phase, step, T0, null, null, null, null, null, "test");
  }

  static RouteDestination dest(String subset, int weight) {
    return new RouteDestination(subset, weight);
  }

  static Route route(RouteDestination... destinations) {
    return new Route(List.of(destinations));
  }
}
