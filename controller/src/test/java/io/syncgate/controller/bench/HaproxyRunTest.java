package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyRunTest {

  @Test
  void everyMemberIsCheckedWithGetPatroniAtTheIntervalOneBackendPerCluster() {
    String config =
        HaproxyRun.config(
            List.of(List.of("127.9.0.2", "127.9.0.3"), List.of("127.9.0.4")),
            8008,
            Duration.ofSeconds(1),
            "/run/bench/haproxy.sock");

    assertThat(config)
        .contains("backend cluster-00000\n", "backend cluster-00001\n")
        .contains("    server m0 127.9.0.2:8008 check\n")
        .contains("    server m1 127.9.0.3:8008 check\n")
        .contains("    server m0 127.9.0.4:8008 check\n")
        .contains("frontend unused\n    bind unix@/run/bench/haproxy.sock\n")
        .doesNotContain("http-reuse");
    assertThat(config.split("option httpchk GET /patroni\n", -1)).hasSize(3);
    assertThat(config.split("default-server inter 1000ms ", -1)).hasSize(3);
  }
}
