package io.syncgate.e2e.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks of the read route against what the sampler saw of the cluster. Each rule allows {@code
 * grace} after the sampler first saw a leader (name and timeline), because the controller sees a
 * change at its next poll and the route changes after a write.
 */
public final class RouteChecks {

  /** One sample that breaks a rule. */
  public record Violation(long atMillis, String member, String detail) {}

  private RouteChecks() {}

  /**
   * Samples where a replica whose timeline differs from the leader's had weight, more than {@code
   * grace} after that leader (on that timeline) first showed up. Replicas whose timeline is unknown
   * are not judged.
   */
  public static List<Violation> oldTimelineWithWeight(List<Sample> samples, Duration grace) {
    List<Violation> out = new ArrayList<>();
    forEachSettled(
        samples,
        grace,
        (sample, leaderName, timeline) -> {
          for (Map.Entry<String, Integer> route : sample.weights().entrySet()) {
            MemberView member = sample.member(route.getKey());
            if (route.getValue() > 0
                && !route.getKey().equals(leaderName)
                && member != null
                && member.timeline() != null
                && !member.timeline().equals(timeline)) {
              out.add(
                  new Violation(
                      sample.atMillis(),
                      route.getKey(),
                      "weight "
                          + route.getValue()
                          + " on timeline "
                          + member.timeline()
                          + ", leader "
                          + leaderName
                          + " on "
                          + timeline));
            }
          }
        });
    return out;
  }

  /**
   * Samples where the leader shared the read route with a replica, more than {@code grace} after it
   * became leader: the leader may only be the route's sole (fallback) destination.
   */
  public static List<Violation> leaderSharesRoute(List<Sample> samples, Duration grace) {
    List<Violation> out = new ArrayList<>();
    forEachSettled(
        samples,
        grace,
        (sample, leaderName, timeline) -> {
          int leaderWeight = sample.weight(leaderName);
          boolean othersWeighted =
              sample.weights().entrySet().stream()
                  .anyMatch(e -> !e.getKey().equals(leaderName) && e.getValue() > 0);
          if (leaderWeight > 0 && othersWeighted) {
            out.add(
                new Violation(
                    sample.atMillis(), leaderName, "leader in route " + sample.weights()));
          }
        });
    return out;
  }

  private interface SettledSample {
    void check(Sample sample, String leaderName, Long timeline);
  }

  /** Calls {@code check} for samples whose single leader has been seen for more than grace. */
  private static void forEachSettled(List<Sample> samples, Duration grace, SettledSample check) {
    String leaderName = null;
    Long timeline = null;
    long since = 0;
    for (Sample sample : samples) {
      MemberView leader = sample.leader().orElse(null);
      if (leader == null || leader.timeline() == null) {
        continue;
      }
      if (!leader.name().equals(leaderName) || !Objects.equals(leader.timeline(), timeline)) {
        leaderName = leader.name();
        timeline = leader.timeline();
        since = sample.atMillis();
      }
      if (sample.atMillis() - since > grace.toMillis()) {
        check.check(sample, leaderName, timeline);
      }
    }
  }
}
