package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.syncgate.policy.ReplicaGate;
import java.util.List;

/**
 * Who else routes or gates a Service ({@code <svc>.<namespace>}, see {@code HostClaims.service}):
 * read from the informers' caches, indexed by the Services their hosts name. Never modify what it
 * returns.
 */
interface HostDirectory {

  /** The VirtualServices whose hosts name {@code service}. */
  List<VirtualService> routing(String service);

  /** The gates whose {@code mesh.host} names {@code service}. */
  List<ReplicaGate> gating(String service);
}
