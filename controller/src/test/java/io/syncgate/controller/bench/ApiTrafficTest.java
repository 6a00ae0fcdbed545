package io.syncgate.controller.bench;

import static io.syncgate.controller.bench.ApiTraffic.Kind.DESTINATION_RULE_WRITE;
import static io.syncgate.controller.bench.ApiTraffic.Kind.EVENT_WRITE;
import static io.syncgate.controller.bench.ApiTraffic.Kind.OTHER_WRITE;
import static io.syncgate.controller.bench.ApiTraffic.Kind.READ;
import static io.syncgate.controller.bench.ApiTraffic.Kind.STATUS_WRITE;
import static io.syncgate.controller.bench.ApiTraffic.Kind.VIRTUAL_SERVICE_WRITE;
import static io.syncgate.controller.bench.ApiTraffic.Kind.WATCH;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiTrafficTest {

  private static final String GATES = "/apis/syncgate.io/v1alpha1/namespaces/bench/replicagates";
  private static final String ISTIO = "/apis/networking.istio.io/v1/namespaces/bench";

  @Test
  void writesAreToldApartByWhatTheyChange() {
    assertThat(ApiTraffic.classify("PUT", GATES + "/pg-00001/status")).isEqualTo(STATUS_WRITE);
    assertThat(ApiTraffic.classify("PUT", GATES + "/pg-00001")).isEqualTo(OTHER_WRITE);
    assertThat(ApiTraffic.classify("POST", ISTIO + "/destinationrules"))
        .isEqualTo(DESTINATION_RULE_WRITE);
    assertThat(ApiTraffic.classify("PUT", ISTIO + "/destinationrules/pg-00001"))
        .isEqualTo(DESTINATION_RULE_WRITE);
    assertThat(ApiTraffic.classify("PUT", ISTIO + "/virtualservices/pg-00001"))
        .isEqualTo(VIRTUAL_SERVICE_WRITE);
    assertThat(ApiTraffic.classify("POST", "/api/v1/namespaces/bench/events"))
        .isEqualTo(EVENT_WRITE);
    assertThat(ApiTraffic.classify("PATCH", "/api/v1/namespaces/bench/events/pg-00001.1a2b"))
        .isEqualTo(EVENT_WRITE);
    assertThat(ApiTraffic.classify("POST", "/api/v1/namespaces/bench/pods")).isEqualTo(OTHER_WRITE);
  }

  @Test
  void readsAndWatchesAreNotWrites() {
    assertThat(ApiTraffic.classify("GET", ISTIO + "/virtualservices/pg-00001")).isEqualTo(READ);
    assertThat(ApiTraffic.classify("GET", GATES + "?resourceVersion=0")).isEqualTo(READ);
    assertThat(ApiTraffic.classify("GET", GATES + "?allowWatchBookmarks=true&watch=true"))
        .isEqualTo(WATCH);
    assertThat(READ.isWrite()).isFalse();
    assertThat(WATCH.isWrite()).isFalse();
    assertThat(STATUS_WRITE.isWrite()).isTrue();
    assertThat(OTHER_WRITE.isWrite()).isTrue();
  }
}
