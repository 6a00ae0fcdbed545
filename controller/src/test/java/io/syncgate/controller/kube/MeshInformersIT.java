package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.DR_PATH;
import static io.syncgate.controller.kube.ControllerHarness.NAMESPACE;
import static io.syncgate.controller.kube.ControllerHarness.VS_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.DestinationRuleBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the controller asks the API server for about mesh objects: its DestinationRule and
 * VirtualService informers list and watch only the objects labelled as syncgate's, and the only
 * other collection read is the list of the VirtualServices it does not manage (for the host check).
 * So it never caches every mesh object of the cluster.
 */
class MeshInformersIT {

  static final String MANAGED = "labelSelector=app.kubernetes.io/managed-by=syncgate";
  static final String NOT_MANAGED = "labelSelector=app.kubernetes.io/managed-by!=syncgate";

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void theControllerListsAndWatchesOnlyTheMeshObjectsItManages() {
    // Someone else's objects in the watched namespace, which the controller must not cache.
    h.istio()
        .v1()
        .destinationRules()
        .inNamespace(NAMESPACE)
        .resource(
            new DestinationRuleBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withHost("web")
                .endSpec()
                .build())
        .create();
    h.servingCluster(2, spec -> {});

    List<String> drReads = collectionReads(DR_PATH);
    List<String> vsReads = collectionReads(VS_PATH);
    System.out.printf(
        "MeshInformersIT: DestinationRule collection reads %s%nVirtualService collection reads %s%n",
        drReads, vsReads);

    assertThat(drReads)
        .as("the DestinationRule informer's list and watch")
        .isNotEmpty()
        .allSatisfy(query -> assertThat(query).contains(MANAGED));
    assertThat(drReads).anySatisfy(query -> assertThat(query).contains("watch=true"));
    assertThat(vsReads)
        .as("the VirtualService informer's list and watch, and the foreign routes' list")
        .allSatisfy(query -> assertThat(query).containsAnyOf(MANAGED, NOT_MANAGED));
    assertThat(vsReads)
        .anySatisfy(query -> assertThat(query).contains(MANAGED).contains("watch=true"));
    assertThat(vsReads)
        .anySatisfy(query -> assertThat(query).contains(NOT_MANAGED).doesNotContain("watch"));
    assertThat(vsReads)
        .noneSatisfy(query -> assertThat(query).contains(NOT_MANAGED).contains("watch"));
  }

  /** The decoded paths of the controller's GETs of a whole collection (list or watch). */
  private List<String> collectionReads(String collection) {
    return h.requests().stream()
        .filter(MeshInformersIT::byController)
        .filter(r -> "GET".equals(r.getMethod()))
        .map(RecordedRequest::getPath)
        .filter(path -> path.startsWith(collection + "?") || path.equals(collection))
        .map(path -> URLDecoder.decode(path, StandardCharsets.UTF_8))
        .toList();
  }

  static boolean byController(RecordedRequest request) {
    String agent = request.getHeader("User-Agent");
    return agent != null && agent.startsWith("syncgate-test/");
  }
}
