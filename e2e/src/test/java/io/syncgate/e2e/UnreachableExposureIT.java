package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.ControllerUnderTest;
import io.syncgate.e2e.harness.MockKubernetes.RouteVersion;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.SuspendedPatroni;
import io.syncgate.e2e.harness.TestTime;
import io.syncgate.e2e.harness.WriteLoad;
import io.syncgate.e2e.scenario.GatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stale-read exposure that is there by design: a serving replica's Patroni stops answering
 * (SIGSTOP; its PostgreSQL keeps running) and the controller, which can no longer tell its lag,
 * keeps its weight for {@code ejection.unreachableFor} (fail-static) and then ejects it. The gate's
 * exposure counter grows while the replica is weighted but unreachable, by at most its weight times
 * {@code unreachableFor} and a tick or two, and stops growing once it is ejected.
 */
@ExtendWith(RealPatroniExtension.class)
class UnreachableExposureIT {

  private static final Duration UNREACHABLE_FOR = Duration.ofSeconds(4);

  /** GatedCluster's {@code patroni.timeout}: a tick polling the silent member lasts this long. */
  private static final Duration PATRONI_TIMEOUT = Duration.ofSeconds(1);

  /**
   * The counter starts at the start of the first tick whose poll goes unanswered (not before the
   * stop) and ends when the ejecting tick has written. That tick comes at most one silent tick
   * ({@code patroni.timeout} plus the wait for the next timer) after {@code unreachableFor} has
   * passed since the last answer, and waits out a poll timeout itself before it writes: two poll
   * timeouts and three poll intervals of slack.
   */
  private static final Duration TOLERANCE =
      PATRONI_TIMEOUT.multipliedBy(2).plus(GatedCluster.POLL_INTERVAL.multipliedBy(3));

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void unreachableReplicaKeepsItsWeightForUnreachableForAndCountsAsExposure(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick());
    cluster.startLeader();
    PatroniMember steady = cluster.startReplica();
    PatroniMember silent = cluster.startReplica();
    try (WriteLoad writes = WriteLoad.start(cluster, PatroniCluster.addresses(3), 64 * 1024);
        GatedCluster gated =
            GatedCluster.start(
                cluster,
                spec -> {
                  spec.getEjection().setUnreachableFor(UNREACHABLE_FOR.toSeconds() + "s");
                  spec.getRamp().setSteps(List.of(50, 100));
                  spec.getRamp().setStepInterval("1s");
                })) {
      ControllerUnderTest controller = gated.controller();
      gated.awaitServing(Duration.ofSeconds(60), steady, silent);
      int weight = gated.kube().weights().get(silent.name());
      double before = controller.exposurePercentSeconds();

      double atEjection;
      long stoppedAt;
      long ejectedAt;
      try (SuspendedPatroni suspended = SuspendedPatroni.suspend(cluster, silent)) {
        stoppedAt = TestTime.millis();
        Await.until(
            UNREACHABLE_FOR.plusSeconds(10),
            Duration.ofMillis(5),
            "the exposure counter to grow while " + silent.name() + " keeps weight " + weight,
            () ->
                new Observed(
                    controller.exposurePercentSeconds(),
                    gated.kube().weights().getOrDefault(silent.name(), 0)),
            o -> o.counter() > before && o.weight() == weight);

        gated.awaitRoute(
            Map.of(steady.name(), 100, silent.name(), 0), UNREACHABLE_FOR.plusSeconds(30));
        ejectedAt =
            gated.kube().routeVersions().stream()
                .filter(
                    v ->
                        v.atMillis() >= stoppedAt
                            && v.weights().getOrDefault(silent.name(), 0) == 0)
                .mapToLong(RouteVersion::atMillis)
                .min()
                .orElseThrow();
        // A tick records its exposure before it counts as ended, so once a tick has ended after
        // the route showed the ejection, the ejecting tick's share is in the counter.
        long ticks = controller.ticks();
        Await.until(
            Duration.ofSeconds(30), "a tick after the ejection", controller::ticks, t -> t > ticks);
        atEjection = controller.exposurePercentSeconds();
        long later = controller.ticks();
        Await.until(
            Duration.ofSeconds(30),
            "five more ticks with " + silent.name() + " ejected and still silent",
            controller::ticks,
            t -> t >= later + 5);
        assertThat(controller.exposurePercentSeconds())
            .as("exposure counter after the ejection, five ticks on")
            .isEqualTo(atEjection);
        assertThat(controller.exposurePercent()).as("exposure gauge once ejected").isZero();
      }
      long resumedAt = TestTime.millis();
      gated.awaitServing(Duration.ofSeconds(60), steady, silent);

      double exposure = atEjection - before;
      double bound = weight * (UNREACHABLE_FOR.plus(TOLERANCE).toMillis() / 1000.0);
      System.out.printf(
          "unreachable: %s's Patroni stopped; ejected %.1f s later (unreachableFor %d s);"
              + " exposure %.1f %%·s (%.1f s at weight %d; bound %.0f %%·s); back at an equal share"
              + " %.1f s after SIGCONT; %s%n",
          silent.name(),
          (ejectedAt - stoppedAt) / 1000.0,
          UNREACHABLE_FOR.toSeconds(),
          exposure,
          exposure / weight,
          weight,
          bound,
          (TestTime.millis() - resumedAt) / 1000.0,
          writes);
      System.out.println(controller.exposureSummary());

      assertThat(exposure)
          .as("exposure while unreachable: weight %d%% x (unreachableFor + %s)", weight, TOLERANCE)
          .isLessThanOrEqualTo(bound);
    }
  }

  private record Observed(double counter, int weight) {}
}
