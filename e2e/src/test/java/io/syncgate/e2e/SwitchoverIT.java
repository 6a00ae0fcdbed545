package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.RouteEndpointCheck;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniCluster.CreateReplica;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.WriteLoad;
import io.syncgate.e2e.scenario.GatedCluster;
import io.syncgate.e2e.scenario.RouteChecks;
import io.syncgate.e2e.scenario.Sample;
import io.syncgate.e2e.scenario.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code patronictl switchover} while a new replica ramps in: the new leader leaves the replica
 * route, and no replica still on the old timeline keeps weight once the new leader is known.
 */
@ExtendWith(RealPatroniExtension.class)
class SwitchoverIT {

  private static final Duration GRACE = GatedCluster.POLL_INTERVAL.plusSeconds(1);

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void switchoverMidRampMovesReadsOffTheNewLeaderAndTheOldTimeline(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick());
    PatroniMember oldLeader = cluster.startLeader();
    PatroniMember candidate = cluster.startReplica();
    try (WriteLoad writes = WriteLoad.start(cluster, PatroniCluster.addresses(3), 512 * 1024);
        GatedCluster gated =
            GatedCluster.start(cluster, spec -> spec.getRamp().setStepInterval("3s"))) {
      gated.awaitServing(Duration.ofSeconds(60), candidate);
      Sampler sampler = gated.startSampler();
      PatroniMember ramping = gated.addMember(CreateReplica.BASEBACKUP);
      Await.until(
          Duration.ofSeconds(90),
          ramping.name() + " ramping (a share above 0, below an equal one)",
          () -> gated.kube().weights().getOrDefault(ramping.name(), 0),
          w -> w > 0 && w < 50);

      long failoverStarted = System.nanoTime();
      cluster.switchover(oldLeader, candidate);
      cluster.awaitLeader(candidate, Duration.ofSeconds(60));
      gated.awaitServing(Duration.ofSeconds(90), oldLeader, ramping);
      sampler.close();
      RouteEndpointCheck.Report failover =
          gated.kube().routesWritten(failoverStarted, System.nanoTime());
      System.out.printf(
          "switchover (%s): %d VirtualServices written during the failover, %.1f %% of their"
              + " weight on destinations without a ready endpoint%n",
          cluster.patroni().describe(), failover.routes(), 100 * failover.shareWithoutEndpoint());
      assertThat(failover.routes()).as("routes written during the failover").isPositive();
      assertThat(failover.violations()).as("weight where nothing answered").isEmpty();
      List<Sample> samples = sampler.samples();

      long newTimeline = samples.get(samples.size() - 1).member(candidate.name()).timeline();
      System.out.printf(
          "switchover (%s): leader %s -> %s (timeline %d); %d samples; %s%n",
          cluster.patroni().describe(),
          oldLeader.name(),
          candidate.name(),
          newTimeline,
          samples.size(),
          writes);
      System.out.println(gated.controller().exposureSummary());
      assertThat(newTimeline).isGreaterThan(1);
      assertThat(RouteChecks.leaderSharesRoute(samples, GRACE))
          .as("samples where the new leader shared the read route with a replica")
          .isEmpty();
      assertThat(RouteChecks.oldTimelineWithWeight(samples, GRACE))
          .as("samples where a replica on the old timeline had weight")
          .isEmpty();
      assertThat(samples)
          .as("the ramping replica was seen on the old timeline after the new leader was")
          .anySatisfy(
              s -> {
                assertThat(s.leader())
                    .hasValueSatisfying(l -> assertThat(l.name()).isEqualTo(candidate.name()));
                assertThat(s.member(ramping.name()).timeline()).isEqualTo(1L);
              });
    }
  }
}
