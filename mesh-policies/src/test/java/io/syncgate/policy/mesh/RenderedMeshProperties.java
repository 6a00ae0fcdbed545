package io.syncgate.policy.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Reusing the previous tick's mesh objects never writes anything a fresh render would not: over
 * random series of targets and plans (members, exclusions, routes, the primary fallback), each
 * step's objects equal those rendered afresh, and a reused step's inputs are equal to the ones the
 * objects were rendered from.
 */
class RenderedMeshProperties {

  private static final List<MeshTarget> TARGETS =
      List.of(
          new MeshTarget("db", "reads", "uid-1", "reads.db.svc", 5432, "pod", null),
          new MeshTarget("db", "reads", "uid-1", "reads.db.svc", 5433, "pod", null),
          new MeshTarget("db", "reads", "uid-2", "reads.db.svc", 5432, "pod", null),
          new MeshTarget("db", "reads", "uid-1", "reads.db.svc", 5432, "name", null),
          new MeshTarget(
              "db", "reads", "uid-1", "reads.db.svc", 5432, "pod", Duration.ofMinutes(5)),
          new MeshTarget(
              "db", "reads", "uid-1", "reads.db.svc", 5432, "pod", null, "primary.db.svc"));

  @Property(tries = 300)
  void reusedObjectsAreThoseAFreshRenderMakes(@ForAll("series") List<Step> series) {
    RenderedMesh previous = null;
    for (Step step : series) {
      RenderedMesh rendered = RenderedMesh.of(step.target(), step.plan(), previous);

      assertThat(rendered.destinationRule())
          .isEqualTo(IstioRenderer.renderDestinationRule(step.target(), step.plan()));
      assertThat(rendered.virtualService())
          .isEqualTo(IstioRenderer.renderVirtualService(step.target(), step.plan()));
      if (previous != null
          && previous.target().equals(step.target())
          && previous.subsetMembers().equals(step.plan().subsetMembers())
          && previous.route().equals(step.plan().route())) {
        assertThat(rendered).isSameAs(previous);
      }
      previous = rendered;
    }
  }

  record Step(MeshTarget target, Plan plan) {}

  /**
   * Series of up to 12 steps drawn from few values each, so that equal inputs recur and reuse is
   * exercised as often as a change.
   */
  @Provide
  Arbitrary<List<Step>> series() {
    Arbitrary<MeshTarget> targets = Arbitraries.of(TARGETS);
    Arbitrary<Integer> splits = Arbitraries.integers().between(0, 100);
    Arbitrary<Boolean> flags = Arbitraries.of(true, false);
    Arbitrary<Step> steps =
        Combinators.combine(targets, splits, flags, flags, flags)
            .as(
                (target, split, threeReplicas, excludeOne, fallback) -> {
                  List<String> members = new ArrayList<>(List.of("pg-0", "pg-1", "pg-2"));
                  if (threeReplicas) {
                    members.add("pg-3");
                  }
                  List<Exclusion> excluded =
                      excludeOne
                          ? List.of(
                              new Exclusion(
                                  "pg-2",
                                  Exclusion.Cause.NO_READY_ENDPOINT,
                                  "not a ready endpoint"))
                          : List.of();
                  Route route =
                      fallback
                          ? new Route(
                              List.of(
                                  target.primaryHost() != null
                                      ? new RouteDestination(RouteDestination.PRIMARY_SERVICE, 100)
                                      : new RouteDestination("pg-0", 100)))
                          : new Route(
                              List.of(
                                  new RouteDestination("pg-1", split),
                                  new RouteDestination("pg-0", 100 - split)));
                  Optional<Route> maybeRoute =
                      split % 7 == 0 ? Optional.empty() : Optional.of(route);
                  return new Step(
                      target,
                      new Plan(members, "pg-0", maybeRoute, fallback, null, List.of(), excluded));
                });
    return steps.list().ofMinSize(1).ofMaxSize(12);
  }
}
