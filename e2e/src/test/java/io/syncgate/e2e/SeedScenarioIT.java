package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniCluster.CreateReplica;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.Poll;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.WriteLoad;
import io.syncgate.e2e.scenario.Sample;
import io.syncgate.e2e.scenario.Sampler;
import io.syncgate.e2e.scenario.SeedFigures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed problem on real Patroni: a member created from an older pgBackRest backup says {@code
 * running} and answers {@code /readiness} 200 while it still replays a real WAL backlog.
 */
@ExtendWith(RealPatroniExtension.class)
class SeedScenarioIT {

  private static final long MIB = 1L << 20;
  private static final long MAX_LAG = MIB;

  /** WAL written after the backup; replaying it keeps the new member behind for a while. */
  private static final long BACKLOG = 1024 * MIB;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void memberFromBackupIsReadyWhileItReplaysItsBacklog(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick().withBackups());
    PatroniMember leader = cluster.startLeader();
    cluster.startReplica();
    cluster.createStanza(leader);
    cluster.pgbenchInit(leader, "postgres", 10);
    try (WriteLoad writes = WriteLoad.start(cluster, PatroniCluster.addresses(3), 64 * 1024)) {
      writes.awaitProgress(10, Duration.ofSeconds(30));
      cluster.backup(leader);
      long afterBackup = cluster.currentWalLsn(leader);
      cluster.execute("CREATE DATABASE churn");
      int rounds = 0;
      while (cluster.currentWalLsn(leader) - afterBackup < BACKLOG) {
        cluster.pgbenchInit(leader, "churn", 25);
        rounds++;
      }
      long backlog = cluster.currentWalLsn(leader) - afterBackup;

      List<Sample> samples;
      PatroniMember fresh;
      try (Sampler sampler = new Sampler(cluster::members, Map::of, Map::of)) {
        fresh = cluster.startMember(CreateReplica.PGBACKREST);
        sampler.start(Duration.ofMillis(200));
        String name = fresh.name();
        Poll.until(
            Duration.ofMinutes(5),
            name + " to catch up",
            () -> {
              Sample last = sampler.latest();
              Long lag = last == null ? null : last.trueLag(name);
              return lag != null && lag <= MAX_LAG;
            });
        samples = sampler.samples();
      }
      SeedFigures figures = SeedFigures.of(samples, fresh.name(), MAX_LAG);
      System.out.printf(
          "seed backlog: %d MiB of WAL after the backup (%d pgbench rounds), %s%n",
          backlog / MIB, rounds, writes);
      System.out.println(figures.summary());

      assertThat(figures.readyWhileBehind())
          .as("Patroni's /readiness said 200 while the member was more than maxLag behind")
          .isPositive();
      assertThat(figures.maxLagWhileReady()).isGreaterThan(MAX_LAG);
    }
  }
}
