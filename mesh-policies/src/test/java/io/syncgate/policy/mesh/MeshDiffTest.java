package io.syncgate.policy.mesh;

import static io.syncgate.policy.mesh.IstioRendererTest.MEMBERS;
import static io.syncgate.policy.mesh.IstioRendererTest.PRIMARY_FALLBACK;
import static io.syncgate.policy.mesh.IstioRendererTest.TARGET;
import static io.syncgate.policy.mesh.IstioRendererTest.WEIGHTED;
import static io.syncgate.policy.mesh.IstioRendererTest.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.api.meta.v1alpha1.IstioStatusBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.SubsetBuilder;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.DestinationRuleBuilder;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshDiffTest {

  static final VirtualService DESIRED_VS =
      IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, WEIGHTED, false)).orElseThrow();
  static final DestinationRule DESIRED_DR =
      IstioRenderer.renderDestinationRule(TARGET, plan(MEMBERS, WEIGHTED, false));

  static final OwnerReference FOREIGN_OWNER =
      new OwnerReferenceBuilder()
          .withApiVersion("argoproj.io/v1alpha1")
          .withKind("Application")
          .withName("db-stack")
          .withUid("uid-argo")
          .build();

  /** What the API server hands back: our object plus server-set fields and other people's marks. */
  static <T extends HasMetadata> T asServerReturnsIt(T desired, Class<T> type) {
    T live = Serialization.unmarshal(Serialization.asJson(desired), type);
    ObjectMeta meta = live.getMetadata();
    meta.setResourceVersion("4711");
    meta.setUid("uid-of-the-object");
    meta.setGeneration(3L);
    meta.setCreationTimestamp("2026-11-28T16:00:00Z");
    meta.setManagedFields(
        List.of(
            new ManagedFieldsEntryBuilder()
                .withManager("syncgate")
                .withOperation("Update")
                .build()));
    meta.getLabels().put("team", "dba");
    meta.setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"));
    return live;
  }

  static VirtualService liveVs() {
    VirtualService live = asServerReturnsIt(DESIRED_VS, VirtualService.class);
    live.setStatus(new IstioStatusBuilder().withObservedGeneration(3L).build());
    return live;
  }

  static DestinationRule liveDr() {
    DestinationRule live = asServerReturnsIt(DESIRED_DR, DestinationRule.class);
    live.setStatus(new IstioStatusBuilder().withObservedGeneration(3L).build());
    return live;
  }

  // --- sameSpec

  @Test
  void serverSetFieldsAndForeignMarksAreNoDifference() {
    assertThat(MeshDiff.sameSpec(DESIRED_VS, liveVs())).isTrue();
    assertThat(MeshDiff.sameSpec(DESIRED_DR, liveDr())).isTrue();
  }

  @Test
  void aWeightChangeIsADifference() {
    VirtualService moved =
        IstioRenderer.renderVirtualService(
                TARGET,
                plan(
                    MEMBERS,
                    new Route(
                        List.of(
                            new RouteDestination("hippo-1", 79),
                            new RouteDestination("hippo-2", 21),
                            new RouteDestination("hippo-3", 0))),
                    false))
            .orElseThrow();

    assertThat(MeshDiff.sameSpec(moved, liveVs())).isFalse();
  }

  @Test
  void aSubsetChangeIsADifference() {
    VirtualService otherSubset =
        IstioRenderer.renderVirtualService(
                TARGET,
                plan(
                    MEMBERS,
                    new Route(
                        List.of(
                            new RouteDestination("hippo-1", 80),
                            new RouteDestination("hippo-2", 20),
                            new RouteDestination("hippo-0", 0))),
                    false))
            .orElseThrow();
    DestinationRule memberGone =
        IstioRenderer.renderDestinationRule(
            TARGET, plan(List.of("hippo-0", "hippo-1", "hippo-2"), null, false));

    assertThat(MeshDiff.sameSpec(otherSubset, liveVs())).isFalse();
    assertThat(MeshDiff.sameSpec(memberGone, liveDr())).isFalse();
  }

  @Test
  void aHostChangeIsADifference() {
    MeshTarget moved =
        new MeshTarget(
            "db",
            "hippo-reads",
            "uid-42",
            "hippo-ro.db.svc.cluster.local",
            5432,
            IstioRendererTest.POD_LABEL,
            TARGET.maxConnectionDuration());

    assertThat(
            MeshDiff.sameSpec(
                IstioRenderer.renderVirtualService(moved, plan(MEMBERS, WEIGHTED, false))
                    .orElseThrow(),
                liveVs()))
        .isFalse();
    assertThat(
            MeshDiff.sameSpec(
                IstioRenderer.renderDestinationRule(moved, plan(MEMBERS, WEIGHTED, false)),
                liveDr()))
        .isFalse();
  }

  @Test
  void aLostLabelOrOwnerReferenceIsADifference() {
    VirtualService unlabelled = liveVs();
    unlabelled.getMetadata().getLabels().remove(IstioRenderer.GATE_LABEL);
    DestinationRule orphaned = liveDr();
    orphaned.getMetadata().setOwnerReferences(List.of());

    assertThat(MeshDiff.sameSpec(DESIRED_VS, unlabelled)).isFalse();
    assertThat(MeshDiff.sameSpec(DESIRED_DR, orphaned)).isFalse();
  }

  @Test
  void aForeignOwnerReferenceBesideOursIsNoDifference() {
    VirtualService live = liveVs();
    live.getMetadata()
        .setOwnerReferences(List.of(FOREIGN_OWNER, IstioRenderer.ownerReference(TARGET)));

    assertThat(MeshDiff.sameSpec(DESIRED_VS, live)).isTrue();
  }

  // --- forUpdate

  @Test
  void forUpdateKeepsLiveMetadataAndReplacesTheSpec() {
    VirtualService live =
        new VirtualServiceBuilder(liveVs())
            .editSpec()
            .withHosts("old-host.db.svc.cluster.local")
            .endSpec()
            .editMetadata()
            .addToLabels(IstioRenderer.GATE_LABEL, "someone-renamed-it")
            .endMetadata()
            .build();
    VirtualService liveBefore = Serialization.clone(live);

    VirtualService expected =
        new VirtualServiceBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName("hippo-reads")
                    .withNamespace("db")
                    .withResourceVersion("4711")
                    .withUid("uid-of-the-object")
                    .withGeneration(3L)
                    .withCreationTimestamp("2026-11-28T16:00:00Z")
                    .withManagedFields(
                        new ManagedFieldsEntryBuilder()
                            .withManager("syncgate")
                            .withOperation("Update")
                            .build())
                    .withLabels(
                        Map.of(
                            "app.kubernetes.io/managed-by",
                            "syncgate",
                            "syncgate.io/gate",
                            "hippo-reads",
                            "team",
                            "dba"))
                    .withAnnotations(
                        Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"))
                    .withOwnerReferences(IstioRenderer.ownerReference(TARGET))
                    .build())
            .withSpec(DESIRED_VS.getSpec())
            .withStatus(new IstioStatusBuilder().withObservedGeneration(3L).build())
            .build();

    VirtualService toWrite = MeshDiff.forUpdate(live, DESIRED_VS);

    assertThat(toWrite).isEqualTo(expected);
    assertThat(MeshDiff.sameSpec(DESIRED_VS, toWrite)).isTrue();
    assertThat(live).as("the live object (maybe an informer's) is untouched").isEqualTo(liveBefore);
  }

  @Test
  void forUpdateOfADestinationRuleReplacesTheSubsets() {
    DestinationRule live =
        new DestinationRuleBuilder(liveDr())
            .editSpec()
            .addToSubsets(
                new SubsetBuilder()
                    .withName("hippo-9")
                    .withLabels(Map.of(IstioRendererTest.POD_LABEL, "hippo-9"))
                    .build())
            .endSpec()
            .build();

    DestinationRule toWrite = MeshDiff.forUpdate(live, DESIRED_DR);

    assertThat(toWrite.getSpec()).isEqualTo(DESIRED_DR.getSpec());
    assertThat(toWrite.getMetadata().getResourceVersion()).isEqualTo("4711");
    assertThat(toWrite.getMetadata().getLabels()).containsEntry("team", "dba");
    assertThat(MeshDiff.sameSpec(DESIRED_DR, live)).isFalse();
    assertThat(MeshDiff.sameSpec(DESIRED_DR, toWrite)).isTrue();
  }

  @Test
  void forUpdateReplacesTheReferenceToAnEarlierGateOfTheSameNameAndKeepsForeignOnes() {
    OwnerReference earlierGate =
        new OwnerReferenceBuilder(IstioRenderer.ownerReference(TARGET)).withUid("uid-old").build();
    VirtualService live = liveVs();
    live.getMetadata().setOwnerReferences(List.of(earlierGate, FOREIGN_OWNER));

    VirtualService toWrite = MeshDiff.forUpdate(live, DESIRED_VS);

    assertThat(toWrite.getMetadata().getOwnerReferences())
        .containsExactly(IstioRenderer.ownerReference(TARGET), FOREIGN_OWNER);
    assertThat(MeshDiff.sameSpec(DESIRED_VS, live)).isFalse();
    assertThat(MeshDiff.sameSpec(DESIRED_VS, toWrite)).isTrue();
  }

  @Test
  void forUpdateRefusesAnObjectThatIsNotOurs() {
    VirtualService unmanaged = liveVs();
    unmanaged.getMetadata().setLabels(Map.of("team", "dba"));
    VirtualService controlledByOthers = liveVs();
    controlledByOthers
        .getMetadata()
        .setOwnerReferences(
            List.of(new OwnerReferenceBuilder(FOREIGN_OWNER).withController(true).build()));
    VirtualService otherName = liveVs();
    otherName.getMetadata().setName("other");

    assertThatThrownBy(() -> MeshDiff.forUpdate(unmanaged, DESIRED_VS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not managed by syncgate");
    assertThatThrownBy(() -> MeshDiff.forUpdate(controlledByOthers, DESIRED_VS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("controlled by Application db-stack");
    assertThatThrownBy(() -> MeshDiff.forUpdate(otherName, DESIRED_VS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("db/hippo-reads");
  }

  // --- managedBySyncgate

  @Test
  void managedBySyncgateReadsTheLabel() {
    assertThat(MeshDiff.managedBySyncgate(DESIRED_VS)).isTrue();
    assertThat(MeshDiff.managedBySyncgate(DESIRED_DR)).isTrue();
    assertThat(
            MeshDiff.managedBySyncgate(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("x")
                    .addToLabels("app.kubernetes.io/managed-by", "helm")
                    .endMetadata()
                    .build()))
        .isFalse();
    assertThat(
            MeshDiff.managedBySyncgate(
                new ConfigMapBuilder().withNewMetadata().endMetadata().build()))
        .isFalse();
    assertThat(MeshDiff.managedBySyncgate(new VirtualService())).isFalse();
  }

  // --- routeOf

  @Test
  void routeOfReadsBackWhatWasRendered() {
    VirtualService fallback =
        IstioRenderer.renderVirtualService(TARGET, plan(MEMBERS, PRIMARY_FALLBACK, true))
            .orElseThrow();

    assertThat(MeshDiff.routeOf(liveVs(), 5432)).contains(WEIGHTED);
    assertThat(MeshDiff.routeOf(fallback, 5432)).contains(PRIMARY_FALLBACK);
  }

  @Test
  void routeOfRejectsWeightsThatDoNotSumTo100() {
    VirtualService live = liveVs();
    live.getSpec().getTcp().get(0).getRoute().get(0).setWeight(79);

    assertThat(MeshDiff.routeOf(live, 5432)).isEmpty();
  }

  @Test
  void routeOfReadsAnAbsentWeightAsZero() {
    VirtualService live = liveVs();
    live.getSpec().getTcp().get(0).getRoute().get(2).setWeight(null);

    assertThat(MeshDiff.routeOf(live, 5432)).contains(WEIGHTED);
  }

  @Test
  void routeOfRejectsShapesWeDoNotRender() {
    VirtualService otherPort = liveVs();
    VirtualService withHttp =
        new VirtualServiceBuilder(liveVs())
            .editSpec()
            .withHttp(new HTTPRouteBuilder().withName("web").build())
            .endSpec()
            .build();
    VirtualService twoTcpRoutes =
        new VirtualServiceBuilder(liveVs())
            .editSpec()
            .addToTcp(liveVs().getSpec().getTcp().get(0))
            .endSpec()
            .build();
    VirtualService narrowerMatch = liveVs();
    narrowerMatch.getSpec().getTcp().get(0).getMatch().get(0).setSourceNamespace("apps");
    VirtualService noSubset = liveVs();
    noSubset.getSpec().getTcp().get(0).getRoute().get(0).getDestination().setSubset(null);
    VirtualService sameSubsetTwice = liveVs();
    sameSubsetTwice
        .getSpec()
        .getTcp()
        .get(0)
        .getRoute()
        .get(2)
        .getDestination()
        .setSubset("hippo-1");
    VirtualService otherDestinationPort = liveVs();
    otherDestinationPort
        .getSpec()
        .getTcp()
        .get(0)
        .getRoute()
        .get(0)
        .getDestination()
        .getPort()
        .setNumber(6432L);

    assertThat(MeshDiff.routeOf(otherPort, 6432)).isEmpty();
    assertThat(MeshDiff.routeOf(withHttp, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(twoTcpRoutes, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(narrowerMatch, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(noSubset, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(sameSubsetTwice, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(otherDestinationPort, 5432)).isEmpty();
    assertThat(MeshDiff.routeOf(new VirtualService(), 5432)).isEmpty();
  }

  @Test
  void theDestinationRuleGoesFirstUnlessItDropsASubsetTheLiveRouteUses() {
    List<String> withoutHippo3 = List.of("hippo-0", "hippo-1", "hippo-2");
    Route withoutHippo3Route =
        new Route(
            List.of(new RouteDestination("hippo-1", 80), new RouteDestination("hippo-2", 20)));
    DestinationRule shrunk =
        IstioRenderer.renderDestinationRule(TARGET, plan(withoutHippo3, withoutHippo3Route, false));

    // New or unchanged subsets: the DestinationRule first, so the route never names a missing one.
    assertThat(MeshDiff.routeFirst(DESIRED_DR, true, null)).isFalse();
    assertThat(MeshDiff.routeFirst(DESIRED_DR, true, DESIRED_VS)).isFalse();
    // hippo-3 leaves the DestinationRule while the live route still names it: route first.
    assertThat(MeshDiff.routeFirst(shrunk, true, DESIRED_VS)).isTrue();
    // No route to write (nothing decided yet): only the DestinationRule, nothing to order.
    assertThat(MeshDiff.routeFirst(shrunk, false, DESIRED_VS)).isFalse();
  }

  @Test
  void foreignObjectsNamesEachObjectWithoutTheManagedByLabel() {
    VirtualService foreignVs =
        new VirtualServiceBuilder(DESIRED_VS)
            .editMetadata()
            .withLabels(Map.of())
            .endMetadata()
            .build();
    DestinationRule foreignDr =
        new DestinationRuleBuilder(DESIRED_DR)
            .editMetadata()
            .withLabels(Map.of())
            .endMetadata()
            .build();

    assertThat(MeshDiff.foreignObjects(null, null, "db", "hippo-reads")).isEmpty();
    assertThat(MeshDiff.foreignObjects(DESIRED_DR, DESIRED_VS, "db", "hippo-reads")).isEmpty();
    assertThat(MeshDiff.foreignObjects(DESIRED_DR, foreignVs, "db", "hippo-reads"))
        .contains(
            "VirtualService db/hippo-reads exists without label app.kubernetes.io/managed-by=syncgate;"
                + " syncgate does not overwrite objects it does not manage");
    assertThat(MeshDiff.foreignObjects(foreignDr, foreignVs, "db", "hippo-reads").orElseThrow())
        .startsWith(
            "DestinationRule db/hippo-reads and VirtualService db/hippo-reads exist without");
  }
}
