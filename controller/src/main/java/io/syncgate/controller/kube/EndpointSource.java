package io.syncgate.controller.kube;

import java.util.Optional;
import java.util.Set;

/**
 * The ready endpoints of a gate's Services (the read host's and, when the gate names one, the
 * primary's): a watch of their EndpointSlices in the gate's namespace, and what it has seen. A
 * destination gets weight only where a ready endpoint can answer.
 */
interface EndpointSource {

  /**
   * Watches the EndpointSlices of {@code services} (Service names in the gate's namespace), in
   * place of any earlier watch.
   */
  void watch(Set<String> services);

  /** True once the current watch has its first list: unsynced, every destination looks empty. */
  boolean synced();

  /** Why the current watch has no EndpointSlices yet; empty while it starts and once synced. */
  Optional<String> failure();

  /** The addresses of {@code service}'s ready endpoints, as last seen (empty when none). */
  Set<String> readyAddresses(String service);

  /** Stops watching. */
  void close();
}
