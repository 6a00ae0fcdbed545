package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.RouteDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The story told from what a reader sees: statuses and routes go in (with a scripted clock and
 * scripted Patroni answers), events come out.
 */
class DemoStoryTest {

  private static final long GIB = 1L << 30;

  private final List<DemoEvent> events = new ArrayList<>();
  private final double[] clock = {0};
  private final Map<String, Integer> readiness = new HashMap<>();
  private final Map<String, Integer> replicaCheck = new HashMap<>();
  private final DemoStory story = story(false);

  private DemoStory story(boolean follow) {
    return new DemoStory(
        settings(follow),
        events::add,
        new DemoStory.Probes() {
          @Override
          public int readiness(String member) {
            return readiness.getOrDefault(member, 200);
          }

          @Override
          public int replicaWithinMaxLag(String member) {
            return replicaCheck.getOrDefault(member, 200);
          }
        },
        () -> clock[0]);
  }

  private static DemoSettings settings(boolean follow) {
    return new DemoSettings(
        DemoSettings.Scenario.SEED,
        2,
        5 * GIB,
        250L << 20,
        2L << 20,
        "1Mi",
        "3s",
        List.of(10, 25, 50, 100),
        "3s",
        "500ms",
        Duration.ofSeconds(5),
        Duration.ofMinutes(2),
        follow,
        DemoSettings.Output.TEXT,
        null,
        DemoSettings.PatroniVersion.V3_0_2);
  }

  private static ReplicaStatus replica(
      String name, String phase, Integer step, int weight, long lag, String reason) {
    ReplicaStatus r = new ReplicaStatus();
    r.setName(name);
    r.setPhase(phase);
    r.setStep(step);
    r.setWeight(weight);
    r.setLagBytes(lag);
    r.setReason(reason);
    return r;
  }

  private static ReplicaGateStatus status(ReplicaStatus... replicas) {
    ReplicaGateStatus s = new ReplicaGateStatus();
    s.setReplicas(new ArrayList<>(List.of(replicas)));
    return s;
  }

  private static Map<String, Integer> route(Object... pairs) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return out;
  }

  private List<DemoEvent.ReplicaChanged> replicaEvents(String name) {
    return events.stream()
        .filter(e -> e instanceof DemoEvent.ReplicaChanged)
        .map(e -> (DemoEvent.ReplicaChanged) e)
        .filter(e -> e.replica().equals(name))
        .toList();
  }

  @Test
  void aGatedReplicaThatPatroniCallsReadyIsReportedWithItsReadinessAndWeightZero() {
    replicaCheck.put("hippo-3", 503);
    story.onRoute(route(RouteDestination.PRIMARY_SERVICE, 100, "hippo-1", 0, "hippo-3", 0));
    ReplicaStatus joiner = replica("hippo-3", "Gated", null, 0, 5 * GIB, "lag 5 GiB > 1 MiB");
    joiner.setLagTrend("CatchingUp");
    joiner.setCatchUpBytesPerSecond(248L << 20);
    joiner.setCatchUpEtaSeconds(21L);
    story.onStatus(
        status(replica("hippo-1", "Gated", null, 0, 0, "lag 0 B <= 1 MiB for 0s of 3s"), joiner));
    story.table();

    assertThat(events.get(0))
        .isEqualTo(
            new DemoEvent.RouteChanged(
                0, Map.of("hippo-ha", 100, "hippo-1", 0, "hippo-3", 0), true));
    assertThat(replicaEvents("hippo-3"))
        .containsExactly(
            new DemoEvent.ReplicaChanged(
                0, "hippo-3", "gated", "Gated", null, null, 0, 5 * GIB, 200, "lag 5 GiB > 1 MiB"));
    DemoEvent.Table table = (DemoEvent.Table) events.get(events.size() - 1);
    assertThat(table.replicaCheck()).isEqualTo("/replica?lag=1MB");
    assertThat(table.rows())
        .containsExactly(
            new DemoEvent.Row("hippo-1", 200, 200, 0L, null, "Gated", 0),
            new DemoEvent.Row(
                "hippo-3",
                200,
                503,
                5 * GIB,
                new DemoEvent.CatchUpTrend("CatchingUp", 248L << 20, 21L),
                "Gated",
                0));
  }

  @Test
  void theFallbackToThePrimaryServiceIsNamedAfterTheServiceAndComesFirst() {
    story.onRoute(route("hippo-3", 0, "hippo-1", 0, RouteDestination.PRIMARY_SERVICE, 100));

    DemoEvent.RouteChanged first = (DemoEvent.RouteChanged) events.get(0);
    assertThat(first.weights())
        .containsExactly(
            Map.entry("hippo-ha", 100), Map.entry("hippo-1", 0), Map.entry("hippo-3", 0));
    assertThat(first.fallback()).isTrue();
    // The same route again: no new line.
    story.onRoute(route(RouteDestination.PRIMARY_SERVICE, 100, "hippo-1", 0, "hippo-3", 0));
    assertThat(events).hasSize(1);
  }

  @Test
  void onlyWeightOnThePrimaryServiceIsTheFallbackNotTheLeadersSubset() {
    story.onRoute(route("hippo-0", 100));
    story.onRoute(route(RouteDestination.PRIMARY_SERVICE, 0, "hippo-1", 100));
    story.onRoute(route("hippo-1", 50, "hippo-2", 50));

    assertThat(events)
        .extracting(e -> ((DemoEvent.RouteChanged) e).fallback())
        .containsExactly(false, false, false);
    assertThat(((DemoEvent.RouteChanged) events.get(1)).weights())
        .containsExactly(Map.entry("hippo-ha", 0), Map.entry("hippo-1", 100));
  }

  @Test
  void admissionStepsAndServingAreToldOnceEachAndTheSummaryWaitsForTheRoute() {
    story.onRoute(route(RouteDestination.PRIMARY_SERVICE, 100, "hippo-3", 0));
    story.onStatus(status(replica("hippo-3", "Gated", null, 0, 5 * GIB, "lag 5 GiB > 1 MiB")));
    story.readinessCheck();
    clock[0] = 10;
    // Lag figures change without a phase change: no new line.
    story.onStatus(status(replica("hippo-3", "Gated", null, 0, GIB, "lag 1 GiB > 1 MiB")));
    clock[0] = 24;
    story.onStatus(status(replica("hippo-3", "Ramping", 0, 5, 0, "ramp step 0 (10%)")));
    story.onStatus(status(replica("hippo-3", "Ramping", 0, 5, 0, "ramp step 0 (10%)")));
    clock[0] = 27;
    story.onStatus(status(replica("hippo-3", "Ramping", 1, 11, 0, "ramp step 1 (25%)")));
    clock[0] = 30;
    story.onStatus(status(replica("hippo-3", "Ramping", 2, 20, 0, "ramp step 2 (50%)")));
    clock[0] = 33;
    story.onStatus(status(replica("hippo-3", "Serving", null, 33, 0, "serving full share")));
    // Serving in the status, but the live route still has the old weights.
    story.onRoute(route("hippo-1", 40, "hippo-2", 40, "hippo-3", 20));
    assertThat(story.finished()).isFalse();
    clock[0] = 33.5;
    story.onRoute(route("hippo-1", 34, "hippo-2", 33, "hippo-3", 33));

    assertThat(replicaEvents("hippo-3"))
        .extracting(
            DemoEvent.ReplicaChanged::change,
            DemoEvent.ReplicaChanged::stepPercent,
            DemoEvent.ReplicaChanged::t)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gated", null, 0.0),
            org.assertj.core.groups.Tuple.tuple("admitted", 10, 24.0),
            org.assertj.core.groups.Tuple.tuple("step", 25, 27.0),
            org.assertj.core.groups.Tuple.tuple("step", 50, 30.0),
            org.assertj.core.groups.Tuple.tuple("serving", null, 33.0));
    assertThat(story.finished()).isTrue();
    DemoEvent last = events.get(events.size() - 1);
    assertThat(last)
        .isEqualTo(
            new DemoEvent.Summary(
                33.5,
                "hippo-3",
                24.0,
                9.0,
                1,
                0,
                1,
                List.of(10, 25, 50, 100),
                Map.of("hippo-1", 34, "hippo-2", 33, "hippo-3", 33),
                null,
                new DemoEvent.ReadinessTimeline("3.0.2", 0.5, null, 0.0, 24.0, 33.0)));
    assertThat(events.get(events.size() - 2)).isInstanceOf(DemoEvent.Table.class);
    // After the summary no more tables, unless the demo follows on.
    int before = events.size();
    story.table();
    assertThat(events).hasSize(before);
  }

  @Test
  void readinessIsCountedWhileTheJoinerIsHeldAndOnlyThen() {
    readiness.put("hippo-3", 503); // Patroni 4.1: far behind
    story.readinessCheck();
    story.onStatus(status(replica("hippo-3", "Gated", null, 0, 5 * GIB, "lag")));
    clock[0] = 0.5;
    story.readinessCheck();
    clock[0] = 1;
    readiness.put("hippo-3", 200);
    story.readinessCheck();
    clock[0] = 1.5;
    readiness.put("hippo-3", PatroniProbe.NO_ANSWER);
    story.readinessCheck();
    clock[0] = 2;
    readiness.put("hippo-3", 503);
    story.readinessCheck();
    // Tables and lines ask too, but do not count.
    story.table();
    clock[0] = 4;
    readiness.put("hippo-3", 200);
    story.onStatus(status(replica("hippo-3", "Ramping", 0, 5, 0, "ramp step 0 (10%)")));
    story.readinessCheck();
    clock[0] = 7;
    story.onStatus(status(replica("hippo-3", "Serving", null, 33, 0, "serving full share")));
    story.onRoute(route("hippo-3", 33, "hippo-1", 67));
    story.readinessCheck(); // after the summary: not counted

    DemoEvent.Summary summary = story.summary();
    assertThat(summary.readinessChecksWhileGated()).isEqualTo(5);
    assertThat(summary.readinessOkWhileGated()).isEqualTo(1);
    assertThat(summary.readinessUnavailableWhileGated()).isEqualTo(3);
    // 503 until 0.5 s, first 200 at 1 s; weight at 4 s, a full share at 7 s.
    assertThat(summary.readiness())
        .isEqualTo(new DemoEvent.ReadinessTimeline("3.0.2", 0.5, 0.5, 1.0, 4.0, 7.0));
  }

  @Test
  void tablesGoOnAfterTheSummaryWhenFollowing() {
    DemoStory following = story(true);
    following.onStatus(status(replica("hippo-3", "Serving", null, 100, 0, "serving full share")));
    following.onRoute(route("hippo-3", 100));
    assertThat(following.finished()).isTrue();
    int before = events.size();

    following.table();

    assertThat(events).hasSize(before + 1);
    assertThat(events.get(before)).isInstanceOf(DemoEvent.Table.class);
  }

  @Test
  void theTimeoutSaysWhereTheJoinerIs() {
    clock[0] = 120;
    story.onStatus(status(replica("hippo-3", "Gated", null, 0, GIB, "lag 1 GiB > 1 MiB")));

    assertThat(story.timedOut(Duration.ofMinutes(2)))
        .isEqualTo(
            new DemoEvent.TimedOut(
                120,
                "hippo-3",
                "Gated",
                "lag 1 GiB > 1 MiB",
                "hippo-3 is not serving after 2m: Gated (lag 1 GiB > 1 MiB)"));
  }

  @Test
  void changesAreNamedFromThePhasesBeforeAndAfter() {
    ReplicaStatus gated = replica("r", "Gated", null, 0, 0, "");
    ReplicaStatus ramping0 = replica("r", "Ramping", 0, 5, 0, "");
    ReplicaStatus ramping1 = replica("r", "Ramping", 1, 9, 0, "");
    ReplicaStatus serving = replica("r", "Serving", null, 33, 0, "");
    ReplicaStatus ejected = replica("r", "Ejected", null, 0, 0, "");

    assertThat(DemoStory.change(null, gated)).isEqualTo("gated");
    assertThat(DemoStory.change(null, ramping0)).isEqualTo("ramping");
    assertThat(DemoStory.change(gated, ramping0)).isEqualTo("admitted");
    assertThat(DemoStory.change(ramping0, ramping1)).isEqualTo("step");
    assertThat(DemoStory.change(ramping1, serving)).isEqualTo("serving");
    assertThat(DemoStory.change(gated, serving)).isEqualTo("admitted");
    assertThat(DemoStory.change(serving, ejected)).isEqualTo("ejected");
    assertThat(DemoStory.change(ejected, gated)).isEqualTo("gated");
  }
}
