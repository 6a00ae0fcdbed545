package io.syncgate.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrometheusServerTest {

  @Test
  void aMissingBinaryFailsSayingHowToInstallIt() {
    assertThatThrownBy(() -> PrometheusServer.requireBinary(Path.of("/nonexistent/prometheus")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the analysis tests run a real Prometheus and need /nonexistent/prometheus (Debian"
                + " package prometheus): run scripts/install-deps.sh (CI installs it)");
  }

  @Test
  void theConfigurationScrapesEveryTargetEverySecond() {
    assertThat(PrometheusServer.config("127.0.0.1:9100", "127.0.0.1:9101"))
        .isEqualTo(
            """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: exporter
                static_configs:
                  - targets: ['127.0.0.1:9100', '127.0.0.1:9101']
            """);
  }

  @Test
  void onlyLoopbackTargets() {
    assertThatThrownBy(() -> PrometheusServer.start("10.0.0.1:9100"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("loopback targets only, not 10.0.0.1:9100");
  }
}
