package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.vertx.core.Future;

/** A gate's mesh objects in the cluster: the shared informers' copies and the owned writers. */
final class ClusterMeshWriter implements MeshWriter {

  /**
   * The informers' copies of the owned mesh objects (read only; never modify them). The informers
   * are filtered by {@code app.kubernetes.io/managed-by=syncgate}: an object of the gate's name
   * that someone else made is not here.
   */
  interface MeshCache {
    DestinationRule destinationRule(GateKey gate);

    VirtualService virtualService(GateKey gate);
  }

  private final GateKey key;
  private final OwnedObjectWriter<DestinationRule> destinationRules;
  private final OwnedObjectWriter<VirtualService> virtualServices;
  private final MeshCache cache;

  ClusterMeshWriter(
      GateKey key,
      OwnedObjectWriter<DestinationRule> destinationRules,
      OwnedObjectWriter<VirtualService> virtualServices,
      MeshCache cache) {
    this.key = key;
    this.destinationRules = destinationRules;
    this.virtualServices = virtualServices;
    this.cache = cache;
  }

  @Override
  public DestinationRule cachedDestinationRule() {
    return cache.destinationRule(key);
  }

  @Override
  public VirtualService cachedVirtualService() {
    return cache.virtualService(key);
  }

  @Override
  public Future<WriteOutcome<DestinationRule>> writeDestinationRule(DestinationRule desired) {
    return destinationRules.reconcile(desired, cachedDestinationRule());
  }

  @Override
  public Future<WriteOutcome<VirtualService>> writeVirtualService(VirtualService desired) {
    return virtualServices.reconcile(desired, cachedVirtualService());
  }

  @Override
  public Future<DestinationRule> readDestinationRule() {
    return destinationRules.read(key.namespace(), key.name());
  }

  @Override
  public Future<VirtualService> readVirtualService() {
    return virtualServices.read(key.namespace(), key.name());
  }
}
