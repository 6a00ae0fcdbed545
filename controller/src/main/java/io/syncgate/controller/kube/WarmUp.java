package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.patroni.PatroniClient;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.patroni.PatroniParser;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.GateRestore;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.SampleFailure;
import io.syncgate.policy.gating.StepResult;
import io.syncgate.policy.mesh.IstioRenderer;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.status.GateConditions;
import io.syncgate.policy.status.GateStatusBuilder;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A dry run of everything a tick touches, on a worker thread before the first tick: the JSON
 * (de)serializers of every kind, the pure pipeline (parse, step, render, diff, status) and the
 * Patroni client.
 *
 * <p>Why: the first use of these loads and initialises thousands of classes (the Istio model alone
 * is large) and builds Jackson deserializers, which takes a few hundred milliseconds on a cold JVM.
 * fabric8's Vert.x transport deserializes watch events on the event loop, and ticks run there too,
 * so without this the first events and the first tick would stall the event loop.
 */
final class WarmUp {

  /** The kinds the controller reads, lists and watches. */
  static final List<Class<?>> KINDS =
      List.of(
          ReplicaGate.class,
          Pod.class,
          DestinationRule.class,
          VirtualService.class,
          Lease.class,
          Event.class,
          Secret.class);

  private WarmUp() {}

  /** Blocking; call on a worker thread. Touches nothing outside this process. */
  static void run(KubernetesClient client, Vertx vertx) {
    // Netty's resolver initialises java.net.IDN (Unicode tables) on the first connection.
    java.net.IDN.toASCII(client.getMasterUrl().getHost());
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    serialization.unmarshal(
        "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}}",
        WatchEvent.class);
    for (Class<?> kind : KINDS) {
      serialization.asJson(serialization.unmarshal("{}", kind));
    }
    dryTick(serialization);
    dryMetrics();
    try (PatroniClient patroni = new PatroniClient(vertx, PatroniClientOptions.defaults())) {
      PatroniParser.parse("warm-up", "{}");
    }
  }

  /**
   * Every kind of meter, registered and scraped in a registry of its own: the first registration
   * loads Prometheus's naming classes (seen blocking an event loop for 331 ms on a loaded machine).
   */
  private static void dryMetrics() {
    SyncgateMetrics metrics = new SyncgateMetrics();
    metrics.recordReplica("warm-up", "warm-up", "m-1", Phase.SERVING, 100, 0L);
    metrics.recordPoll("warm-up", "warm-up", java.time.Duration.ZERO);
    metrics.pollError("warm-up", "warm-up", "timeout");
    metrics.meshWrite("warm-up", "warm-up", "status", "updated");
    metrics.recordTick("warm-up", "warm-up", java.time.Duration.ZERO);
    metrics.tickSkipped("warm-up", "warm-up");
    metrics.recordTickCompleted("warm-up", "warm-up", Instant.EPOCH);
    metrics.scrape();
    metrics.forgetGate("warm-up", "warm-up");
  }

  private static void dryTick(KubernetesSerialization serialization) {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace("warm-up");
    gate.getMetadata().setName("warm-up");
    gate.getMetadata().setUid("00000000-0000-0000-0000-000000000000");
    gate.getSpec().setSelector(new LabelSelectorBuilder().addToMatchLabels("a", "b").build());
    MeshSpec mesh = new MeshSpec();
    mesh.setHost("warm-up");
    gate.getSpec().setMesh(mesh);
    GateSettings settings = GateSettings.parse(gate).settings();
    Instant now = Instant.EPOCH.plusSeconds(3600);
    ClusterSnapshot snapshot =
        ClusterSnapshot.of(
            List.of(
                MemberSample.leader("m-0", 1, 100),
                MemberSample.replica("m-1", 1, 100, 100, now),
                MemberSample.failed("m-2", SampleFailure.TIMEOUT, "warm-up")),
            now);
    GateState restored =
        GateRestore.restore(List.of(), Optional.empty(), null, null, settings.policy(), now);
    StepResult result =
        GatingStep.step(
            restored,
            snapshot,
            IstioRenderer.invalidSubsetNames(snapshot.samples().keySet()),
            settings.policy(),
            now);
    DestinationRule dr = IstioRenderer.renderDestinationRule(settings.target(), result.plan());
    Optional<VirtualService> vs =
        IstioRenderer.renderVirtualService(settings.target(), result.plan());
    MeshDiff.sameSpec(dr, dr);
    vs.ifPresent(
        v -> {
          MeshDiff.routeOf(v, settings.target().port(), settings.target().primaryHost());
          MeshDiff.sameSpec(v, MeshDiff.forUpdate(v, v));
          serialization.asJson(v);
        });
    ReplicaGateStatus status =
        GateStatusBuilder.build(
            1L,
            result.state(),
            result.plan().route(),
            GateConditions.merge(
                List.of(),
                List.of(GateConditions.Desired.isTrue(GateConditions.READY, "WarmUp", "")),
                1L,
                now));
    GateStatusBuilder.writeDue(null, status, null, java.time.Duration.ZERO, now);
    GateStatusBuilder.storedReplicas(GateStatusBuilder.copy(status));
    serialization.asJson(status);
  }
}
