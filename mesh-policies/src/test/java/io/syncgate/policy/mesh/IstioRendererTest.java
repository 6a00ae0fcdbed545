package io.syncgate.policy.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.L4MatchAttributesBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestinationBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.SubsetBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRouteBuilder;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.DestinationRuleBuilder;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.GatePolicy;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import io.syncgate.policy.gating.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IstioRendererTest {

  static final String HOST = "hippo-replicas.db.svc.cluster.local";
  static final String POD_LABEL = "statefulset.kubernetes.io/pod-name";
  static final MeshTarget TARGET =
      new MeshTarget("db", "hippo-reads", "uid-42", HOST, 5432, POD_LABEL, Duration.ofMinutes(10));
  static final MeshTarget TARGET_WITHOUT_LIMIT =
      new MeshTarget("db", "hippo-reads", "uid-42", HOST, 5432, POD_LABEL, null);

  // hippo-0 leads; the replicas hold shares {1, 0.25, 0}, which the gating core weighs 80/20/0.
  static final List<String> MEMBERS = List.of("hippo-0", "hippo-1", "hippo-2", "hippo-3");
  static final Route WEIGHTED =
      new Route(
          List.of(
              new RouteDestination("hippo-1", 80),
              new RouteDestination("hippo-2", 20),
              new RouteDestination("hippo-3", 0)));
  static final Route PRIMARY_FALLBACK =
      new Route(
          List.of(
              new RouteDestination("hippo-1", 0),
              new RouteDestination("hippo-2", 0),
              new RouteDestination("hippo-3", 0),
              new RouteDestination("hippo-0", 100)));

  static Plan plan(List<String> members, Route route, boolean fallback) {
    return new Plan(members, "hippo-0", Optional.ofNullable(route), fallback, null, List.of());
  }

  static ObjectMeta expectedMetadata() {
    return new ObjectMetaBuilder()
        .withName("hippo-reads")
        .withNamespace("db")
        .withLabels(
            Map.of("app.kubernetes.io/managed-by", "syncgate", "syncgate.io/gate", "hippo-reads"))
        .addNewOwnerReference()
        .withApiVersion("syncgate.io/v1alpha1")
        .withKind("ReplicaGate")
        .withName("hippo-reads")
        .withUid("uid-42")
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .build();
  }

  static DestinationRuleBuilder expectedDestinationRule() {
    return new DestinationRuleBuilder()
        .withMetadata(expectedMetadata())
        .withNewSpec()
        .withHost(HOST)
        .withSubsets(
            new SubsetBuilder()
                .withName("hippo-0")
                .withLabels(Map.of(POD_LABEL, "hippo-0"))
                .build(),
            new SubsetBuilder()
                .withName("hippo-1")
                .withLabels(Map.of(POD_LABEL, "hippo-1"))
                .build(),
            new SubsetBuilder()
                .withName("hippo-2")
                .withLabels(Map.of(POD_LABEL, "hippo-2"))
                .build(),
            new SubsetBuilder()
                .withName("hippo-3")
                .withLabels(Map.of(POD_LABEL, "hippo-3"))
                .build())
        .endSpec();
  }

  static VirtualService expectedVirtualService(Object... subsetsAndWeights) {
    var tcp =
        new TCPRouteBuilder().withMatch(new L4MatchAttributesBuilder().withPort(5432L).build());
    for (int i = 0; i < subsetsAndWeights.length; i += 2) {
      tcp.addToRoute(
          new RouteDestinationBuilder()
              .withDestination(
                  new DestinationBuilder()
                      .withHost(HOST)
                      .withSubset((String) subsetsAndWeights[i])
                      .withNewPort(5432L)
                      .build())
              .withWeight((Integer) subsetsAndWeights[i + 1])
              .build());
    }
    return new VirtualServiceBuilder()
        .withMetadata(expectedMetadata())
        .withNewSpec()
        .withHosts(HOST)
        .withTcp(tcp.build())
        .endSpec()
        .build();
  }

  @Test
  void destinationRuleHasOneSubsetPerMemberAndTheConnectionLimit() {
    DestinationRule expected =
        expectedDestinationRule()
            .editSpec()
            .withNewTrafficPolicy()
            .withNewConnectionPool()
            .withNewTcp()
            .withMaxConnectionDuration("600s")
            .endTcp()
            .endConnectionPool()
            .endTrafficPolicy()
            .endSpec()
            .build();

    assertThat(IstioRenderer.renderDestinationRule(TARGET, plan(MEMBERS, WEIGHTED, false)))
        .isEqualTo(expected);
  }

  @Test
  void destinationRuleHasNoTrafficPolicyWithoutAConnectionLimit() {
    DestinationRule rendered =
        IstioRenderer.renderDestinationRule(TARGET_WITHOUT_LIMIT, plan(MEMBERS, WEIGHTED, false));

    assertThat(rendered).isEqualTo(expectedDestinationRule().build());
    assertThat(rendered.getSpec().getTrafficPolicy()).isNull();
  }

  @Test
  void destinationRuleIsRenderedEvenWithoutARoute() {
    assertThat(
            IstioRenderer.renderDestinationRule(TARGET_WITHOUT_LIMIT, plan(MEMBERS, null, false)))
        .isEqualTo(expectedDestinationRule().build());
  }

  @Test
  void virtualServiceCarriesTheRouteWeightsInRouteOrder() {
    assertThat(IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, WEIGHTED, false)))
        .contains(expectedVirtualService("hippo-1", 80, "hippo-2", 20, "hippo-3", 0));
  }

  @Test
  void virtualServiceRoutesToTheLeaderOnlyAsPrimaryFallback() {
    assertThat(IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, PRIMARY_FALLBACK, true)))
        .contains(expectedVirtualService("hippo-1", 0, "hippo-2", 0, "hippo-3", 0, "hippo-0", 100));
  }

  @Test
  void thePrimaryServiceFallbackIsADestinationOnThePrimaryHostWithoutASubset() {
    String primaryHost = "hippo-ha.db.svc.cluster.local";
    MeshTarget target =
        new MeshTarget("db", "hippo-reads", "uid-42", HOST, 5432, POD_LABEL, null, primaryHost);
    Route fallback =
        new Route(
            List.of(
                new RouteDestination("hippo-1", 0),
                new RouteDestination(RouteDestination.PRIMARY_SERVICE, 100)));
    VirtualService vs =
        IstioRenderer.renderVirtualService(target, plan(MEMBERS, fallback, true)).orElseThrow();

    var destinations = vs.getSpec().getTcp().get(0).getRoute();
    assertThat(destinations.get(1).getDestination())
        .isEqualTo(new DestinationBuilder().withHost(primaryHost).withNewPort(5432L).build());
    assertThat(destinations.get(1).getWeight()).isEqualTo(100);
    assertThat(destinations.get(0).getDestination().getHost()).isEqualTo(HOST);
    // And it reads back as the same route, but only for a gate that names that primary host.
    assertThat(MeshDiff.routeOf(vs, 5432, primaryHost)).contains(fallback);
    assertThat(MeshDiff.routeOf(vs, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(vs, 5432, "other-primary.db.svc.cluster.local")).isEmpty();
  }

  @Test
  void thePrimaryServiceFallbackCannotBeRenderedForAGateThatNamesNone() {
    Route fallback =
        new Route(List.of(new RouteDestination(RouteDestination.PRIMARY_SERVICE, 100)));
    assertThatThrownBy(
            () -> IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, fallback, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names none");
  }

  @Test
  void virtualServiceDoesNotDependOnTheConnectionLimit() {
    assertThat(
            IstioRenderer.renderVirtualService(
                TARGET_WITHOUT_LIMIT, plan(MEMBERS, WEIGHTED, false)))
        .isEqualTo(IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, WEIGHTED, false)));
  }

  @Test
  void noRouteRendersNoVirtualService() {
    assertThat(IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, null, false))).isEmpty();
  }

  @Test
  void equalPlansRenderEqualObjects() {
    Plan first = plan(MEMBERS, WEIGHTED, false);
    Plan second =
        plan(
            List.of("hippo-3", "hippo-1", "hippo-0", "hippo-2"),
            new Route(List.copyOf(WEIGHTED.destinations())),
            false);

    assertThat(IstioRenderer.renderDestinationRule(TARGET, second))
        .isEqualTo(IstioRenderer.renderDestinationRule(TARGET, first));
    assertThat(IstioRenderer.renderVirtualService(TARGET, second))
        .isEqualTo(IstioRenderer.renderVirtualService(TARGET, first));
    assertThat(
            Serialization.asYaml(IstioRenderer.renderVirtualService(TARGET, second).orElseThrow()))
        .isEqualTo(
            Serialization.asYaml(IstioRenderer.renderVirtualService(TARGET, first).orElseThrow()));
  }

  @Test
  void yamlIsNetworkingIstioIoV1AndReadsBackEqual() {
    VirtualService virtualService =
        IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, WEIGHTED, false)).orElseThrow();
    DestinationRule destinationRule =
        IstioRenderer.renderDestinationRule(TARGET, plan(MEMBERS, WEIGHTED, false));

    String vsYaml = Serialization.asYaml(virtualService);
    String drYaml = Serialization.asYaml(destinationRule);
    Map<?, ?> vsTree = Serialization.unmarshal(vsYaml, Map.class);
    Map<?, ?> drTree = Serialization.unmarshal(drYaml, Map.class);

    assertThat(vsTree.get("apiVersion")).isEqualTo("networking.istio.io/v1");
    assertThat(vsTree.get("kind")).isEqualTo("VirtualService");
    assertThat(drTree.get("apiVersion")).isEqualTo("networking.istio.io/v1");
    assertThat(drTree.get("kind")).isEqualTo("DestinationRule");
    assertThat(drYaml).contains("maxConnectionDuration: \"600s\"");
    // Gated replicas stay in the route with an explicit 0 (docs/design.md, "Mesh objects").
    assertThat(vsYaml).contains("weight: 0");
    assertThat(Serialization.unmarshal(vsYaml, VirtualService.class)).isEqualTo(virtualService);
    assertThat(Serialization.unmarshal(drYaml, DestinationRule.class)).isEqualTo(destinationRule);
  }

  @Test
  void durationsAreWrittenInSeconds() {
    assertThat(IstioRenderer.istioDuration(Duration.ofMinutes(10))).isEqualTo("600s");
    assertThat(IstioRenderer.istioDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(IstioRenderer.istioDuration(Duration.ofMillis(1))).isEqualTo("0.001s");
    assertThat(IstioRenderer.istioDuration(Duration.ofHours(1))).isEqualTo("3600s");
  }

  @Test
  void aRouteToANonMemberIsRefused() {
    Route toStranger = new Route(List.of(new RouteDestination("stranger-0", 100)));

    assertThatThrownBy(
            () -> IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, toStranger, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stranger-0");
  }

  @Test
  void aPlanThatDoesNotExcludeAMemberWhoseNameCannotNameASubsetIsRefused() {
    assertThatThrownBy(
            () ->
                IstioRenderer.renderDestinationRule(TARGET, plan(List.of("Hippo_0"), null, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Hippo_0")
        .hasMessageContaining("DNS-1123");
  }

  @Test
  void membersWhoseNamesCannotNameASubsetAreExcluded() {
    String tooLong = "hippo-" + "x".repeat(58);
    assertThat(
            IstioRenderer.invalidSubsetNames(
                List.of("hippo-1", "hippo.2", "Hippo-3", "-hippo", tooLong, "x".repeat(63))))
        .extracting(Exclusion::member)
        .containsExactly("-hippo", "Hippo-3", tooLong, "hippo.2");
    assertThat(IstioRenderer.invalidSubsetNames(List.of("hippo.2")))
        .containsExactly(
            new Exclusion(
                "hippo.2",
                Exclusion.Cause.INVALID_SUBSET_NAME,
                "pod name is not a DNS-1123 label, so it cannot name an Istio subset"));
  }

  @Test
  void anExcludedMemberGetsNoSubsetAndTheRestIsRendered() {
    // hippo.4 cannot name a subset: the gating step leaves it out of the route, the renderer out
    // of the DestinationRule.
    List<String> members = List.of("hippo-0", "hippo-1", "hippo-2", "hippo-3", "hippo.4");
    Plan plan =
        new Plan(
            members,
            "hippo-0",
            Optional.of(WEIGHTED),
            false,
            null,
            List.of(),
            IstioRenderer.invalidSubsetNames(members));

    assertThat(IstioRenderer.renderDestinationRule(TARGET_WITHOUT_LIMIT, plan))
        .isEqualTo(expectedDestinationRule().build());
    assertThat(IstioRenderer.renderVirtualService(TARGET, plan))
        .contains(expectedVirtualService("hippo-1", 80, "hippo-2", 20, "hippo-3", 0));
  }

  @Test
  void aRouteToAnExcludedMemberIsRefused() {
    Plan plan =
        new Plan(
            MEMBERS,
            "hippo-0",
            Optional.of(WEIGHTED),
            false,
            null,
            List.of(),
            List.of(new Exclusion("hippo-2", Exclusion.Cause.INVALID_SUBSET_NAME, "test")));

    assertThatThrownBy(() -> IstioRenderer.renderVirtualService(TARGET, plan))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hippo-2");
  }

  @Test
  void aMemberThatCannotNameASubsetNoLongerStopsTheWholeGate() {
    // The tick as the controller runs it: exclusions, step, render.
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    ClusterSnapshot snapshot =
        ClusterSnapshot.of(
            List.of(
                MemberSample.leader("hippo-0", 1, 1000),
                MemberSample.replica("hippo-1", 1, 1000, 1000, now),
                MemberSample.replica("hippo.2", 1, 1000, 1000, now)),
            now);
    List<Exclusion> excluded = IstioRenderer.invalidSubsetNames(snapshot.samples().keySet());
    GateState state = GateState.empty();
    Plan plan = null;
    for (int s = 0; s <= 200; s += 10) {
      StepResult step =
          GatingStep.step(state, snapshot, excluded, GatePolicy.defaults(), now.plusSeconds(s));
      state = step.state();
      plan = step.plan();
    }

    assertThat(state.replicas().get("hippo-1").phase()).isEqualTo(Phase.SERVING);
    assertThat(state.replicas().get("hippo.2").phase()).isEqualTo(Phase.GATED);
    assertThat(IstioRenderer.renderDestinationRule(TARGET, plan).getSpec().getSubsets())
        .extracting(Subset::getName)
        .containsExactly("hippo-0", "hippo-1");
    assertThat(IstioRenderer.renderVirtualService(TARGET, plan).orElseThrow())
        .isEqualTo(expectedVirtualService("hippo-1", 100));
  }

  @Test
  void badTargetsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new MeshTarget("db", "g", "u", HOST, 0, POD_LABEL, null))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> new MeshTarget("db", "g", "u", " ", 5432, POD_LABEL, null))
        .hasMessageContaining("host");
    assertThatThrownBy(() -> new MeshTarget("db", "g", "u", HOST, 5432, POD_LABEL, Duration.ZERO))
        .hasMessageContaining("maxConnectionDuration");
    assertThatThrownBy(() -> new MeshTarget("db", "g", null, HOST, 5432, POD_LABEL, null))
        .hasMessageContaining("gateUid");
  }
}
