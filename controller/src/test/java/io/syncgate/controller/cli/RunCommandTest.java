package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.app.ControllerApp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code syncgate run}'s options and environment become the controller's settings. */
class RunCommandTest {

  private static ControllerApp.Settings settings(Map<String, String> env, String... args) {
    RunCommand command = new RunCommand();
    command.environment = env::get;
    new CommandLine(command).parseArgs(args);
    return command.settings("from-kubeconfig");
  }

  @Test
  void defaultsWatchAllNamespacesElectALeaderAndServeMetricsOn8080() {
    ControllerApp.Settings s = settings(Map.of());

    assertThat(s.controller().namespaces()).isEmpty();
    assertThat(s.controller().leaderElect()).isTrue();
    assertThat(s.controller().leaseName()).isEqualTo("syncgate-controller");
    assertThat(s.controller().leaseNamespace()).isEqualTo("from-kubeconfig");
    assertThat(s.metricsPort()).isEqualTo(8080);
    assertThat(s.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(s.controller().identity()).isNotBlank();
  }

  @Test
  void namespacesRepeatAndLeaderElectionCanBeTurnedOff() {
    ControllerApp.Settings s =
        settings(
            Map.of(),
            "--namespace",
            "db",
            "--namespace",
            "analytics",
            "--no-leader-elect",
            "--metrics-port",
            "9090",
            "--lease-name",
            "gate-keeper",
            "--lease-namespace",
            "ops");

    assertThat(s.controller().namespaces()).containsExactly("db", "analytics");
    assertThat(s.controller().leaderElect()).isFalse();
    assertThat(s.metricsPort()).isEqualTo(9090);
    assertThat(s.controller().leaseName()).isEqualTo("gate-keeper");
    assertThat(s.controller().leaseNamespace()).isEqualTo("ops");
  }

  @Test
  void podEnvironmentNamesTheLeaseNamespaceAndTheIdentity() {
    ControllerApp.Settings s =
        settings(Map.of("POD_NAMESPACE", "syncgate-system", "POD_NAME", "syncgate-7d9f-abcde"));

    assertThat(s.controller().leaseNamespace()).isEqualTo("syncgate-system");
    assertThat(s.controller().identity()).isEqualTo("syncgate-7d9f-abcde");
  }

  @Test
  void leaderElectCanBeSaidExplicitly() {
    assertThat(settings(Map.of(), "--leader-elect").controller().leaderElect()).isTrue();
  }

  @Test
  void shardsDefaultToOneAndNeedLeaderElection() {
    assertThat(settings(Map.of()).controller().shards().count()).isEqualTo(1);
    assertThat(settings(Map.of(), "--shards", "3").controller().shards().count()).isEqualTo(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> settings(Map.of(), "--shards", "2", "--no-leader-elect"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("leader election");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings(Map.of(), "--shards", "0"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--shards must be 1..");
  }
}
