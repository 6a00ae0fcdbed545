package io.syncgate.policy.mesh;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A gate's DestinationRule and VirtualService as {@link IstioRenderer} renders them, with what they
 * are rendered from: the target, the members that get a subset and the route. Nothing else of a
 * plan reaches the objects, and a gate's plan asks for the same ones tick after tick; building them
 * again each tick made equal objects at about a tenth of a tick's CPU (the benchmark's profile), so
 * a tick reuses the previous tick's objects when these inputs are equal.
 *
 * <p>fabric8's models are mutable: whoever keeps a {@code RenderedMesh} for a later tick keeps only
 * one whose objects were compared, never sent (a client may set fields on what it sends).
 *
 * @param virtualService empty when the plan has no route (write nothing, keep what is live)
 */
public record RenderedMesh(
    MeshTarget target,
    List<String> subsetMembers,
    Optional<Route> route,
    DestinationRule destinationRule,
    Optional<VirtualService> virtualService) {

  public RenderedMesh {
    Objects.requireNonNull(target, "target");
    subsetMembers = List.copyOf(subsetMembers);
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(destinationRule, "destinationRule");
    Objects.requireNonNull(virtualService, "virtualService");
  }

  /**
   * The mesh objects of {@code plan}: {@code previous}'s when it was rendered from the same inputs,
   * else newly rendered.
   *
   * @param previous what an earlier tick rendered, or null
   * @throws IllegalArgumentException as {@link IstioRenderer} does for a plan it cannot render
   */
  public static RenderedMesh of(MeshTarget target, Plan plan, RenderedMesh previous) {
    List<String> subsetMembers = plan.subsetMembers();
    if (previous != null
        && previous.target.equals(target)
        && previous.route.equals(plan.route())
        && previous.subsetMembers.equals(subsetMembers)) {
      return previous;
    }
    return new RenderedMesh(
        target,
        subsetMembers,
        plan.route(),
        IstioRenderer.renderDestinationRule(target, plan),
        IstioRenderer.renderVirtualService(target, plan));
  }
}
