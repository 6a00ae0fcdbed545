package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.istio.client.IstioClient;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server with recording off keeps no requests, and the observer sees each one with
 * the body it carried.
 */
class ApiTrafficIT {

  @Test
  void recordingOffKeepsNothingWhileTheObserverSeesEveryRequestWithItsBody() {
    ApiTraffic traffic = new ApiTraffic();
    try (EmbeddedApiServer api = EmbeddedApiServer.start(false, traffic)) {
      traffic.drain(); // the CRDs registered at start
      VirtualService vs =
          new VirtualServiceBuilder()
              .withNewMetadata()
              .withNamespace("bench")
              .withName("pg-00000")
              .endMetadata()
              .withNewSpec()
              .addToHosts("pg-00000-replicas")
              .endSpec()
              .build();
      IstioClient istio = api.admin().adapt(IstioClient.class);
      istio.v1().virtualServices().inNamespace("bench").resource(vs).create();
      VirtualService live =
          istio.v1().virtualServices().inNamespace("bench").withName("pg-00000").get();
      live.getSpec().setHosts(List.of("pg-00000-readers"));
      istio.v1().virtualServices().inNamespace("bench").resource(live).update();

      List<ApiTraffic.Request> seen = traffic.drain();

      assertThat(seen)
          .extracting(ApiTraffic.Request::kind)
          .containsExactly(
              ApiTraffic.Kind.VIRTUAL_SERVICE_WRITE,
              ApiTraffic.Kind.READ,
              ApiTraffic.Kind.VIRTUAL_SERVICE_WRITE);
      assertThat(seen).extracting(ApiTraffic.Request::status).containsExactly(201, 200, 200);
      assertThat(new String(seen.get(2).body(), StandardCharsets.UTF_8))
          .contains("pg-00000-readers");
      assertThat(seen.get(1).body()).isNull();
      assertThat(api.requests()).isEmpty();
      assertThat(traffic.serverThreads())
          .isNotEmpty()
          .doesNotContain(Thread.currentThread().getId());
    }
  }

  @Test
  void recordingStaysOnByDefault() {
    try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
      api.admin().pods().inNamespace("bench").list();
      assertThat(api.requests()).isNotEmpty();
    }
  }
}
