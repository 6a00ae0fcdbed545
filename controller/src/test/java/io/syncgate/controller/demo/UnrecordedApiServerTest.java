package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.embedded.EmbeddedApiServer;
import org.junit.jupiter.api.Test;

/**
 * The demo's API server keeps no record of requests (a {@code --follow} run would otherwise grow
 * without bound), while a test's server records them.
 */
class UnrecordedApiServerTest {

  @Test
  void anUnrecordedServerServesButKeepsNoRequests() {
    try (EmbeddedApiServer api = EmbeddedApiServer.startUnrecorded()) {
      for (int i = 0; i < 20; i++) {
        api.admin()
            .pods()
            .inNamespace("db")
            .resource(DemoRun.pod("hippo-" + i, "127.0.0.2", i == 0))
            .create();
      }

      assertThat(api.admin().pods().inNamespace("db").list().getItems()).hasSize(20);
      assertThat(api.requests()).isEmpty();
    }
  }

  @Test
  void aRecordingServerKeepsThem() {
    try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
      api.admin()
          .pods()
          .inNamespace("db")
          .resource(DemoRun.pod("hippo-0", "127.0.0.2", true))
          .create();

      assertThat(api.writesTo("/namespaces/db/pods")).hasSize(1);
    }
  }
}
