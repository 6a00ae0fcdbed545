package io.syncgate.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.embedded.MemberPods;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared route check finds weight where nothing answers, and only there. */
class RouteEndpointCheckTest {

  private final EmbeddedApiServer api = EmbeddedApiServer.start();
  private final KubernetesClient admin = api.admin();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void weightOnAPodThatIsNoReadyEndpointIsAViolationAndWeightZeroIsNot() {
    Pod ready = pod("pg-1", "127.0.0.11");
    Pod notReady = pod("pg-2", "127.0.0.12");
    slice("pg-replicas", ready, true);
    slice("pg-replicas", notReady, false);

    write(route("pg-1", 100, "pg-2", 0));
    assertThat(check().violations()).isEmpty();

    write(route("pg-1", 50, "pg-2", 50));
    RouteEndpointCheck.Report report = check();
    assertThat(report.routes()).isEqualTo(2);
    assertThat(report.weightWithoutEndpoint()).isEqualTo(50);
    assertThat(report.shareWithoutEndpoint()).isEqualTo(0.25);
    assertThat(report.violations()).singleElement().asString().contains("subset pg-2");
    assertThatThrownBy(report::assertNone).hasMessageContaining("without a ready endpoint");
  }

  @Test
  void aDestinationWithoutSubsetNeedsAReadyEndpointOfItsOwnService() {
    Pod leader = pod("pg-0", "127.0.0.10");
    VirtualService toPrimary =
        new VirtualServiceBuilder(route("pg-1", 0))
            .editSpec()
            .editFirstTcp()
            .addNewRoute()
            .withNewDestination()
            .withHost("pg-ha.db.svc.cluster.local")
            .withNewPort(5432L)
            .endDestination()
            .withWeight(100)
            .endRoute()
            .endTcp()
            .endSpec()
            .build();

    write(toPrimary);
    assertThat(check().violations()).hasSize(1);

    slice("pg-ha", leader, true);
    long from = System.nanoTime();
    write(toPrimary);
    assertThat(check(from).violations()).as("the same route once pg-ha has an endpoint").isEmpty();
  }

  private RouteEndpointCheck.Report check() {
    return RouteEndpointCheck.check(api, admin.getKubernetesSerialization());
  }

  /** Only the routes written from {@code fromNanos} on. */
  private RouteEndpointCheck.Report check(long fromNanos) {
    return RouteEndpointCheck.check(
        api, admin.getKubernetesSerialization(), fromNanos, Long.MAX_VALUE);
  }

  private Pod pod(String name, String ip) {
    return admin
        .pods()
        .inNamespace("db")
        .resource(MemberPods.running("db", name, ip, Map.of("app", "pg")))
        .create();
  }

  private void slice(String service, Pod pod, boolean ready) {
    admin
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("db")
        .resource(MemberPods.readyEndpoint(service, pod, ready))
        .create();
  }

  private void write(VirtualService vs) {
    var vss = admin.adapt(IstioClient.class).v1().virtualServices().inNamespace("db");
    VirtualService live = vss.withName("pg-reads").get();
    if (live == null) {
      vss.resource(vs).create();
    } else {
      // A PUT of the whole object, as the controller writes it.
      vss.resource(new VirtualServiceBuilder(vs).withMetadata(live.getMetadata()).build()).update();
    }
  }

  /** A route on the read host pg-replicas: subset, weight, subset, weight... */
  private static VirtualService route(Object... subsetsAndWeights) {
    var tcp = new io.fabric8.istio.api.api.networking.v1alpha3.TCPRouteBuilder();
    for (int i = 0; i < subsetsAndWeights.length; i += 2) {
      tcp.addNewRoute()
          .withNewDestination()
          .withHost("pg-replicas.db.svc.cluster.local")
          .withSubset((String) subsetsAndWeights[i])
          .withNewPort(5432L)
          .endDestination()
          .withWeight((Integer) subsetsAndWeights[i + 1])
          .endRoute();
    }
    return new VirtualServiceBuilder()
        .withNewMetadata()
        .withNamespace("db")
        .withName("pg-reads")
        .endMetadata()
        .withNewSpec()
        .withHosts("pg-replicas.db.svc.cluster.local")
        .withTcp(tcp.build())
        .endSpec()
        .build();
  }
}
