package io.syncgate.policy.mesh;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateValidator;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One read host, one gate. A VirtualService is exported mesh-wide: two for one host, or a gate's
 * next to a hand-written one, leave the route to whichever Istio merges first. So a gate routes its
 * host only when nothing else does: no VirtualService it does not own names the host, and no older
 * gate claims it.
 */
public final class HostClaims {

  private HostClaims() {}

  /** The Service a host names: see {@link ReplicaGateValidator#serviceOf}. */
  public static Optional<String> service(String host, String namespace) {
    return ReplicaGateValidator.serviceOf(host, namespace);
  }

  /**
   * Why {@code gate} may not route its host, or empty.
   *
   * @param routing the VirtualServices whose hosts name the same Service
   * @param gating the gates whose {@code mesh.host} names the same Service (the gate itself may be
   *     among them)
   */
  public static Optional<String> conflict(
      ReplicaGate gate, List<VirtualService> routing, List<ReplicaGate> gating) {
    String namespace = gate.getMetadata().getNamespace();
    String name = gate.getMetadata().getName();
    String host = gate.getSpec().getMesh().getHost();
    Optional<String> foreignRoute =
        routing.stream()
            .filter(vs -> !owns(namespace, name, vs))
            .map(vs -> vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName())
            .sorted()
            .findFirst();
    if (foreignRoute.isPresent()) {
      return Optional.of(
          "VirtualService "
              + foreignRoute.get()
              + " also routes "
              + host
              + ", and Istio would merge the two; syncgate gates a host only when nothing else"
              + " routes it");
    }
    return gating.stream()
        .filter(other -> !sameGate(gate, other))
        .filter(other -> older(other, gate))
        .min(AGE)
        .map(
            other ->
                "host "
                    + host
                    + " is already gated by ReplicaGate "
                    + other.getMetadata().getNamespace()
                    + "/"
                    + other.getMetadata().getName()
                    + "; one host, one gate");
  }

  private static boolean owns(String namespace, String name, VirtualService vs) {
    return vs.getMetadata() != null
        && namespace.equals(vs.getMetadata().getNamespace())
        && name.equals(vs.getMetadata().getName())
        && MeshDiff.managedBySyncgate(vs);
  }

  private static boolean sameGate(ReplicaGate a, ReplicaGate b) {
    return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
        && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }

  /** Oldest first: by creation time (RFC 3339 strings order as times), then by name. */
  private static final Comparator<ReplicaGate> AGE =
      Comparator.comparing(
              (ReplicaGate g) ->
                  g.getMetadata().getCreationTimestamp() == null
                      ? ""
                      : g.getMetadata().getCreationTimestamp())
          .thenComparing(g -> g.getMetadata().getNamespace())
          .thenComparing(g -> g.getMetadata().getName());

  private static boolean older(ReplicaGate a, ReplicaGate b) {
    return AGE.compare(a, b) < 0;
  }
}
