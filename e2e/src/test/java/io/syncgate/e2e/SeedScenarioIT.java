package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.e2e.harness.MockKubernetes.RouteVersion;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniCluster.CreateReplica;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.WriteLoad;
import io.syncgate.e2e.scenario.GatedCluster;
import io.syncgate.e2e.scenario.Sample;
import io.syncgate.e2e.scenario.Sampler;
import io.syncgate.e2e.scenario.SeedFigures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed scenario on real Patroni: a member created from an older pgBackRest backup says {@code
 * running} and answers {@code /readiness} 200 while it still replays a real WAL backlog; the
 * controller keeps its weight at 0 until it has caught up, then ramps it in step by step to an
 * equal share.
 */
@ExtendWith(RealPatroniExtension.class)
class SeedScenarioIT {

  private static final long MIB = 1L << 20;
  private static final long MAX_LAG = MIB;
  private static final List<Integer> STEPS = List.of(10, 25, 50, 100);

  /** WAL written after the backup; replaying it keeps the new member behind for a while. */
  private static final long BACKLOG = 1280 * MIB;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void memberFromBackupGetsNoReadsUntilItHasReplayedItsBacklog(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick().withBackups());
    PatroniMember leader = cluster.startLeader();
    PatroniMember serving = cluster.startReplica();
    cluster.createStanza(leader);
    cluster.pgbenchInit(leader, "postgres", 10);
    try (WriteLoad writes = WriteLoad.start(cluster, PatroniCluster.addresses(3), 64 * 1024);
        GatedCluster gated = GatedCluster.start(cluster, spec -> spec.getRamp().setSteps(STEPS))) {
      gated.awaitServing(Duration.ofSeconds(60), serving);
      cluster.backup(leader);
      long afterBackup = cluster.currentWalLsn(leader);
      cluster.execute("CREATE DATABASE churn");
      int rounds = 0;
      while (cluster.currentWalLsn(leader) - afterBackup < BACKLOG) {
        cluster.pgbenchInit(leader, "churn", 25);
        rounds++;
      }
      long backlog = cluster.currentWalLsn(leader) - afterBackup;

      double exposureBefore = gated.controller().exposurePercentSeconds();
      Sampler sampler = gated.startSampler();
      PatroniMember fresh = gated.addMember(CreateReplica.PGBACKREST);
      gated.awaitServing(Duration.ofMinutes(5), serving, fresh);
      sampler.close();
      double exposureDuring = gated.controller().exposurePercentSeconds() - exposureBefore;
      List<Sample> samples = sampler.samples();
      String name = fresh.name();

      SeedFigures figures = SeedFigures.of(samples, name, MAX_LAG);
      System.out.printf(
          "seed backlog (%s): %d MiB of WAL after the backup (%d pgbench rounds); %s; %d failed"
              + " sampler ticks%n",
          cluster.patroni().describe(), backlog / MIB, rounds, writes, sampler.failedTicks());
      System.out.println(figures.summary());
      // Not asserted: the counter also counts the serving replica whenever its lag is between
      // admission.maxLag (1Mi) and ejection.maxLag (16Mi), where it keeps its weight by design;
      // the pgbench loads above can put it there for a moment. The new member's own stale reads
      // are the stale-read samples, asserted 0 below.
      System.out.printf(
          "seed exposure: %.1f %%·s while %s caught up and ramped in, %.1f %%·s before (the"
              + " serving replica between admission.maxLag and ejection.maxLag counts too)%n",
          exposureDuring, fresh.name(), exposureBefore);
      System.out.println(gated.controller().exposureSummary());

      assertThat(figures.staleReadSamples())
          .as("samples where %s was more than maxLag behind and still had weight", name)
          .isZero();
      if (cluster.patroni().lagAwareReadiness()) {
        // Patroni 4.1+: /readiness is 503 while the member replays from the archive (not
        // streaming) or is more than maximum_lag_on_failover behind; it holds the member back too.
        System.out.printf(
            "seed (%s): /readiness said 503 for %.1f s after the new member ran, the gate held it"
                + " for %.1f s%n",
            cluster.patroni().describe(),
            readinessHeldFor(samples, name).toMillis() / 1000.0,
            figures.gated().toMillis() / 1000.0);
        assertThat(samplesWhereBehind(samples, name, 503))
            .as("samples where the member was behind and Patroni 4.1's /readiness said 503")
            .isPositive();
      } else {
        // Patroni before 4.1: /readiness says 200 as soon as PostgreSQL runs, GBs behind or not.
        long heldBackWhileReady =
            samples.stream()
                .filter(s -> s.member(name) != null && s.member(name).readiness() == 200)
                .filter(s -> s.trueLag(name) != null && s.trueLag(name) > MAX_LAG)
                .filter(s -> s.weight(name) == 0)
                .count();
        assertThat(heldBackWhileReady)
            .as("samples where /readiness said 200, the member was behind, the gate held it at 0")
            .isPositive();
        assertThat(figures.maxLagWhileReady()).isGreaterThan(MAX_LAG);
      }
      assertThat(figures.catchUpEta().lagAtHalf())
          .as("a point where %s had replayed half its backlog", name)
          .isNotNull();
      assertThat(figures.catchUpEta().etaAtHalf())
          .as("the controller's ETA for %s when half its backlog was replayed", name)
          .isNotNull();
      assertPassesEveryStep(rampWeights(gated.kube().routeVersions(), name));
    }
  }

  /**
   * Samples where {@code member} was more than maxLag behind and /readiness said {@code status}.
   */
  private static long samplesWhereBehind(List<Sample> samples, String member, int status) {
    return samples.stream()
        .filter(s -> s.member(member) != null && s.member(member).readiness() == status)
        .filter(s -> s.trueLag(member) != null && s.trueLag(member) > MAX_LAG)
        .count();
  }

  /**
   * From the first sample where the member ran as a replica to its first /readiness 200 (to the
   * last sample when it never said 200).
   */
  private static Duration readinessHeldFor(List<Sample> samples, String member) {
    Long running = null;
    for (Sample s : samples) {
      var view = s.member(member);
      if (running == null && view != null && view.running() && !view.leader()) {
        running = s.atMillis();
      }
      if (running != null && view != null && view.readiness() == 200) {
        return Duration.ofMillis(s.atMillis() - running);
      }
    }
    return running == null
        ? Duration.ZERO
        : Duration.ofMillis(samples.get(samples.size() - 1).atMillis() - running);
  }

  /** The member's weight in each route version, repeats and zeros left out. */
  private static List<Integer> rampWeights(List<RouteVersion> versions, String member) {
    List<Integer> weights = new ArrayList<>();
    for (RouteVersion version : versions) {
      int weight = version.weights().getOrDefault(member, 0);
      if (weight > 0 && (weights.isEmpty() || weights.get(weights.size() - 1) != weight)) {
        weights.add(weight);
      }
    }
    return weights;
  }

  /**
   * With one other replica at a full share, ramp step s gives the member 100·s/(100+s) percent
   * (rounded either way by largest remainder): one distinct weight per step, rising, the last an
   * equal share.
   */
  private static void assertPassesEveryStep(List<Integer> weights) {
    assertThat(weights).as("distinct weights on the way to an equal share").hasSize(STEPS.size());
    for (int i = 0; i < STEPS.size(); i++) {
      double exact = 100.0 * STEPS.get(i) / (100 + STEPS.get(i));
      assertThat((double) weights.get(i))
          .as("weight at step %d (%d%%)", i, STEPS.get(i))
          .isBetween(Math.floor(exact), Math.ceil(exact));
    }
    assertThat(weights).isSorted().last().isEqualTo(50);
  }
}
