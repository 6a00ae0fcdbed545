package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.patroni.PatroniParser;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.TestClock;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.gating.SampleFailure;
import io.syncgate.policy.mesh.MeshKind;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.GateConditions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler of one gate against in-memory seams: ticks are run by hand (the poll interval is
 * an hour, so the timer never fires), time is a test clock, and every write is recorded in order.
 */
class GateRuntimeTest {

  private static final GateKey KEY = new GateKey(TestGates.NAMESPACE, TestGates.GATE);
  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
  private static final long WAL = 64L << 20;

  private static Vertx vertx;
  private static PollLoops pollLoops;
  private Context context;

  private GateFakes.Pods pods;
  private GateFakes.Endpoints endpoints;
  private GateFakes.Members members;
  private GateFakes.Mesh mesh;
  private GateFakes.Status status;
  private GateFakes.Events events;
  private GateFakes.Hosts hosts;
  private TestClock clock;
  private SyncgateMetrics metrics;
  private ReplicaGate gate;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    pollLoops = Await.result(PollLoops.deploy(vertx, 1));
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void cluster() {
    context = vertx.getOrCreateContext();
    pods = new GateFakes.Pods();
    endpoints = new GateFakes.Endpoints(pods);
    members = new GateFakes.Members();
    mesh = new GateFakes.Mesh();
    status = new GateFakes.Status();
    events = new GateFakes.Events();
    hosts = new GateFakes.Hosts();
    clock = new TestClock(START);
    metrics = new SyncgateMetrics();
    gate =
        TestGates.gate(
            spec -> {
              // The longest a gate allows: the timer stays out of the way, ticks are by hand.
              spec.setPollInterval("5m");
              spec.getAdmission().setStableFor("0s");
              spec.getRamp().setSteps(List.of(50, 100));
              spec.getRamp().setStepInterval("1s");
            });
    gate.getMetadata().setUid("uid-1");
    gate.getMetadata().setGeneration(1L);
    gate.getMetadata().setResourceVersion("1");
    member("hippo-a", MemberSample.leader("hippo-a", 1, WAL));
    member("hippo-b", MemberSample.replica("hippo-b", 1, WAL, WAL, START));
    member("hippo-c", MemberSample.replica("hippo-c", 1, WAL, WAL, START));
  }

  @Test
  void theRouteIsRewrittenBeforeTheSubsetItUsesDisappears() {
    GateRuntime runtime = leading();
    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
    assertThat(TestGates.weightsOf(mesh.virtualService)).containsKey("hippo-c");

    pods.pods.remove("hippo-c");
    tick(runtime);

    // hippo-c's subset goes from the DestinationRule: the route that names it is rewritten first.
    assertThat(mesh.asked)
        .containsExactly(
            MeshKind.DESTINATION_RULE,
            MeshKind.VIRTUAL_SERVICE,
            MeshKind.VIRTUAL_SERVICE,
            MeshKind.DESTINATION_RULE);
    assertThat(TestGates.weightsOf(mesh.virtualService)).doesNotContainKey("hippo-c");
  }

  @Test
  void aTickReusesTheLastTicksObjectsOnlyWhenThatTickSentNothing() {
    GateRuntime runtime = leading();
    List<List<GateFakes.Mesh.Offer>> byTick = new ArrayList<>();
    byTick.add(List.copyOf(mesh.offered));
    // Admission, a ramp of two steps, then steady ticks; a member leaves and comes back.
    for (int i = 0; i < 10; i++) {
      if (i == 5) {
        member("hippo-d", MemberSample.replica("hippo-d", 1, WAL, WAL, START));
      }
      int before = mesh.offered.size();
      clock.advance(Duration.ofSeconds(1));
      tick(runtime);
      byTick.add(List.copyOf(mesh.offered.subList(before, mesh.offered.size())));
    }

    int reused = 0;
    for (int t = 1; t < byTick.size(); t++) {
      boolean sentBefore = byTick.get(t - 1).stream().anyMatch(o -> o.result().wrote());
      for (GateFakes.Mesh.Offer now : byTick.get(t)) {
        for (GateFakes.Mesh.Offer before : byTick.get(t - 1)) {
          if (sentBefore) {
            // What was sent may have been changed by the client: never offered again.
            assertThat(now.desired()).isNotSameAs(before.desired());
          } else if (now.kind() == before.kind() && now.desired().equals(before.desired())) {
            assertThat(now.desired()).isSameAs(before.desired());
            reused++;
          }
        }
      }
    }
    assertThat(byTick.get(0)).anyMatch(o -> o.result().wrote());
    assertThat(byTick.stream().skip(1))
        .anyMatch(offers -> offers.stream().anyMatch(o -> o.result().wrote()));
    assertThat(reused).isPositive();
  }

  @Test
  void newSubsetsAreWrittenBeforeTheRouteNamesThem() {
    GateRuntime runtime = leading();
    member("hippo-d", MemberSample.replica("hippo-d", 1, WAL, WAL, START));
    mesh.asked.clear();

    tick(runtime);

    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
    assertThat(TestGates.weightsOf(mesh.virtualService)).containsEntry("hippo-d", 0);
  }

  @Test
  void aTermEndingDuringAMeshWriteWritesNothingMore() {
    GateRuntime runtime = runtime();
    Promise<Void> destinationRule = mesh.hold(MeshKind.DESTINATION_RULE);
    onContext(
        () -> {
          runtime.update(gate);
          runtime.activate();
          return Future.succeededFuture();
        });
    Await.until(Duration.ofSeconds(5), "the DestinationRule write", () -> !mesh.asked.isEmpty());

    onContext(
        () -> {
          runtime.deactivate();
          destinationRule.complete();
          return Future.succeededFuture();
        });
    awaitTicks(runtime, 1);

    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE);
    assertThat(status.written).isEmpty();
    assertThat(events.recorded).isEmpty();
  }

  @Test
  void aTermThatEndedStartsNoTick() {
    GateRuntime runtime = leading();
    int asked = mesh.asked.size();
    int written = status.written.size();

    onContext(
        () -> {
          runtime.deactivate();
          return runtime.tick();
        });

    assertThat(mesh.asked).hasSize(asked);
    assertThat(status.written).hasSize(written);
  }

  @Test
  void aHandEditIsRevertedWithADriftCorrectedEvent() {
    GateRuntime runtime = leading();
    VirtualService rendered = mesh.virtualService;
    mesh.virtualService =
        new VirtualServiceBuilder(rendered)
            .editSpec()
            .withHosts("somewhere.else.svc.cluster.local")
            .endSpec()
            .build();
    events.recorded.clear();

    tick(runtime);

    assertThat(mesh.virtualService.getSpec().getHosts()).containsExactly(TestGates.HOST);
    assertThat(events.reasons()).contains(EventReason.DRIFT_CORRECTED);
    assertThat(events.recorded)
        .filteredOn(e -> e.reason() == EventReason.DRIFT_CORRECTED)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .isEqualTo(
                        "VirtualService db/hippo-reads was changed outside syncgate; restored the"
                            + " rendered spec"));
  }

  @Test
  void ourOwnRouteChangesAreNotDrift() {
    GateRuntime runtime = leading();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    assertThat(mesh.changed).contains(MeshKind.VIRTUAL_SERVICE);
    assertThat(events.reasons()).doesNotContain(EventReason.DRIFT_CORRECTED);
  }

  @Test
  void aRampDoesNotAdvanceWhileItsRouteCannotBeWritten() {
    gate.getSpec().getRamp().setSteps(List.of(10, 25, 50, 100));
    GateRuntime runtime = leading();
    for (int i = 0; i < 8; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    member("hippo-d", MemberSample.replica("hippo-d", 1, WAL, WAL, START));
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime); // seen, then admitted at the first step
    }
    assertThat(TestGates.weightsOf(mesh.virtualService))
        .containsEntry("hippo-b", 48)
        .containsEntry("hippo-c", 47)
        .containsEntry("hippo-d", 5);

    // An API outage longer than the whole ramp.
    mesh.failing.put(MeshKind.VIRTUAL_SERVICE, "503 Service Unavailable");
    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    assertThat(GateConditions.find(status.stored.getStatus().getConditions(), "Ready").getReason())
        .isEqualTo("MeshWriteFailed");
    assertThat(phases(status.stored.getStatus())).containsEntry("hippo-d", "Ramping");

    mesh.failing.clear();
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    // One step further (10 % -> 25 % of a share), not straight to a full share.
    assertThat(TestGates.weightsOf(mesh.virtualService)).containsEntry("hippo-d", 11);
    assertThat(status.stored.getStatus().getReplicas())
        .filteredOn(r -> r.getName().equals("hippo-d"))
        .singleElement()
        .satisfies(r -> assertThat(r.getStep()).isEqualTo(1));
  }

  @Test
  void statusAskedForDuringAWriteIsCoalescedIntoOneWriteOfTheNewest() {
    Promise<Void> firstWrite = status.hold();
    GateRuntime runtime = leading();
    assertThat(status.written).hasSize(1);

    // Two more ticks, each changing phases, while the first status write is still in flight.
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    assertThat(status.written).hasSize(1);

    onContext(
        () -> {
          firstWrite.complete();
          return Future.succeededFuture();
        });
    Await.until(Duration.ofSeconds(5), "the queued status write", () -> status.written.size() > 1);

    assertThat(status.written).hasSize(2);
    assertThat(phases(status.written.get(0)))
        .containsEntry("hippo-b", "Gated")
        .containsEntry("hippo-c", "Gated");
    // The newest status (after the third tick), not the one of the second tick.
    assertThat(phases(status.written.get(1)))
        .containsEntry("hippo-b", "Serving")
        .containsEntry("hippo-c", "Serving");
  }

  @Test
  void aNewLeaderAdoptsTheStoredStatusAndLiveRouteAndMovesNoTraffic() {
    GateRuntime first = leading();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(first);
    }
    assertThat(phases(status.stored.getStatus())).containsEntry("hippo-b", "Serving");
    Map<String, Integer> weights = TestGates.weightsOf(mesh.virtualService);
    onContext(
        () -> {
          first.deactivate();
          return Future.succeededFuture();
        });
    mesh.asked.clear();
    mesh.changed.clear();
    int statusWrites = status.written.size();

    clock.advance(Duration.ofSeconds(2));
    GateRuntime second = leading();

    assertThat(mesh.changed).isEmpty();
    assertThat(TestGates.weightsOf(mesh.virtualService)).isEqualTo(weights);
    assertThat(status.written.subList(statusWrites, status.written.size()))
        .allSatisfy(s -> assertThat(phases(s)).containsEntry("hippo-b", "Serving"));
    assertThat(second.ticksDone()).isEqualTo(1);
  }

  @Test
  void aForeignVirtualServiceIsNeverWritten() {
    mesh.virtualService =
        new VirtualServiceBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withNamespace(TestGates.NAMESPACE)
                    .withName(TestGates.GATE)
                    .build())
            .withNewSpec()
            .withHosts(TestGates.HOST)
            .endSpec()
            .build();

    leading();

    assertThat(mesh.asked).isEmpty();
    assertThat(events.reasons()).containsExactly(EventReason.CONFLICT);
    assertThat(GateConditions.isTrue(status.written.get(0).getConditions(), "Conflict")).isTrue();
  }

  @Test
  void anInvalidSpecIsReportedAndNothingIsPolledOrWritten() {
    gate.getSpec().setPollInterval("10ms");

    leading();

    assertThat(mesh.asked).isEmpty();
    assertThat(events.reasons()).containsExactly(EventReason.INVALID_SPEC);
    assertThat(GateConditions.find(status.written.get(0).getConditions(), "Ready").getReason())
        .isEqualTo("InvalidSpec");
  }

  @Test
  void aSelectorTypoIsAnInvalidSpecAndNeverReachesThePodInformer() {
    // fabric8 would build "role in ()" from it, which the API server refuses: no pods, ever.
    gate.getSpec()
        .getSelector()
        .getMatchExpressions()
        .add(new LabelSelectorRequirementBuilder().withKey("role").withOperator("In").build());

    leading();

    assertThat(pods.watched).isEmpty();
    assertThat(mesh.asked).isEmpty();
    assertThat(events.reasons()).containsExactly(EventReason.INVALID_SPEC);
    assertThat(
            GateConditions.find(status.written.get(0).getConditions(), GateConditions.INVALID_SPEC)
                .getMessage())
        .isEqualTo(
            "spec.selector.matchExpressions[0].values: must list at least one value for operator"
                + " In");
  }

  @Test
  void withoutPatroniCredentialsTheGateSaysSoAndWritesNoMesh() {
    members.unavailable = "secret db/patroni-auth not found";

    leading();

    assertThat(mesh.asked).isEmpty();
    assertThat(GateConditions.find(status.written.get(0).getConditions(), "Ready").getMessage())
        .isEqualTo("secret db/patroni-auth not found");
  }

  @Test
  void aMissingSecretIsNotReadAtEveryTickAndTheGateKeepsSayingItIsMissing() {
    List<Instant> reads = new CopyOnWriteArrayList<>();
    PatroniMembers patroni =
        new PatroniMembers(
            KEY,
            vertx,
            context,
            (namespace, settings) -> {
              reads.add(clock.instant());
              return Future.failedFuture(
                  new IllegalStateException("Secret db/patroni-auth not found"));
            },
            pollLoops);
    gate.getSpec().getPatroni().setCredentialsSecret(new SecretRef("patroni-auth"));
    gate.getSpec().getPatroni().setAllowCredentialsOverHttp(true);

    GateRuntime runtime = leading(patroni);
    // Two seconds of ticks at 100 ms, the shortest pollInterval.
    for (int i = 1; i < 20; i++) {
      clock.advance(Duration.ofMillis(100));
      tick(runtime);
    }

    assertThat(reads).containsExactly(START, START.plusSeconds(1));
    assertThat(runtime.ticksDone()).isEqualTo(20);
    assertThat(mesh.asked).isEmpty();
    assertThat(status.written)
        .isNotEmpty()
        .allSatisfy(
            s -> {
              var ready = GateConditions.find(s.getConditions(), "Ready");
              assertThat(ready.getReason()).isEqualTo("PatroniSecretUnavailable");
              assertThat(ready.getMessage()).isEqualTo("Secret db/patroni-auth not found");
            });
    onContext(
        () -> {
          runtime.close();
          return Future.succeededFuture();
        });
  }

  @Test
  void anUnsyncedPodCacheSkipsTheTickInsteadOfEmptyingTheRoute() {
    pods.synced = false;

    leading();

    assertThat(mesh.asked).isEmpty();
    assertThat(status.written).isEmpty();
  }

  @Test
  void podsThatCannotBeListedMakeTheGateNotReadyAndSaySo() {
    pods.synced = false;
    pods.failure = "listing pods failed: Forbidden";

    GateRuntime runtime = leading();

    assertThat(mesh.asked).isEmpty();
    assertThat(GateConditions.find(status.written.get(0).getConditions(), "Ready"))
        .satisfies(
            ready -> {
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("PodWatchFailed");
              assertThat(ready.getMessage()).isEqualTo("listing pods failed: Forbidden");
            });
    assertThat(events.reasons()).containsExactly(EventReason.POD_WATCH_FAILED);

    pods.synced = true;
    tick(runtime);

    assertThat(mesh.asked).isNotEmpty();
    assertThat(GateConditions.isTrue(status.stored.getStatus().getConditions(), "Ready")).isTrue();
  }

  @Test
  void aGateWhoseTicksStopCompletingSaysSoOnce() {
    GateRuntime runtime = leading();
    assertThat(
            metrics
                .registry()
                .get("syncgate.gate.last.tick.timestamp")
                .tags("namespace", "db", "gate", "hippo-reads")
                .gauge()
                .value())
        .isEqualTo(START.getEpochSecond());
    // The next tick hangs on its DestinationRule write (an API call that never answers).
    member("hippo-d", MemberSample.replica("hippo-d", 1, WAL, WAL, START));
    mesh.hold(MeshKind.DESTINATION_RULE);
    context.runOnContext(v -> runtime.tick());
    Await.until(Duration.ofSeconds(5), "the hanging write", () -> mesh.asked.size() == 3);

    // pollInterval is 5m here, so the limit is 15 min + 300 ms: not yet ...
    clock.advance(Duration.ofMinutes(15));
    onContext(() -> Future.succeededFuture(watchdog(runtime)));
    assertThat(events.reasons()).doesNotContain(EventReason.TICK_STALLED);
    // ... now.
    clock.advance(Duration.ofSeconds(1));
    onContext(() -> Future.succeededFuture(watchdog(runtime)));
    onContext(() -> Future.succeededFuture(watchdog(runtime)));

    assertThat(events.reasons()).containsOnlyOnce(EventReason.TICK_STALLED);
    var ready = GateConditions.find(status.stored.getStatus().getConditions(), "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("TickStalled");
    assertThat(ready.getMessage())
        .startsWith("no tick has completed for over 15m (3 × pollInterval + patroni.timeout)");
  }

  private static boolean watchdog(GateRuntime runtime) {
    runtime.watchdog();
    return true;
  }

  @Test
  void aStepOfTheWallClockNeitherFreezesNorHurriesARamp() {
    gate.getSpec().getRamp().setSteps(List.of(10, 25, 50, 100));
    GateRuntime runtime = leading();
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    assertThat(step("hippo-b")).isEqualTo(0);

    // The wall clock goes back an hour; two seconds pass: the next step is due, and taken.
    clock.jumpWall(Duration.ofHours(-1));
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    assertThat(step("hippo-b")).isEqualTo(1);

    // The wall clock goes forward two hours; no time passes: nothing is due.
    clock.jumpWall(Duration.ofHours(2));
    tick(runtime);
    assertThat(step("hippo-b")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    assertThat(step("hippo-b")).isEqualTo(2);
    // What is written down is wall time: the ramp began 4 s (of real time) before the wall's now.
    assertThat(replica("hippo-b").getSince()).isEqualTo(clock.instant().minusSeconds(4).toString());
  }

  @Test
  void aStepOfTheWallClockDoesNotDelayEjectingASilentReplica() {
    GateRuntime runtime = leading();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    assertThat(phases(status.stored.getStatus())).containsEntry("hippo-b", "Serving");

    members.samples.remove("hippo-b"); // its Patroni stops answering
    clock.jumpWall(Duration.ofHours(-1));
    clock.advance(Duration.ofSeconds(2)); // past unreachableFor (1 s)
    tick(runtime);
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(TestGates.weightsOf(mesh.virtualService)).containsEntry("hippo-b", 0);
  }

  private ReplicaStatus replica(String name) {
    return status.stored.getStatus().getReplicas().stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private Integer step(String name) {
    return replica(name).getStep();
  }

  @Test
  void aPodReCreatedUnderTheSameNameStartsOverThroughTheWholeRamp() {
    GateRuntime runtime = servingBoth();

    recreate("hippo-b");
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(phases(status.stored.getStatus())).containsEntry("hippo-b", "Gated");
    assertThat(TestGates.weightsOf(mesh.virtualService))
        .containsEntry("hippo-b", 0)
        .containsEntry("hippo-c", 100);
    assertThat(replica("hippo-b").getUid()).isEqualTo("hippo-b-uid-2");
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    assertThat(replica("hippo-b").getPhase()).isEqualTo("Ramping");
    assertThat(step("hippo-b")).isEqualTo(0);
  }

  @Test
  void aNewLeaderDoesNotAdoptTheStateOfAPodThatWasReCreatedMeanwhile() {
    GateRuntime first = servingBoth();
    onContext(
        () -> {
          first.deactivate();
          return Future.succeededFuture();
        });
    recreate("hippo-b");

    clock.advance(Duration.ofSeconds(2));
    leading();

    assertThat(replica("hippo-b").getPhase()).isEqualTo("Gated");
    assertThat(replica("hippo-c").getPhase()).isEqualTo("Serving");
    assertThat(TestGates.weightsOf(mesh.virtualService)).containsEntry("hippo-b", 0);
  }

  @Test
  void aGateReCreatedUnderTheSameNameDoesNotKeepTheOldGatesState() {
    GateRuntime runtime = servingBoth();
    ReplicaGate again = TestGates.gate(spec -> {});
    again.setSpec(gate.getSpec());
    again.getMetadata().setUid("uid-2");
    again.getMetadata().setGeneration(1L);
    again.getMetadata().setResourceVersion("99");
    status.stored = again; // the API server has the new gate, with no status yet

    onContext(
        () -> {
          runtime.update(again);
          return Future.succeededFuture();
        });
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(phases(status.stored.getStatus()))
        .doesNotContainValue("Serving")
        .doesNotContainValue("Ramping");
  }

  /** A leading runtime whose two replicas serve. */
  private GateRuntime servingBoth() {
    GateRuntime runtime = leading();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    assertThat(phases(status.stored.getStatus()))
        .containsEntry("hippo-b", "Serving")
        .containsEntry("hippo-c", "Serving");
    return runtime;
  }

  @Test
  void aConflictingStatusWriteIsRetriedWithTheCurrentVersionNotWithout() {
    GateRuntime runtime = leading();
    status.stored.getMetadata().setResourceVersion("7");
    status.conflicts = 1;
    int before = status.versionsSent.size();

    clock.advance(Duration.ofSeconds(2));
    tick(runtime); // a phase change: a status write is due

    Await.until(
        Duration.ofSeconds(5), "the retried write", () -> status.versionsSent.size() == before + 2);
    // The retry carries the version read after the conflict, never none.
    assertThat(status.versionsSent.get(before + 1)).isEqualTo("7+");
    assertThat(status.versionsSent).doesNotContain("null");
  }

  @Test
  void aConflictingStatusWriteIsDroppedOnceTheTermEnded() {
    GateRuntime runtime = leading();
    status.conflicts = 1;
    int before = status.versionsSent.size();
    Promise<Void> read = Promise.promise();
    status.readGate = read.future();

    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    Await.until(
        Duration.ofSeconds(5), "the conflicting write", () -> status.versionsSent.size() > before);
    onContext(
        () -> {
          runtime.deactivate();
          read.complete();
          return Future.succeededFuture();
        });
    onContext(() -> Future.succeededFuture(0)); // let the read's completion run

    assertThat(status.versionsSent).hasSize(before + 1);
  }

  @Test
  void aMemberWhoseNameCannotNameASubsetIsLeftOutAndTheRestIsWritten() {
    // A bare pod's name may hold dots; an Istio subset's may not.
    member("hippo.d", MemberSample.replica("hippo.d", 1, WAL, WAL, START));

    GateRuntime runtime = leading();
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(mesh.destinationRule.getSpec().getSubsets())
        .extracting(subset -> subset.getName())
        .containsExactly("hippo-a", "hippo-b", "hippo-c");
    assertThat(TestGates.weightsOf(mesh.virtualService))
        .containsOnlyKeys("hippo-b", "hippo-c")
        .containsEntry("hippo-b", 50);
    ReplicaGateStatus last = status.written.get(status.written.size() - 1);
    assertThat(GateConditions.find(last.getConditions(), "Ready").getStatus()).isEqualTo("True");
    var excluded = GateConditions.find(last.getConditions(), "MembersExcluded");
    assertThat(excluded.getStatus()).isEqualTo("True");
    assertThat(excluded.getReason()).isEqualTo("InvalidSubsetName");
    assertThat(excluded.getMessage()).contains("hippo.d");
    assertThat(phases(last)).containsEntry("hippo.d", "Gated");
  }

  @Test
  void whileTheLeaderIsUnknownAReplicaWithReplayPausedStillLeavesTheRoute() {
    GateRuntime runtime = leading();
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    assertThat(TestGates.weightsOf(mesh.virtualService))
        .containsEntry("hippo-b", 50)
        .containsEntry("hippo-c", 50);
    events.recorded.clear();

    members.samples.put(
        "hippo-a", MemberSample.failed("hippo-a", SampleFailure.TIMEOUT, "timeout after 2s"));
    members.samples.put(
        "hippo-b", MemberSample.replica("hippo-b", 1, WAL, WAL, START).withReplayPaused(true));
    clock.advance(Duration.ofSeconds(1));
    tick(runtime);

    assertThat(TestGates.weightsOf(mesh.virtualService))
        .containsEntry("hippo-b", 0)
        .containsEntry("hippo-c", 100);
    assertThat(events.reasons()).contains(EventReason.REPLICA_EJECTED);
    ReplicaGateStatus last = status.written.get(status.written.size() - 1);
    assertThat(GateConditions.isTrue(last.getConditions(), "Degraded")).isTrue();
    assertThat(phases(last)).containsEntry("hippo-b", "Ejected");
  }

  @Test
  void aPodWhoseSubsetLabelIsNotItsNameGetsNoWeightAndTheGateSaysWhy() {
    GateRuntime runtime = servingBoth();

    // hippo-b's pod now carries another value in the subset label (a hand-made pod, a relabel):
    // its subset would select no endpoint, or another pod.
    pods.pods.get("hippo-b").getMetadata().getLabels().put(MeshSpec.DEFAULT_SUBSET_LABEL, "x");
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(TestGates.weightsOf(mesh.virtualService))
        .doesNotContainKey("hippo-b")
        .containsEntry("hippo-c", 100);
    var excluded =
        GateConditions.find(status.stored.getStatus().getConditions(), "MembersExcluded");
    assertThat(excluded.getStatus()).isEqualTo("True");
    assertThat(excluded.getReason()).isEqualTo("SubsetLabelMismatch");
    assertThat(excluded.getMessage()).contains("hippo-b");
  }

  @Test
  void withMaxRampingOneTwoNewReplicasEnterOneAfterTheOther() {
    gate.getSpec().getRamp().setMaxRamping(1);
    GateRuntime runtime = servingBoth();

    member("hippo-d", MemberSample.replica("hippo-d", 1, WAL, WAL, START));
    member("hippo-e", MemberSample.replica("hippo-e", 1, WAL, WAL, START));
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(phases(status.stored.getStatus()))
        .containsEntry("hippo-d", "Ramping")
        .containsEntry("hippo-e", "Gated");
    assertThat(replicaReason("hippo-e")).contains("waiting for its turn");
    assertThat(TestGates.weightsOf(mesh.virtualService)).containsEntry("hippo-e", 0);

    // hippo-d's ramp ends (steps [50, 100], a second apart): then it is hippo-e's turn.
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    }
    assertThat(phases(status.stored.getStatus()))
        .containsEntry("hippo-d", "Serving")
        .containsEntry("hippo-e", "Serving");
  }

  @Test
  void aReplicaWhosePodIsNotAReadyEndpointOfTheReadHostGetsNoWeightAndIsNamed() {
    GateRuntime runtime = servingBoth();

    // hippo-b's pod left the read host's Service endpoints (not ready, not selected).
    endpoints.ready.put("hippo-replicas", Set.of(ip("hippo-a"), ip("hippo-c")));
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(TestGates.weightsOf(mesh.virtualService))
        .doesNotContainKey("hippo-b")
        .containsEntry("hippo-c", 100);
    var excluded =
        GateConditions.find(status.stored.getStatus().getConditions(), "MembersExcluded");
    assertThat(excluded.getReason()).isEqualTo("NoReadyEndpoint");
    assertThat(excluded.getMessage())
        .contains("hippo-b")
        .contains("not a ready endpoint of Service hippo-replicas");
    assertThat(replicaReason("hippo-b")).contains("not a ready endpoint");
  }

  @Test
  void withAReplicasOnlyReadHostEveryLaggingReplicaSendsTheReadsToThePrimaryService() {
    gate.getSpec().getMesh().setPrimaryHost(PRIMARY_HOST);
    // PGO's hippo-replicas selects replicas only; hippo-ha points at the leader.
    endpoints.ready.put("hippo-replicas", Set.of(ip("hippo-b"), ip("hippo-c")));
    endpoints.ready.put("hippo-ha", Set.of(ip("hippo-a")));
    members.samples.put("hippo-b", MemberSample.replica("hippo-b", 1, WAL, 0, START));
    members.samples.put("hippo-c", MemberSample.replica("hippo-c", 1, WAL, 0, START));

    leading();

    assertThat(endpoints.watched).containsExactly(Set.of("hippo-replicas", "hippo-ha"));
    var route = mesh.virtualService.getSpec().getTcp().get(0).getRoute();
    assertThat(route)
        .extracting(
            d -> d.getDestination().getHost(),
            d -> d.getDestination().getSubset(),
            d -> d.getWeight())
        .containsExactly(
            tuple(TestGates.HOST, "hippo-b", 0),
            tuple(TestGates.HOST, "hippo-c", 0),
            tuple(PRIMARY_HOST, null, 100));
    // The leader is no endpoint of the read host, and need not be: it is not named excluded.
    var excluded =
        GateConditions.find(status.stored.getStatus().getConditions(), "MembersExcluded");
    assertThat(excluded.getStatus()).isEqualTo("False");
  }

  @Test
  void withNothingRoutableTheLastGoodRouteStaysAndTheGateSaysWhatIsMissing() {
    GateRuntime runtime = servingBoth();
    Map<String, Integer> good = TestGates.weightsOf(mesh.virtualService);
    long writes = vsChanges();

    // Both replicas fall far behind, and the leader is no endpoint of the read host: the Primary
    // fallback (its subset there) could take no reads.
    endpoints.ready.put("hippo-replicas", Set.of(ip("hippo-b"), ip("hippo-c")));
    members.samples.put("hippo-b", MemberSample.replica("hippo-b", 1, WAL, 0, START));
    members.samples.put("hippo-c", MemberSample.replica("hippo-c", 1, WAL, 0, START));
    clock.advance(Duration.ofSeconds(2));
    tick(runtime);

    assertThat(vsChanges()).as("VirtualService changes").isEqualTo(writes);
    assertThat(TestGates.weightsOf(mesh.virtualService)).isEqualTo(good);
    var ready = GateConditions.find(status.stored.getStatus().getConditions(), "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("NoRoutableDestination");
    assertThat(ready.getMessage())
        .contains("the leader hippo-a has no subset that can take reads")
        .contains("set mesh.primaryHost");
    assertThat(events.reasons()).contains(EventReason.NO_ROUTABLE_DESTINATION);
  }

  @Test
  void endpointSlicesThatCannotBeListedStopTheGateAndSayWhy() {
    endpoints.synced = false;
    endpoints.failure = "listing the EndpointSlices of [hippo-replicas] failed: forbidden";

    leading();

    assertThat(mesh.virtualService).isNull();
    var ready = GateConditions.find(status.stored.getStatus().getConditions(), "Ready");
    assertThat(ready.getReason()).isEqualTo("EndpointWatchFailed");
    assertThat(ready.getMessage()).contains("forbidden");
  }

  private static final String PRIMARY_HOST = "hippo-ha.db.svc.cluster.local";

  private long vsChanges() {
    return mesh.changed.stream().filter(k -> k == MeshKind.VIRTUAL_SERVICE).count();
  }

  private String ip(String name) {
    return pods.pods.get(name).getStatus().getPodIP();
  }

  private String replicaReason(String name) {
    return status.stored.getStatus().getReplicas().stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getReason();
  }

  @Test
  void aHundredReplicasAnsweringWithHostileStringsKeepStatusEventsAndLogsSmallAndPrintable() {
    String hostile = "\\n2026-12-07 ERROR forged\\u001b[31m\\u0000\\u202e" + "h".repeat(64 * 1024);
    for (int i = 1; i <= 100; i++) {
      String name = String.format("hippo-r%03d", i);
      // Half answer with hostile texts, half with a body the parser quotes back in its reason.
      String body =
          i % 2 == 0
              ? "{\"role\":\"replica\",\"state\":\"running"
                  + hostile
                  + "\",\"replication_state\":\""
                  + hostile
                  + "\",\"patroni\":{\"version\":\""
                  + hostile
                  + "\"},\"timeline\":1,\"xlog\":{\"replayed_location\":5}}"
              : "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,"
                  + "\"replayed_timestamp\":\""
                  + hostile
                  + "\"}}";
      member(name, PatroniParser.parse(name, body));
    }
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.syncgate");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      GateRuntime runtime = leading();
      clock.advance(Duration.ofSeconds(2));
      tick(runtime);
    } finally {
      logger.detachAppender(logs);
    }

    ReplicaGateStatus written = status.written.get(status.written.size() - 1);
    assertThat(written.getReplicas()).hasSize(102);
    assertThat(
            new KubernetesSerialization().asJson(written).getBytes(StandardCharsets.UTF_8).length)
        .as("status JSON bytes")
        .isLessThan(256 * 1024);
    assertThat(written.getReplicas())
        .allSatisfy(r -> assertThat(SafeText.printable(r.getReason())).isTrue());
    assertThat(events.recorded)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(SafeText.printable(e.message())).as(e.message()).isTrue();
              assertThat(e.message().length()).isLessThanOrEqualTo(1024);
            });
    assertThat(logs.list)
        .isNotEmpty()
        .allSatisfy(
            line -> {
              assertThat(SafeText.printable(line.getFormattedMessage())).isTrue();
              assertThat(line.getFormattedMessage().length()).isLessThan(1024);
            });
  }

  @Test
  void aLastingForeignObjectOfTheGatesNameIsReadAgainOnlyEveryRecheck() {
    mesh.virtualService = TestGates.foreignVirtualService();

    GateRuntime runtime = leading();
    assertThat(mesh.reads).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);

    // The conflict lasts: every tick reports it, none reads or writes, until the recheck is due.
    Duration step = SameNameCheck.RECHECK.dividedBy(10);
    for (int i = 1; i < 10; i++) {
      clock.advance(step);
      tick(runtime);
    }
    assertThat(runtime.ticksDone()).isEqualTo(10);
    assertThat(mesh.reads).hasSize(2);
    assertThat(mesh.asked).isEmpty();
    assertThat(status.written)
        .allSatisfy(
            s ->
                assertThat(GateConditions.find(s.getConditions(), "Conflict").getReason())
                    .isEqualTo("NotManagedBySyncgate"));

    clock.advance(step);
    tick(runtime);
    assertThat(mesh.reads).hasSize(4);
    assertThat(mesh.asked).isEmpty();

    // Gone: the next recheck finds nothing foreign, and the gate goes to work.
    mesh.virtualService = null;
    clock.advance(step);
    tick(runtime);
    assertThat(mesh.asked).isEmpty();
    clock.advance(SameNameCheck.RECHECK);
    tick(runtime);
    // The recheck's two reads, then the read of the live route a term's first step adopts.
    assertThat(mesh.reads).hasSize(7);
    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
    assertThat(
            GateConditions.find(status.stored.getStatus().getConditions(), "Conflict").getStatus())
        .isEqualTo("False");
  }

  @Test
  void aForeignObjectAWriteRunsIntoIsRememberedInsteadOfWrittenIntoAtEveryTick() {
    GateRuntime runtime = leading();
    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
    int reads = mesh.reads.size();

    // Someone replaces the gate's VirtualService with one of their own: the filtered informer no
    // longer holds it, and the next write finds it.
    mesh.virtualService = TestGates.foreignVirtualService();
    mesh.asked.clear();
    clock.advance(Duration.ofSeconds(1));
    tick(runtime);
    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
    assertThat(
            GateConditions.find(status.stored.getStatus().getConditions(), "Conflict").getReason())
        .isEqualTo("NotManagedBySyncgate");

    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      tick(runtime);
    }
    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
    assertThat(mesh.reads).hasSize(reads);
    assertThat(
            GateConditions.find(status.stored.getStatus().getConditions(), "Conflict").getMessage())
        .contains("not managed by syncgate");
  }

  @Test
  void aHostAnotherVirtualServiceRoutesIsAConflictAndNothingIsWritten() {
    VirtualService handWritten = TestGates.foreignVirtualService();
    handWritten.getMetadata().setName("hippo-by-hand");
    hosts.routing.put("hippo-replicas.db", List.of(handWritten));

    leading();

    assertThat(mesh.asked).isEmpty();
    var conflict = GateConditions.find(status.written.get(0).getConditions(), "Conflict");
    assertThat(conflict.getStatus()).isEqualTo("True");
    assertThat(conflict.getReason()).isEqualTo("HostClaimed");
    assertThat(conflict.getMessage()).startsWith("VirtualService db/hippo-by-hand also routes");
  }

  @Test
  void untilTheVirtualServicesItDoesNotManageAreListedAGateWritesNothing() {
    hosts.known = new ForeignRoutes.Known(false, Optional.empty());

    GateRuntime runtime = leading();

    assertThat(hosts.asked).containsExactly(TestGates.NAMESPACE);
    assertThat(mesh.asked).isEmpty();
    assertThat(status.written).isEmpty();

    hosts.known = ForeignRoutes.Known.YES;
    tick(runtime);
    assertThat(mesh.asked).containsExactly(MeshKind.DESTINATION_RULE, MeshKind.VIRTUAL_SERVICE);
  }

  @Test
  void aFailingListOfTheVirtualServicesItDoesNotManageIsReportedAndNothingIsWritten() {
    hosts.known =
        new ForeignRoutes.Known(false, Optional.of("cannot list the VirtualServices: forbidden"));

    leading();

    assertThat(mesh.asked).isEmpty();
    var ready = GateConditions.find(status.written.get(0).getConditions(), "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("HostCheckFailed");
    assertThat(ready.getMessage()).contains("forbidden");
  }

  @Test
  void aHostAnOlderGateClaimsIsAConflictUntilThatGateIsGone() {
    gate.getMetadata().setCreationTimestamp("2026-12-07T09:00:00Z");
    ReplicaGate older = TestGates.gate(spec -> {});
    older.getMetadata().setName("hippo-reads-old");
    older.getMetadata().setCreationTimestamp("2026-12-01T09:00:00Z");
    hosts.gating.put("hippo-replicas.db", List.of(older, gate));

    leading();

    assertThat(mesh.asked).isEmpty();
    assertThat(GateConditions.find(status.written.get(0).getConditions(), "Conflict").getMessage())
        .contains("already gated by ReplicaGate db/hippo-reads-old");

    // Once the older gate is gone, this one goes ahead.
    hosts.gating.put("hippo-replicas.db", List.of(gate));
    GateRuntime again = leading();
    assertThat(mesh.asked).isNotEmpty();
    assertThat(again.ticksDone()).isPositive();
  }

  // ------------------------------------------------------------------ helpers

  private GateRuntime runtime() {
    return runtime(members);
  }

  private GateRuntime runtime(MemberPoller memberPoller) {
    return new GateRuntime(
        KEY,
        new GateSeams(pods, endpoints, memberPoller, mesh, status, events, hosts),
        new GateEnv(
            vertx,
            context,
            new TickClock(clock, clock::nanoTime),
            Duration.ofSeconds(10),
            metrics));
  }

  /** A runtime that has the gate, leads, and has finished its first tick. */
  private GateRuntime leading() {
    return leading(members);
  }

  /** As {@link #leading()}, asking Patroni through {@code memberPoller}. */
  private GateRuntime leading(MemberPoller memberPoller) {
    GateRuntime runtime = runtime(memberPoller);
    onContext(
        () -> {
          runtime.update(gate);
          runtime.activate();
          return Future.succeededFuture();
        });
    awaitTicks(runtime, 1);
    return runtime;
  }

  private void tick(GateRuntime runtime) {
    onContext(runtime::tick);
  }

  private void awaitTicks(GateRuntime runtime, long ticks) {
    Await.until(
        Duration.ofSeconds(5),
        ticks + " tick(s)",
        () -> onContext(() -> Future.succeededFuture(runtime.ticksDone())) >= ticks);
  }

  private void member(String name, MemberSample sample) {
    int n = pods.pods.size() + 2;
    Pod pod = MemberPods.running(TestGates.NAMESPACE, name, "127.0.9." + n, subsetLabel(name));
    pod.getMetadata().setUid(name + "-uid-1");
    pods.pods.put(name, pod);
    members.samples.put(name, sample);
  }

  private static Map<String, String> subsetLabel(String podName) {
    return Map.of(MeshSpec.DEFAULT_SUBSET_LABEL, podName);
  }

  /** The member's pod deleted and created again under the same name: a new uid and address. */
  private void recreate(String name) {
    Pod pod = MemberPods.running(TestGates.NAMESPACE, name, "127.0.9.200", subsetLabel(name));
    pod.getMetadata().setUid(name + "-uid-2");
    pods.pods.put(name, pod);
  }

  private static Map<String, String> phases(ReplicaGateStatus s) {
    Map<String, String> out = new TreeMap<>();
    for (ReplicaStatus r : s.getReplicas()) {
      out.put(r.getName(), r.getPhase());
    }
    return out;
  }

  /** Runs {@code action} on the context under test and waits for the future it returns. */
  private <T> T onContext(Supplier<Future<T>> action) {
    return Await.onContext(context, action);
  }
}
