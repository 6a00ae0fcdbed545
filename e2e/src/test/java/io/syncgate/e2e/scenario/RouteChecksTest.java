package io.syncgate.e2e.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteChecksTest {

  private static final Duration GRACE = Duration.ofMillis(1200);

  private static MemberView leader(String name, long timeline) {
    return new MemberView(name, "master", "running", timeline, null, 200, 503, 1000L);
  }

  private static MemberView replica(String name, long timeline) {
    return new MemberView(name, "replica", "running", timeline, false, 200, 200, 1000L);
  }

  private static Sample sample(long at, Map<String, Integer> weights, MemberView... members) {
    Map<String, MemberView> byName = new java.util.HashMap<>();
    for (MemberView member : members) {
      byName.put(member.name(), member);
    }
    return new Sample(at, byName, weights, Map.of());
  }

  @Test
  void replicaLeftOnTheOldTimelineWithWeightAfterTheGraceIsAViolation() {
    List<Sample> samples =
        List.of(
            sample(0, Map.of("b", 50, "c", 50), leader("a", 1), replica("b", 1), replica("c", 1)),
            // b promoted: c on the old timeline keeps weight for a while.
            sample(
                1000, Map.of("b", 50, "c", 50), replica("a", 1), leader("b", 2), replica("c", 1)),
            sample(2000, Map.of("c", 100), replica("a", 2), leader("b", 2), replica("c", 1)),
            sample(2400, Map.of("c", 100), replica("a", 2), leader("b", 2), replica("c", 1)),
            sample(2600, Map.of("b", 100), replica("a", 2), leader("b", 2), replica("c", 1)));

    List<RouteChecks.Violation> violations = RouteChecks.oldTimelineWithWeight(samples, GRACE);

    // 2000 is within the grace after b showed up on timeline 2 at 1000; 2400 is not.
    assertThat(violations).extracting(RouteChecks.Violation::atMillis).containsExactly(2400L);
    assertThat(violations.get(0).member()).isEqualTo("c");
  }

  @Test
  void noSingleLeaderIsNotJudgedAndUnknownTimelinesAreNot() {
    MemberView unknown = new MemberView("c", null, null, null, null, 0, 0, null);
    List<Sample> samples =
        List.of(
            sample(0, Map.of("b", 50, "c", 50), replica("a", 1), replica("b", 1), replica("c", 1)),
            sample(5000, Map.of("b", 50, "c", 50), replica("a", 1), replica("b", 1), unknown),
            sample(6000, Map.of("b", 50, "c", 50), leader("a", 2), replica("b", 2), unknown),
            sample(9000, Map.of("b", 50, "c", 50), leader("a", 2), replica("b", 2), unknown));

    assertThat(RouteChecks.oldTimelineWithWeight(samples, GRACE)).isEmpty();
  }

  @Test
  void leaderMayOnlyBeTheSoleDestination() {
    List<Sample> samples =
        List.of(
            sample(0, Map.of("b", 100), leader("a", 1), replica("b", 1)),
            sample(500, Map.of("a", 100), leader("b", 2), replica("a", 2)),
            sample(2000, Map.of("a", 100), leader("b", 2), replica("a", 2)),
            sample(2200, Map.of("b", 100), leader("b", 2), replica("a", 2)),
            sample(2400, Map.of("a", 50, "b", 50), leader("b", 2), replica("a", 2)));

    assertThat(RouteChecks.leaderSharesRoute(samples, GRACE))
        .extracting(RouteChecks.Violation::atMillis)
        .containsExactly(2400L);
  }
}
