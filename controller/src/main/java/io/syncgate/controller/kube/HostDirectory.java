package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.syncgate.policy.ReplicaGate;
import java.util.List;

/**
 * Who else routes or gates a Service ({@code <svc>.<namespace>}, see {@code HostClaims.service}):
 * the VirtualServices syncgate manages and the gates from the informers' caches, indexed by the
 * Services their hosts name; the VirtualServices it does not manage from {@link ForeignRoutes}.
 * Never modify what it returns.
 */
interface HostDirectory {

  /**
   * Whether {@link #routing} knows the VirtualServices that syncgate does not manage in {@code
   * namespace} (the gate's); asks for a fresh list of them when the last one is due.
   */
  ForeignRoutes.Known routesKnown(String namespace);

  /**
   * The VirtualServices whose hosts name {@code service}: those syncgate manages, and those it does
   * not manage in the namespaces that have gates (namespace and name only).
   */
  List<VirtualService> routing(String service);

  /** The gates whose {@code mesh.host} names {@code service}. */
  List<ReplicaGate> gating(String service);
}
