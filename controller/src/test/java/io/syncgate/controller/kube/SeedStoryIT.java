package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.GIB;
import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static io.syncgate.controller.kube.TestGates.weightsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.status.GateConditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed story end to end: a leader and two serving replicas; a third pod joins 5 GiB behind and
 * catches up. While it lags it has weight 0 in every VirtualService; then it ramps through every
 * step at stepInterval to an equal share, and status and events say the same.
 */
class SeedStoryIT {

  private static final long LEADER_POSITION = 6 * GIB;
  private static final Duration STEP_INTERVAL = Duration.ofSeconds(1);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @BeforeEach
  void start() {
    h.simulate(List.of(h.leader(0), h.replica(1), h.replica(2), h.replica(3)));
    h.sim(0).setLocation(LEADER_POSITION);
    h.sim(1).setReceivedAndReplayed(LEADER_POSITION);
    h.sim(2).setReceivedAndReplayed(LEADER_POSITION);
    h.sim(3).setReceivedAndReplayed(LEADER_POSITION - 5 * GIB);
    for (int i = 0; i < 3; i++) {
      h.createPod(i);
    }
    h.createGate(spec -> {});
  }

  @Test
  void joiningReplicaIsHeldAtZeroUntilCaughtUpThenRampsToAnEqualShare() {
    ControllerHarness.Running controller = h.startController();
    Await.until(
        Duration.ofSeconds(15),
        "two replicas serving",
        () -> "Serving".equals(h.phase(1)) && "Serving".equals(h.phase(2)));
    assertThat(h.weights()).isEqualTo(expected(member(1), 50, member(2), 50));

    h.createPod(3);
    Await.until(
        Duration.ofSeconds(5),
        "the joiner in the route at weight 0",
        h::weights,
        w -> w.equals(expected(member(1), 50, member(2), 50, member(3), 0)));

    // Catching up: still above admission.maxLag (1 MiB) at every one of these positions.
    for (long lag : new long[] {4 * GIB, 2 * GIB, GIB, 100 * MIB, 2 * MIB}) {
      h.sim(3).setReceivedAndReplayed(LEADER_POSITION - lag);
      // At least one whole tick at this position.
      controller.awaitTicks(2);
      assertThat(h.weights().get(member(3))).as("weight at lag %d", lag).isZero();
    }
    int writesWhileLagging = h.vsWrites().size();
    h.sim(3).setReceivedAndReplayed(LEADER_POSITION);

    Await.until(
        Duration.ofSeconds(10),
        "the joiner at an equal share",
        h::weights,
        w -> w.equals(expected(member(1), 34, member(2), 33, member(3), 33)));

    // Every VirtualService written while the joiner lagged gave it weight 0.
    List<io.fabric8.istio.api.networking.v1.VirtualService> written = h.vsWrites();
    assertThat(writesWhileLagging).isPositive();
    for (var vs : written.subList(0, writesWhileLagging)) {
      assertThat(weightsOf(vs)).as("a written route").isNotEmpty();
      assertThat(weightsOf(vs).getOrDefault(member(3), 0)).isZero();
    }

    // After catch-up: every ramp step of [10, 25, 50, 100] once, in order, at stepInterval.
    List<Integer> joinerWeights = new ArrayList<>();
    List<Long> stepTimes = new ArrayList<>();
    for (ControllerHarness.Observed seen :
        h.awaitObserved(expected(member(1), 34, member(2), 33, member(3), 33))) {
      Integer w = seen.weights().get(member(3));
      if (w != null && (joinerWeights.isEmpty() || !w.equals(last(joinerWeights)))) {
        joinerWeights.add(w);
        stepTimes.add(seen.nanos());
      }
    }
    // 10/25/50/100 of a full share next to two serving replicas, by largest remainder.
    assertThat(joinerWeights).containsExactly(0, 5, 11, 20, 33);
    for (int i = 2; i < stepTimes.size(); i++) {
      Duration gap = Duration.ofNanos(stepTimes.get(i) - stepTimes.get(i - 1));
      assertThat(gap)
          .as("time between ramp steps %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(STEP_INTERVAL.minusMillis(100))
          .isLessThanOrEqualTo(STEP_INTERVAL.plus(POLL_INTERVAL).plusSeconds(1));
    }

    // Status tells the same story.
    ReplicaGate gate =
        Await.until(
            Duration.ofSeconds(5),
            "status with three serving replicas",
            h::gate,
            g -> g.getStatus() != null && Integer.valueOf(3).equals(g.getStatus().getServing()));
    assertThat(gate.getStatus().getLeader()).isEqualTo(member(0));
    assertThat(gate.getStatus().getRamping()).isZero();
    assertThat(gate.getStatus().getGated()).isZero();
    assertThat(gate.getStatus().getReplicas())
        .extracting(ReplicaStatus::getName, ReplicaStatus::getPhase, ReplicaStatus::getWeight)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(member(1), "Serving", 34),
            org.assertj.core.groups.Tuple.tuple(member(2), "Serving", 33),
            org.assertj.core.groups.Tuple.tuple(member(3), "Serving", 33));
    assertThat(GateConditions.isTrue(gate.getStatus().getConditions(), GateConditions.READY))
        .isTrue();
    assertThat(
            GateConditions.find(gate.getStatus().getConditions(), GateConditions.READY)
                .getObservedGeneration())
        .isEqualTo(gate.getMetadata().getGeneration());

    // And so do the events, in order.
    List<String> joinerEvents =
        h.events().stream()
            .filter(e -> e.getMessage().startsWith("replica " + member(3) + ":"))
            .map(Event::getReason)
            .toList();
    assertThat(joinerEvents)
        .containsExactly("ReplicaAdmitted", "RampStep", "RampStep", "ReplicaServing");

    String scrape = controller.metrics().scrape();
    assertThat(scrape)
        .contains(
            "syncgate_replica_weight{gate=\"hippo-reads\",namespace=\"db\",replica=\"hippo-3\"} 33.0")
        .contains(
            "syncgate_replica_phase{gate=\"hippo-reads\",namespace=\"db\",phase=\"Serving\",replica=\"hippo-3\"} 1.0")
        .contains(
            "syncgate_replica_lag_bytes{gate=\"hippo-reads\",namespace=\"db\",replica=\"hippo-3\"} 0.0");
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
