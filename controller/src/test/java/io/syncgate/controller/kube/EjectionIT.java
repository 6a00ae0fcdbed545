package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.syncgate.controller.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A serving replica that falls behind leaves the route within one poll interval + 1 s. */
class EjectionIT {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void servingReplicaBehindEjectionMaxLagIsAtZeroWithinOnePollIntervalAndComesBackThroughGated() {
    h.servingCluster(2, spec -> {});

    // 100 MiB behind: past ejection.maxLag (16 Mi).
    h.sim(2).setReceivedAndReplayed(START_POSITION - 100 * MIB);
    long jumped = System.nanoTime();
    Await.until(
        POLL_INTERVAL.plusSeconds(1),
        "the lagging replica at weight 0",
        h::weights,
        w -> w.equals(expected(member(1), 100, member(2), 0)));
    Duration took = Duration.ofNanos(System.nanoTime() - jumped);
    Await.until(Duration.ofSeconds(1), "status Ejected", () -> "Ejected".equals(h.phase(2)));
    assertThat(h.replicaStatus(2).getReason()).contains("lag 100 MiB > 16 MiB");
    assertThat(h.phase(1)).isEqualTo("Serving");

    // Caught up again: back through Gated (weight 0 for stableFor), never straight to a share.
    h.sim(2).setReceivedAndReplayed(START_POSITION);
    Await.until(Duration.ofSeconds(3), "Gated after catch-up", () -> "Gated".equals(h.phase(2)));
    assertThat(h.weights().get(member(2))).isZero();
    h.awaitServing(2);

    List<String> reasons =
        h.events().stream()
            .filter(e -> e.getMessage().startsWith("replica " + member(2) + ":"))
            .map(Event::getReason)
            .toList();
    assertThat(reasons).containsSubsequence("ReplicaEjected", "ReplicaAdmitted", "ReplicaServing");
    System.out.printf("EjectionIT: weight 0 after %d ms%n", took.toMillis());
  }
}
