package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.DR_PATH;
import static io.syncgate.controller.kube.ControllerHarness.GATE;
import static io.syncgate.controller.kube.ControllerHarness.NAMESPACE;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.VS_PATH;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.status.GateConditions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the controller does with mesh objects it finds: reverts hand edits of its own, leaves
 * foreign ones alone, and writes nothing for a gate whose spec is invalid.
 */
class MeshOwnershipIT {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void handEditOfTheOwnedVirtualServiceIsRevertedWithinOnePollInterval() {
    h.servingCluster(2, spec -> {});
    Map<String, Integer> rendered = h.weights();

    VirtualService edited =
        h.istio()
            .v1()
            .virtualServices()
            .inNamespace(NAMESPACE)
            .withName(GATE)
            .edit(
                vs -> {
                  vs.getSpec().getTcp().get(0).getRoute().get(0).setWeight(0);
                  vs.getSpec().getTcp().get(0).getRoute().get(1).setWeight(100);
                  return vs;
                });
    assertThat(TestGates.weightsOf(edited)).isEqualTo(expected(member(1), 0, member(2), 100));
    long editedAt = System.nanoTime();
    Await.until(POLL_INTERVAL.plusSeconds(1), "the edit reverted", h::weights, rendered::equals);
    Await.until(
        Duration.ofSeconds(2),
        "a DriftCorrected event",
        () -> h.eventReasons().contains("DriftCorrected"));
    System.out.printf(
        "MeshOwnershipIT: hand edit reverted after %d ms%n",
        Duration.ofNanos(System.nanoTime() - editedAt).toMillis());
  }

  @Test
  void foreignVirtualServiceOfTheGatesNameIsLeftUntouched() {
    VirtualService foreign =
        h.istio()
            .v1()
            .virtualServices()
            .inNamespace(NAMESPACE)
            .resource(TestGates.foreignVirtualService())
            .create();
    h.simulate(List.of(h.leader(0), h.replica(1)));
    h.sim(0).setLocation(START_POSITION);
    h.sim(1).setReceivedAndReplayed(START_POSITION);
    h.createPod(0);
    h.createPod(1);
    h.createGate(spec -> {});
    int writesBefore = h.writesTo(VS_PATH).size();
    ControllerHarness.Running running = h.startController();

    ReplicaGate gate =
        Await.until(
            Duration.ofSeconds(5),
            "condition Conflict",
            h::gate,
            g ->
                g.getStatus() != null
                    && GateConditions.isTrue(
                        g.getStatus().getConditions(), GateConditions.CONFLICT));
    Condition conflict =
        GateConditions.find(gate.getStatus().getConditions(), GateConditions.CONFLICT);
    assertThat(conflict.getReason()).isEqualTo("NotManagedBySyncgate");
    assertThat(conflict.getMessage()).contains("VirtualService db/hippo-reads");
    assertThat(
            GateConditions.find(gate.getStatus().getConditions(), GateConditions.READY).getStatus())
        .isEqualTo("False");
    Await.until(
        Duration.ofSeconds(2), "a Conflict event", () -> h.eventReasons().contains("Conflict"));
    // A few more ticks: still untouched, and nothing written in its place.
    running.awaitTicks(5);
    assertThat(h.writesTo(VS_PATH)).hasSize(writesBefore);
    assertThat(h.writesTo(DR_PATH)).isEmpty();
    VirtualService now = h.virtualService();
    assertThat(now.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(now.getSpec()).isEqualTo(foreign.getSpec());
    assertThat(h.eventReasons().stream().filter("Conflict"::equals)).hasSize(1);
  }

  @Test
  void aLastingForeignObjectOfTheGatesNameIsNotReadAtEveryTick() {
    h.istio()
        .v1()
        .virtualServices()
        .inNamespace(NAMESPACE)
        .resource(TestGates.foreignVirtualService())
        .create();
    h.simulate(List.of(h.leader(0), h.replica(1)));
    h.createPod(0);
    h.createPod(1);
    h.createGate(spec -> {});
    ControllerHarness.Running running = h.startController();
    Await.until(
        Duration.ofSeconds(5),
        "condition Conflict",
        h::gate,
        g ->
            g.getStatus() != null
                && GateConditions.isTrue(g.getStatus().getConditions(), GateConditions.CONFLICT));

    // Ten more ticks, well within SameNameCheck.RECHECK: the conflict stands, and the objects of
    // the gate's name (which the filtered informers do not hold) were read once, not per tick.
    running.awaitTicks(10);
    long vsReads = readsOf(VS_PATH + "/" + GATE);
    long drReads = readsOf(DR_PATH + "/" + GATE);
    System.out.printf(
        "MeshOwnershipIT: %d ticks, %d VirtualService and %d DestinationRule reads%n",
        running.ticks(GATE), vsReads, drReads);
    assertThat(running.ticks(GATE)).isGreaterThanOrEqualTo(10);
    assertThat(vsReads).isEqualTo(1);
    assertThat(drReads).isEqualTo(1);
    assertThat(
            GateConditions.find(h.gate().getStatus().getConditions(), GateConditions.CONFLICT)
                .getReason())
        .isEqualTo("NotManagedBySyncgate");
    assertThat(controllerWritesTo(VS_PATH)).isEmpty();
    assertThat(controllerWritesTo(DR_PATH)).isEmpty();
  }

  @Test
  void aVirtualServiceOfAnotherNameRoutingTheGatesHostIsAHostClaimAndNothingIsWritten() {
    VirtualService byHand = TestGates.foreignVirtualService();
    byHand.getMetadata().setName("hippo-by-hand");
    byHand.getSpec().setHosts(List.of("hippo-replicas"));
    h.istio().v1().virtualServices().inNamespace(NAMESPACE).resource(byHand).create();
    h.simulate(List.of(h.leader(0), h.replica(1)));
    h.sim(0).setLocation(START_POSITION);
    h.sim(1).setReceivedAndReplayed(START_POSITION);
    h.createPod(0);
    h.createPod(1);
    h.createGate(spec -> {});
    ControllerHarness.Running running = h.startController();

    ReplicaGate gate =
        Await.until(
            Duration.ofSeconds(5),
            "condition Conflict",
            h::gate,
            g ->
                g.getStatus() != null
                    && GateConditions.isTrue(
                        g.getStatus().getConditions(), GateConditions.CONFLICT));
    Condition conflict =
        GateConditions.find(gate.getStatus().getConditions(), GateConditions.CONFLICT);
    assertThat(conflict.getReason()).isEqualTo("HostClaimed");
    assertThat(conflict.getMessage()).startsWith("VirtualService db/hippo-by-hand also routes");
    running.awaitTicks(3);
    assertThat(controllerWritesTo(VS_PATH)).isEmpty();
    assertThat(controllerWritesTo(DR_PATH)).isEmpty();
  }

  /** The controller's writes to paths that contain {@code part}. */
  private List<RecordedRequest> controllerWritesTo(String part) {
    return h.writesTo(part).stream().filter(MeshInformersIT::byController).toList();
  }

  /** The controller's GETs of exactly {@code path}. */
  private long readsOf(String path) {
    return h.requests().stream()
        .filter(MeshInformersIT::byController)
        .filter(r -> "GET".equals(r.getMethod()) && path.equals(r.getPath()))
        .count();
  }

  @Test
  void invalidSpecSetsInvalidSpecNamingTheFieldsAndCreatesNoMeshObjects() {
    h.simulate(List.of(h.leader(0), h.replica(1)));
    h.createPod(0);
    h.createPod(1);
    h.createGate(
        spec -> {
          spec.getRamp().setSteps(List.of(50, 25, 100));
          spec.getEjection().setMaxLag("512Ki");
        });
    ControllerHarness.Running running = h.startController();

    ReplicaGate gate =
        Await.until(
            Duration.ofSeconds(5),
            "condition InvalidSpec",
            h::gate,
            g ->
                g.getStatus() != null
                    && GateConditions.isTrue(
                        g.getStatus().getConditions(), GateConditions.INVALID_SPEC));
    Condition invalid =
        GateConditions.find(gate.getStatus().getConditions(), GateConditions.INVALID_SPEC);
    assertThat(invalid.getMessage()).contains("spec.ramp.steps").contains("spec.ejection.maxLag");
    assertThat(invalid.getObservedGeneration()).isEqualTo(gate.getMetadata().getGeneration());
    Await.until(
        Duration.ofSeconds(2),
        "an InvalidSpec event",
        () -> h.eventReasons().contains("InvalidSpec"));
    // At least one more tick with the invalid spec, begun after all this was seen.
    running.awaitTicks(2);
    assertThat(h.virtualService()).isNull();
    assertThat(h.destinationRule()).isNull();
    assertThat(h.writesTo(VS_PATH)).isEmpty();
    assertThat(h.eventReasons().stream().filter("InvalidSpec"::equals)).hasSize(1);

    // Fixed: the gate goes to work.
    h.admin()
        .resources(ReplicaGate.class)
        .inNamespace(NAMESPACE)
        .withName(GATE)
        .edit(
            g -> {
              g.getSpec().getRamp().setSteps(List.of(50, 100));
              g.getSpec().getEjection().setMaxLag("16Mi");
              return g;
            });
    Await.until(
        Duration.ofSeconds(5),
        "InvalidSpec cleared and a VirtualService",
        () ->
            h.virtualService() != null
                && !GateConditions.isTrue(
                    h.gate().getStatus().getConditions(), GateConditions.INVALID_SPEC));
  }
}
