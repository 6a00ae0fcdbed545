package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.syncgate.controller.demo.SimulatedMember.Behaviour;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.status.GateConditions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Patroni stops answering: on a replica it is ejected after unreachableFor; on the leader, fail
 * static.
 */
class UnreachableIT {

  private static final Duration UNREACHABLE_FOR = Duration.ofSeconds(1);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration PATRONI_TIMEOUT = Duration.ofMillis(300);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void replicaThatStopsAnsweringIsEjectedAfterUnreachableForAndNoOtherMemberIsAffected() {
    ControllerHarness.Running running = h.servingCluster(2, spec -> {});

    h.sim(2).setBehaviour(Behaviour.HANG);
    long hung = System.nanoTime();
    // First its sample is unknown (a Warning event says so at once) ...
    Await.until(
        Duration.ofSeconds(2),
        "a PatroniUnreachable event for the member",
        () ->
            h.events().stream()
                .anyMatch(
                    e ->
                        e.getReason().equals("PatroniUnreachable")
                            && e.getType().equals("Warning")
                            && e.getMessage().contains(member(2))
                            && e.getMessage().contains("timeout")));

    Await.until(
        // A hung member makes each tick last its timeout (+100 ms poller margin), so ticks come
        // that much slower while it hangs: allow two of them past unreachableFor.
        UNREACHABLE_FOR
            .plus(PATRONI_TIMEOUT.plusMillis(100).multipliedBy(2))
            .plus(POLL_INTERVAL)
            .plusSeconds(1),
        "ejected after unreachableFor",
        h::weights,
        w -> w.equals(expected(member(1), 100, member(2), 0)));
    Duration took = Duration.ofNanos(System.nanoTime() - hung);
    // Not before unreachableFor: the last good answer came at most one poll interval earlier.
    assertThat(took).isGreaterThanOrEqualTo(UNREACHABLE_FOR.minus(POLL_INTERVAL));
    Await.until(Duration.ofSeconds(1), "status Ejected", () -> "Ejected".equals(h.phase(2)));
    assertThat(h.replicaStatus(2).getReason()).contains("unreachable").contains("timeout");
    assertThat(h.phase(1)).isEqualTo("Serving");
    ReplicaGate gate = h.gate();
    assertThat(gate.getStatus().getLeader()).isEqualTo(member(0));
    assertThat(GateConditions.isTrue(gate.getStatus().getConditions(), GateConditions.DEGRADED))
        .isFalse();
    assertThat(h.eventReasons()).contains("ReplicaEjected");
    assertThat(running.metrics().scrape())
        .containsPattern(
            "syncgate_patroni_poll_errors_total\\{gate=\"hippo-reads\",namespace=\"db\",reason=\"timeout\"} [1-9]");
    System.out.printf("UnreachableIT: ejected %d ms after the member hung%n", took.toMillis());
  }

  @Test
  void leaderThatStopsAnsweringKeepsTheWeightsAndDegradesTheGate() {
    ControllerHarness.Running running = h.servingCluster(2, spec -> {});
    Map<String, Integer> before = h.weights();
    int vsWritesBefore = h.vsWrites().size();

    h.sim(0).setBehaviour(Behaviour.REFUSE);
    ControllerHarness.await(h.simulator.converged());
    Await.until(
        Duration.ofSeconds(2),
        "Degraded",
        () -> GateConditions.isTrue(h.gate().getStatus().getConditions(), GateConditions.DEGRADED));
    // Ticks for twice unreachableFor, well past it: still nothing ejected, nothing written.
    running.awaitTicks((int) UNREACHABLE_FOR.multipliedBy(2).dividedBy(POLL_INTERVAL) + 1);
    assertThat(h.weights()).isEqualTo(before);
    assertThat(h.vsWrites()).hasSize(vsWritesBefore);
    assertThat(h.phase(1)).isEqualTo("Serving");
    assertThat(h.phase(2)).isEqualTo("Serving");
    ReplicaGate gate = h.gate();
    Condition degraded =
        GateConditions.find(gate.getStatus().getConditions(), GateConditions.DEGRADED);
    assertThat(degraded.getMessage()).contains("leader " + member(0) + " unreachable");
    assertThat(
            GateConditions.find(gate.getStatus().getConditions(), GateConditions.READY).getStatus())
        .isEqualTo("False");

    h.sim(0).setBehaviour(Behaviour.NORMAL);
    ControllerHarness.await(h.simulator.converged());
    Await.until(
        Duration.ofSeconds(3),
        "Degraded cleared",
        () ->
            !GateConditions.isTrue(h.gate().getStatus().getConditions(), GateConditions.DEGRADED));
    assertThat(h.weights()).isEqualTo(before);
  }

  @Test
  void aMissingCredentialsSecretIsReportedAndNothingIsWritten() {
    h.simulate(java.util.List.of(h.leader(0), h.replica(1)));
    h.createPod(0);
    h.createPod(1);
    h.createGate(
        spec -> {
          spec.getPatroni().setCredentialsSecret(new io.syncgate.policy.SecretRef("hippo-auth"));
          // The simulated members answer plain http.
          spec.getPatroni().setAllowCredentialsOverHttp(true);
        });
    h.startController();

    ReplicaGate gate =
        Await.until(
            Duration.ofSeconds(5),
            "Ready False for the Secret",
            h::gate,
            g ->
                g.getStatus() != null
                    && GateConditions.find(g.getStatus().getConditions(), GateConditions.READY)
                        != null);
    Condition ready = GateConditions.find(gate.getStatus().getConditions(), GateConditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("PatroniSecretUnavailable");
    assertThat(ready.getMessage()).isEqualTo("Secret db/hippo-auth not found");
    assertThat(h.virtualService()).isNull();
    assertThat(h.destinationRule()).isNull();
  }
}
