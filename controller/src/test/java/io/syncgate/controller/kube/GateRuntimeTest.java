package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.patroni.PatroniParser;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.TestClock;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SafeText;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
  private GateFakes.Members members;
  private GateFakes.Mesh mesh;
  private GateFakes.Status status;
  private GateFakes.Events events;
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
    members = new GateFakes.Members();
    mesh = new GateFakes.Mesh();
    status = new GateFakes.Status();
    events = new GateFakes.Events();
    clock = new TestClock(START);
    metrics = new SyncgateMetrics();
    gate =
        TestGates.gate(
            spec -> {
              spec.setPollInterval("1h");
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

  // ------------------------------------------------------------------ helpers

  private GateRuntime runtime() {
    return runtime(members);
  }

  private GateRuntime runtime(MemberPoller memberPoller) {
    return new GateRuntime(
        KEY,
        new GateSeams(pods, memberPoller, mesh, status, events),
        new GateEnv(vertx, context, clock, Duration.ofSeconds(10), metrics));
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
    pods.pods.put(name, MemberPods.running(TestGates.NAMESPACE, name, "127.0.9." + n, Map.of()));
    members.samples.put(name, sample);
  }

  private static Map<String, String> phases(ReplicaGateStatus s) {
    Map<String, String> out = new TreeMap<>();
    for (ReplicaStatus r : s.getReplicas()) {
      out.put(r.getName(), r.getPhase());
    }
    return out;
  }

  /** Runs {@code action} on the runtime's context and waits for the future it returns. */
  private <T> T onContext(Supplier<Future<T>> action) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(
        v ->
            action
                .get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        done.complete(ar.result());
                      } else {
                        done.completeExceptionally(ar.cause());
                      }
                    }));
    try {
      return done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
