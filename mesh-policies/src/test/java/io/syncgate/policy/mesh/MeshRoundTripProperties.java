package io.syncgate.policy.mesh;

import static io.syncgate.policy.mesh.IstioRendererTest.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Rendering and reading back agree for every route the gating core can produce. */
class MeshRoundTripProperties {

  @Property
  void routeOfReadsBackEveryRenderedRoute(@ForAll("routes") Route route) {
    VirtualService rendered =
        IstioRenderer.renderVirtualService(TARGET, planFor(route)).orElseThrow();
    VirtualService fromServer =
        Serialization.unmarshal(Serialization.asJson(rendered), VirtualService.class);

    assertThat(MeshDiff.routeOf(fromServer, TARGET.port())).contains(route);
  }

  @Property
  void oneWriteSettlesAnyDifference(@ForAll("routes") Route live, @ForAll("routes") Route desired) {
    VirtualService liveVs = IstioRenderer.renderVirtualService(TARGET, planFor(live)).orElseThrow();
    liveVs.getMetadata().setResourceVersion("17");
    liveVs.getMetadata().getLabels().put("team", "dba");
    VirtualService desiredVs =
        IstioRenderer.renderVirtualService(TARGET, planFor(desired)).orElseThrow();

    VirtualService written = MeshDiff.forUpdate(liveVs, desiredVs);

    assertThat(MeshDiff.sameSpec(desiredVs, written)).isTrue();
    assertThat(MeshDiff.sameSpec(desiredVs, liveVs)).isEqualTo(live.equals(desired));
    assertThat(MeshDiff.routeOf(written, TARGET.port())).contains(desired);
  }

  static Plan planFor(Route route) {
    List<String> members = new ArrayList<>();
    members.add("pg-leader");
    route.destinations().forEach(d -> members.add(d.subset()));
    return new Plan(members, "pg-leader", Optional.of(route), false, null, List.of());
  }

  /** Routes of 1..8 destinations whose weights are cuts of 0..100, so they sum to 100. */
  @Provide
  Arbitrary<Route> routes() {
    return Arbitraries.integers()
        .between(0, 100)
        .list()
        .ofMaxSize(7)
        .map(
            cuts -> {
              List<Integer> bounds = new ArrayList<>(cuts);
              bounds.add(0);
              bounds.add(100);
              bounds.sort(null);
              return new Route(
                  IntStream.range(0, bounds.size() - 1)
                      .mapToObj(
                          i -> new RouteDestination("pg-" + i, bounds.get(i + 1) - bounds.get(i)))
                      .toList());
            });
  }
}
