package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.TestGates.GATE;
import static io.syncgate.controller.kube.TestGates.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import io.syncgate.policy.mesh.IstioRenderer;
import io.syncgate.policy.mesh.MeshTarget;
import io.syncgate.policy.status.WriteResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The VirtualService writer against the mock API server: each outcome, and when it sends nothing.
 */
class OwnedObjectWriterIT {

  @RegisterExtension final ApiServerFixture kube = new ApiServerFixture();

  private static final String PATH =
      "/apis/networking.istio.io/v1/namespaces/" + NAMESPACE + "/virtualservices/" + GATE;
  private static final MeshTarget TARGET =
      new MeshTarget(NAMESPACE, GATE, "uid-1", TestGates.HOST, 5432, "pod", null);

  private final EmbeddedApiServer api = kube.api();
  private final OwnedObjectWriter<VirtualService> writer =
      OwnedObjectWriter.virtualServices(kube.client(), kube.worker());

  private static VirtualService rendered(int weightA) {
    Plan plan =
        new Plan(
            List.of("a", "b", "leader"),
            "leader",
            Optional.of(
                new Route(
                    List.of(
                        new RouteDestination("a", weightA),
                        new RouteDestination("b", 100 - weightA)))),
            false,
            null,
            List.of());
    return IstioRenderer.renderVirtualService(TARGET, plan).orElseThrow();
  }

  private VirtualService live() {
    return TestGates.virtualService(api.admin());
  }

  private WriteOutcome<VirtualService> reconcile(VirtualService desired, VirtualService cached) {
    return Await.result(writer.reconcile(desired, cached));
  }

  @Test
  void createsWhatIsMissingUpdatesWhatDiffersAndSendsNothingWhenTheCacheMatches() {
    WriteOutcome<VirtualService> created = reconcile(rendered(50), null);
    assertThat(created.result()).isEqualTo(WriteResult.CREATED);
    assertThat(live().getMetadata().getLabels())
        .containsEntry(IstioRenderer.MANAGED_BY_LABEL, IstioRenderer.MANAGED_BY_VALUE);
    assertThat(live().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-1"));

    int requests = api.requests().size();
    WriteOutcome<VirtualService> noop = reconcile(rendered(50), live());
    assertThat(noop.result()).isEqualTo(WriteResult.NOOP);
    // One GET by this test's live() above; the writer itself sent nothing.
    assertThat(api.requests()).hasSize(requests + 1);

    VirtualService cached = live();
    requests = api.requests().size();
    WriteOutcome<VirtualService> updated = reconcile(rendered(80), cached);
    assertThat(updated.result()).isEqualTo(WriteResult.UPDATED);
    // Updated from the cached copy and its resourceVersion: one PUT, no read first.
    assertThat(api.requests().subList(requests, api.requests().size()))
        .extracting(r -> r.getMethod())
        .containsExactly("PUT");
    assertThat(TestGates.weightsOf(live()).get("a")).isEqualTo(80);
    assertThat(
            TestGates.weightsOf(((WriteOutcome.Updated<VirtualService>) updated).before()).get("a"))
        .isEqualTo(50);
  }

  @Test
  void aStaleCacheCostsOneRefusedUpdateThenTheObjectIsReadAndNothingIsLost() {
    VirtualService stale = reconcile(rendered(50), null).live().orElseThrow();
    reconcile(rendered(80), stale);
    int writes = api.writesTo("/virtualservices").size();

    // The cache still says 50 with the old resourceVersion; the live object already says 80.
    WriteOutcome<VirtualService> again = reconcile(rendered(80), stale);

    assertThat(again.result()).isEqualTo(WriteResult.NOOP);
    List<RecordedRequest> sent = api.writesTo("/virtualservices");
    assertThat(sent).hasSize(writes + 1);
    assertThat(api.statusOf(sent.get(sent.size() - 1))).isEqualTo(409);
    assertThat(TestGates.weightsOf(live()).get("a")).isEqualTo(80);

    // And when the live object differs from what the stale cache was built on, the read one is
    // updated.
    WriteOutcome<VirtualService> back = reconcile(rendered(30), stale);
    assertThat(back.result()).isEqualTo(WriteResult.UPDATED);
    assertThat(TestGates.weightsOf(live()).get("a")).isEqualTo(30);
  }

  @Test
  void aCachedObjectDeletedMeanwhileIsCreatedAgain() {
    VirtualService cached = reconcile(rendered(50), null).live().orElseThrow();
    api.admin()
        .adapt(IstioClient.class)
        .v1()
        .virtualServices()
        .inNamespace(NAMESPACE)
        .withName(GATE)
        .delete();

    WriteOutcome<VirtualService> again = reconcile(rendered(80), cached);

    assertThat(again.result()).isEqualTo(WriteResult.CREATED);
    assertThat(TestGates.weightsOf(live()).get("a")).isEqualTo(80);
  }

  @Test
  void a409IsAConflictAndTheNextAttemptSucceeds() {
    reconcile(rendered(50), null);
    api.expect().put().withPath(PATH).andReturn(409, "{\"kind\":\"Status\",\"code\":409}").once();

    WriteOutcome<VirtualService> conflict = reconcile(rendered(80), null);
    assertThat(conflict.result()).isEqualTo(WriteResult.CONFLICT);
    assertThat(TestGates.weightsOf(live()).get("a")).isEqualTo(50);

    assertThat(reconcile(rendered(80), null).result()).isEqualTo(WriteResult.UPDATED);
  }

  @Test
  void aRefusedWriteIsAnErrorNotAnException() {
    reconcile(rendered(50), null);
    // RBAC without update on virtualservices. (fabric8 retries 5xx itself, so take a 403.)
    api.expect().put().withPath(PATH).andReturn(403, "{\"kind\":\"Status\",\"code\":403}").once();

    WriteOutcome<VirtualService> error = reconcile(rendered(80), null);

    assertThat(error.result()).isEqualTo(WriteResult.ERROR);
    assertThat(error.message()).contains("updating VirtualService db/hippo-reads");
  }

  @Test
  void aForeignObjectIsNeverOverwrittenWhetherCachedOrRead() {
    VirtualService foreign =
        api.admin()
            .adapt(IstioClient.class)
            .v1()
            .virtualServices()
            .inNamespace(NAMESPACE)
            .resource(TestGates.foreignVirtualService())
            .create();

    assertThat(reconcile(rendered(50), foreign).result()).isEqualTo(WriteResult.NOT_OWNED);
    WriteOutcome<VirtualService> read = reconcile(rendered(50), null);
    assertThat(read.result()).isEqualTo(WriteResult.NOT_OWNED);
    assertThat(read.message()).contains("not managed by syncgate");
    assertThat(api.writesTo("/virtualservices")).hasSize(1); // the test's own create
    assertThat(live().getSpec()).isEqualTo(foreign.getSpec());
  }

  @Test
  void anObjectControlledBySomethingElseIsNotOursEvenWithOurLabel() {
    VirtualService desired = rendered(50);
    VirtualService hijacked =
        new VirtualServiceBuilder(desired)
            .editMetadata()
            .withOwnerReferences(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName("other")
                    .withUid("uid-x")
                    .withController(true)
                    .build())
            .endMetadata()
            .editSpec()
            .withHosts("elsewhere")
            .endSpec()
            .build();
    api.admin()
        .adapt(IstioClient.class)
        .v1()
        .virtualServices()
        .inNamespace(NAMESPACE)
        .resource(hijacked)
        .create();

    assertThat(reconcile(desired, null).result()).isEqualTo(WriteResult.NOT_OWNED);
    assertThat(live().getSpec().getHosts()).containsExactly("elsewhere");
  }
}
