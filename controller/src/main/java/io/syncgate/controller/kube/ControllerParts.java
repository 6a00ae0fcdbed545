package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;

/** What every gate's reconciler shares: the controller's context, clients, writers and caches. */
record ControllerParts(
    Vertx vertx,
    Context context,
    Clock clock,
    ControllerConfig config,
    KubernetesClient client,
    KubeWorker worker,
    PollLoops pollLoops,
    OwnedObjectWriter<DestinationRule> destinationRules,
    OwnedObjectWriter<VirtualService> virtualServices,
    StatusWriter statusWriter,
    SecretReader secrets,
    EventRecorder events,
    SyncgateMetrics metrics,
    MeshCache mesh) {

  /** The informers' copies of the owned mesh objects (read only; never modify them). */
  interface MeshCache {
    DestinationRule destinationRule(GateKey gate);

    VirtualService virtualService(GateKey gate);
  }
}
