package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.GIB;
import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.NAMESPACE;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.PatroniRole;
import io.syncgate.policy.status.GateConditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads never go where nothing answers. The cluster here is laid out like Crunchy PGO's: the read
 * host's Service ({@code hippo-replicas}) selects replica pods only, and the primary's own Service
 * ({@code hippo-ha}) has the leader as its one endpoint. Beyond these stories, the harness checks
 * every route written against the EndpointSlices of the moment ({@code RouteEndpointCheck}).
 */
class RoutabilityIT {

  private static final String READ = TestGates.READ_SERVICE;
  private static final String PRIMARY = "hippo-ha";
  private static final String PRIMARY_HOST = PRIMARY + "." + NAMESPACE + ".svc.cluster.local";
  private static final long POSITION = 8 * GIB;

  /** The primary host's destination, as {@link #route} names it. */
  private static final String TO_PRIMARY = PRIMARY_HOST;

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  private final List<Pod> pods = new ArrayList<>();

  @Test
  void withEveryReplicaBehindReadsGoToThePrimaryServiceNeverToAnEmptySubset() {
    pgoCluster(2 * GIB);
    h.startController();

    Await.until(
        Duration.ofSeconds(10),
        "every read on the primary Service",
        this::route,
        r -> r.equals(route(member(1), 0, member(2), 0, TO_PRIMARY, 100)));
    assertThat(h.destinationRule().getSpec().getSubsets())
        .extracting(s -> s.getName())
        .as("the leader is no endpoint of the read host, and needs no subset there to be read")
        .contains(member(1), member(2));

    h.sim(1).setReceivedAndReplayed(POSITION);
    h.sim(2).setReceivedAndReplayed(POSITION);
    Await.until(
        Duration.ofSeconds(15),
        "the replicas serving, the primary Service out of the route",
        this::route,
        r -> r.equals(route(member(1), 50, member(2), 50)));
    assertThat(ready()).isTrue();
    // Never the leader's subset of the read host: it has no endpoint there.
    assertThat(routesWritten()).noneMatch(r -> r.getOrDefault(member(0), 0) > 0);
  }

  @Test
  void aFailoverMidStoryRoutesToThePrimaryServiceUntilTheReplicasAreBack() {
    pgoClusterServing();

    // hippo-1 takes over on timeline 2; Patroni relabels the pods, so the Services follow: the
    // read host now selects hippo-0 and hippo-2, the primary Service points at hippo-1. hippo-2
    // has not followed the new timeline yet, and hippo-0 starts over as a new member.
    long promoted = POSITION + 16 * MIB;
    h.sim(1).setRole(PatroniRole.LEADER).setTimeline(2).setLocation(promoted);
    h.sim(0).setRole(PatroniRole.REPLICA).setTimeline(2).setReceivedAndReplayed(POSITION);
    TestGates.removeEndpoint(h.admin(), READ, member(1));
    TestGates.setEndpoint(h.admin(), READ, pods.get(0), true);
    TestGates.removeEndpoint(h.admin(), PRIMARY, member(0));
    TestGates.setEndpoint(h.admin(), PRIMARY, pods.get(1), true);

    Await.until(
        Duration.ofSeconds(10),
        "every read on the primary Service while no replica can take them",
        this::route,
        r -> r.equals(route(member(0), 0, member(2), 0, TO_PRIMARY, 100)));

    h.sim(0).setReceivedAndReplayed(promoted);
    h.sim(2).setTimeline(2).setReceivedAndReplayed(promoted);
    Await.until(
        Duration.ofSeconds(15),
        "the replicas back",
        this::route,
        r -> r.equals(route(member(0), 50, member(2), 50)));
  }

  @Test
  void aReplicaThatIsNoReadyEndpointGetsNoWeightAndIsNamed() {
    pgoClusterServing();

    // hippo-2 fails its readiness probe: still selected, no longer a ready endpoint.
    TestGates.setEndpoint(h.admin(), READ, pods.get(2), false);

    Await.until(
        Duration.ofSeconds(5),
        "hippo-2 out of the route",
        this::route,
        r -> r.equals(route(member(1), 100)));
    ReplicaStatus status =
        Await.until(
            Duration.ofSeconds(5),
            "hippo-2's status naming the missing endpoint",
            () -> h.replicaStatus(2),
            r -> r != null && r.getReason() != null && r.getReason().contains("ready endpoint"));
    assertThat(status.getWeight()).isZero();
    assertThat(status.getReason()).contains("not a ready endpoint of Service " + READ);
    Condition excluded =
        Await.until(
            Duration.ofSeconds(5),
            "MembersExcluded NoReadyEndpoint",
            () -> condition(GateConditions.MEMBERS_EXCLUDED),
            c -> c != null && "NoReadyEndpoint".equals(c.getReason()));
    assertThat(excluded.getMessage()).contains(member(2));

    TestGates.setEndpoint(h.admin(), READ, pods.get(2), true);
    Await.until(
        Duration.ofSeconds(15),
        "hippo-2 back through the ramp",
        this::route,
        r -> r.equals(route(member(1), 50, member(2), 50)));
  }

  @Test
  void aPodWhoseSubsetLabelIsNotItsNameGetsNoWeight() {
    pgoClusterServing();

    h.admin()
        .pods()
        .inNamespace(NAMESPACE)
        .withName(member(2))
        .edit(
            p -> {
              p.getMetadata()
                  .getLabels()
                  .put(io.syncgate.policy.MeshSpec.DEFAULT_SUBSET_LABEL, "someone-else");
              return p;
            });

    Await.until(
        Duration.ofSeconds(5),
        "hippo-2 out of the route",
        this::route,
        r -> r.equals(route(member(1), 100)));
    Await.until(
        Duration.ofSeconds(5),
        "MembersExcluded SubsetLabelMismatch",
        () -> condition(GateConditions.MEMBERS_EXCLUDED),
        c -> c != null && "SubsetLabelMismatch".equals(c.getReason()));
  }

  @Test
  void withNothingRoutableTheLastGoodRouteStaysAndTheConditionSaysWhy() {
    pgoClusterServing();
    Map<String, Integer> good = route();

    // The primary Service loses its endpoint (the leader's pod not ready), then both replicas
    // fall far behind: nothing that answers could take the reads.
    TestGates.removeEndpoint(h.admin(), PRIMARY, member(0));
    h.sim(1).setReceivedAndReplayed(POSITION - GIB);
    h.sim(2).setReceivedAndReplayed(POSITION - GIB);

    Condition ready =
        Await.until(
            Duration.ofSeconds(5),
            "Ready=False NoRoutableDestination",
            () -> condition(GateConditions.READY),
            c -> c != null && "NoRoutableDestination".equals(c.getReason()));
    assertThat(ready.getMessage())
        .contains("the primary Service (mesh.primaryHost) has no ready endpoint")
        .contains("the live route stays as it is");
    assertThat(route()).isEqualTo(good);
    Await.until(
        Duration.ofSeconds(5),
        "a NoRoutableDestination event",
        () -> h.eventReasons().contains("NoRoutableDestination"));

    // The primary Service answers again: reads go there.
    TestGates.setEndpoint(h.admin(), PRIMARY, pods.get(0), true);
    Await.until(
        Duration.ofSeconds(5),
        "every read on the primary Service",
        this::route,
        r -> r.equals(route(member(1), 0, member(2), 0, TO_PRIMARY, 100)));
  }

  // ------------------------------------------------------------------ set-up

  /**
   * A leader (hippo-0) and two replicas behind by {@code lag}; the read Service selects the
   * replicas, the primary Service the leader; the gate falls back to the primary Service.
   */
  private void pgoCluster(long lag) {
    h.simulate(List.of(h.leader(0), h.replica(1), h.replica(2)));
    h.sim(0).setLocation(POSITION);
    h.sim(1).setReceivedAndReplayed(POSITION - lag);
    h.sim(2).setReceivedAndReplayed(POSITION - lag);
    for (int i = 0; i < 3; i++) {
      pods.add(TestGates.createPodOnly(h.admin(), member(i), h.ip(i)));
    }
    TestGates.setEndpoint(h.admin(), PRIMARY, pods.get(0), true);
    TestGates.setEndpoint(h.admin(), READ, pods.get(1), true);
    TestGates.setEndpoint(h.admin(), READ, pods.get(2), true);
    h.createGate(
        spec -> {
          spec.getRamp().setSteps(List.of(50, 100));
          spec.getMesh().setPrimaryHost(PRIMARY_HOST);
        });
  }

  /** {@link #pgoCluster} caught up, with its controller; returns once both replicas serve. */
  private void pgoClusterServing() {
    pgoCluster(0);
    h.startController();
    Await.until(
        Duration.ofSeconds(15),
        "both replicas serving",
        this::route,
        r -> r.equals(route(member(1), 50, member(2), 50)));
  }

  /** The live route: weight by subset, and by host for a destination without one. */
  private Map<String, Integer> route() {
    return routeOf(h.virtualService());
  }

  private static Map<String, Integer> routeOf(VirtualService vs) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (vs == null || vs.getSpec() == null || vs.getSpec().getTcp() == null) {
      return out;
    }
    for (RouteDestination d : vs.getSpec().getTcp().get(0).getRoute()) {
      String subset = d.getDestination().getSubset();
      out.put(subset != null ? subset : d.getDestination().getHost(), d.getWeight());
    }
    return out;
  }

  /** Every route written, in order. */
  private List<Map<String, Integer>> routesWritten() {
    return h.writesTo(ControllerHarness.VS_PATH).stream()
        .map(
            r ->
                h.admin()
                    .getKubernetesSerialization()
                    .unmarshal(h.api.bodyOf(r), VirtualService.class))
        .map(RoutabilityIT::routeOf)
        .toList();
  }

  private static Map<String, Integer> route(Object... destinationsAndWeights) {
    return ControllerHarness.expected(destinationsAndWeights);
  }

  private Condition condition(String type) {
    var gate = h.gate();
    return gate == null || gate.getStatus() == null
        ? null
        : GateConditions.find(gate.getStatus().getConditions(), type);
  }

  private boolean ready() {
    Condition c = condition(GateConditions.READY);
    return c != null && "True".equals(c.getStatus());
  }
}
