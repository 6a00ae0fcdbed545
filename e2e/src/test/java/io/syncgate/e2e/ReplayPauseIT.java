package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.MockKubernetes.RouteVersion;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.TestTime;
import io.syncgate.e2e.harness.WriteLoad;
import io.syncgate.e2e.scenario.GatedCluster;
import io.syncgate.e2e.scenario.Sample;
import io.syncgate.e2e.scenario.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay paused on a serving replica under write load (maintenance mode first, or Patroni resumes
 * it): the replica is ejected once its lag passes {@code ejection.maxLag}, within one poll interval
 * and a second of the controller first seeing it there, and comes back through the ramp after
 * {@code pg_wal_replay_resume()}.
 */
@ExtendWith(RealPatroniExtension.class)
class ReplayPauseIT {

  private static final long MIB = 1L << 20;
  private static final long EJECTION_MAX_LAG = 4 * MIB;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void pausedReplicaIsEjectedPastEjectionMaxLagAndRampsBackAfterResume(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick());
    cluster.startLeader();
    PatroniMember steady = cluster.startReplica();
    PatroniMember paused = cluster.startReplica();
    try (WriteLoad writes = WriteLoad.start(cluster, PatroniCluster.addresses(3), MIB);
        GatedCluster gated =
            GatedCluster.start(
                cluster,
                spec -> {
                  spec.getEjection().setMaxLag("4Mi");
                  spec.getRamp().setSteps(List.of(50, 100));
                  spec.getRamp().setStepInterval("1s");
                })) {
      Map<String, Integer> equal = GatedCluster.equalShares(steady, paused);
      gated.awaitServing(Duration.ofSeconds(60), steady, paused);
      Sampler sampler = gated.startSampler();

      cluster.pause();
      cluster.execute(paused, "postgres", "SELECT pg_wal_replay_pause()");
      long pausedAt = TestTime.millis();
      Await.until(
          Duration.ofSeconds(60),
          Duration.ofMillis(5),
          "the controller's lag of " + paused.name() + " above ejection.maxLag",
          () -> gated.controller().lagBytes().getOrDefault(paused.name(), 0L),
          lag -> lag > EJECTION_MAX_LAG);
      long controllerAbove = TestTime.millis();
      gated.awaitRoute(Map.of(steady.name(), 100, paused.name(), 0), Duration.ofSeconds(30));
      long ejectedAt =
          gated.kube().routeVersions().stream()
              .filter(
                  v -> v.atMillis() >= pausedAt && v.weights().getOrDefault(paused.name(), 0) == 0)
              .mapToLong(RouteVersion::atMillis)
              .min()
              .orElseThrow();

      long resumedAt = TestTime.millis();
      cluster.execute(paused, "postgres", "SELECT pg_wal_replay_resume()");
      cluster.resume();
      gated.awaitServing(Duration.ofSeconds(60), steady, paused);
      sampler.close();
      List<Sample> samples = sampler.samples();

      long ejectionDelay = ejectedAt - controllerAbove;
      Long lagAtEjection = trueLagAt(samples, paused.name(), ejectedAt);
      System.out.printf(
          "replay pause (%s): ejected %d ms after the controller first saw lag above %d MiB (true lag"
              + " then %s bytes); back at an equal share %.1f s after resume; %s%n",
          cluster.patroni().describe(),
          ejectionDelay,
          EJECTION_MAX_LAG / MIB,
          lagAtEjection,
          (TestTime.millis() - resumedAt) / 1000.0,
          writes);
      System.out.println(gated.controller().exposureSummary());

      assertThat(ejectionDelay)
          .as("ms from the controller's first lag above ejection.maxLag to weight 0")
          .isLessThanOrEqualTo(GatedCluster.POLL_INTERVAL.plusSeconds(1).toMillis());
      assertThat(samples)
          .as("kept its weight between admission.maxLag and ejection.maxLag (hysteresis)")
          .anySatisfy(
              s -> {
                assertThat(s.trueLag(paused.name()))
                    .isBetween(3 * MIB / 2, EJECTION_MAX_LAG - MIB / 2);
                assertThat(s.weight(paused.name())).isEqualTo(50);
              });
      assertThat(samples)
          .as("Patroni reported the paused replay")
          .anySatisfy(s -> assertThat(s.member(paused.name()).replayPaused()).isTrue());
      List<Integer> afterResume = new ArrayList<>();
      for (RouteVersion version : gated.kube().routeVersions()) {
        int weight = version.weights().getOrDefault(paused.name(), 0);
        if (version.atMillis() >= resumedAt
            && weight > 0
            && (afterResume.isEmpty() || afterResume.get(afterResume.size() - 1) != weight)) {
          afterResume.add(weight);
        }
      }
      // Step 50% of a full share next to one full share is a third of the route.
      assertThat(afterResume)
          .as("weights of %s after resume", paused.name())
          .containsExactly(33, 50);
    }
  }

  private static Long trueLagAt(List<Sample> samples, String member, long atMillis) {
    Long lag = null;
    for (Sample sample : samples) {
      if (sample.atMillis() <= atMillis) {
        lag = sample.trueLag(member);
      }
    }
    return lag;
  }
}
