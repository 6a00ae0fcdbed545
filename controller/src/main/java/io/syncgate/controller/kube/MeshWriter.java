package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.vertx.core.Future;

/**
 * A gate's DestinationRule and VirtualService: the informers' copies (which hold only objects
 * syncgate manages), the writes (which compare with those copies first), and fresh reads for
 * restoring and for finding objects of the gate's name that syncgate does not manage. Futures
 * complete on any thread and never fail: a failed write is a {@link WriteOutcome}.
 */
interface MeshWriter {

  /** The informer's copy of the gate's DestinationRule, or null (never modify it). */
  DestinationRule cachedDestinationRule();

  /** The informer's copy of the gate's VirtualService, or null (never modify it). */
  VirtualService cachedVirtualService();

  Future<WriteOutcome<DestinationRule>> writeDestinationRule(DestinationRule desired);

  Future<WriteOutcome<VirtualService>> writeVirtualService(VirtualService desired);

  /** The gate's DestinationRule as the API server has it now, or null. */
  Future<DestinationRule> readDestinationRule();

  /** The gate's VirtualService as the API server has it now, or null. */
  Future<VirtualService> readVirtualService();
}
