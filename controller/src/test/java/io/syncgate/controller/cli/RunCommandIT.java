package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.syncgate.controller.demo.LoopbackSubnet;
import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.demo.SimulatedMember;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.kube.TestGates;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.Ports;
import io.syncgate.controller.testing.RouteEndpointCheck;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncgate run} as a separate JVM, configured only by a kubeconfig file pointing at the mock
 * API server: it elects itself, gates a simulated cluster, serves /healthz, /readyz and /metrics,
 * and releases its Lease on SIGTERM.
 */
class RunCommandIT {

  private static final String NAMESPACE = TestGates.NAMESPACE;
  private static final String GATE = TestGates.GATE;

  @TempDir Path dir;

  private final EmbeddedApiServer api = EmbeddedApiServer.start();
  private final Vertx simulatorVertx = Vertx.vertx();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private PatroniSimulator simulator;
  private Process process;

  @AfterEach
  void stop() {
    // Every route the controller wrote sent weight only where a ready endpoint could answer.
    RouteEndpointCheck.Report routes =
        RouteEndpointCheck.check(api, api.admin().getKubernetesSerialization());
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    if (simulator != null) {
      Await.result(simulator.close());
    }
    Await.result(simulatorVertx.close());
    api.close();
    routes.assertNone();
  }

  @Test
  void runGatesTheClusterOfTheKubeconfigServesMetricsAndReleasesTheLeaseOnSigterm()
      throws Exception {
    String subnet = "127.0." + LoopbackSubnet.pick(8, 8008) + ".";
    simulator =
        Await.result(
            PatroniSimulator.start(
                simulatorVertx,
                List.of(
                    SimulatedMember.leader("hippo-0", subnet + "2", 8008).setLocation(1 << 30),
                    SimulatedMember.replica("hippo-1", subnet + "3", 8008)
                        .setReceivedAndReplayed(1 << 30),
                    SimulatedMember.replica("hippo-2", subnet + "4", 8008)
                        .setReceivedAndReplayed(1 << 30)),
                PatroniSimulator.Mode.HTTP10_CLOSE));
    TestGates.createPod(api.admin(), "hippo-0", subnet + "2");
    TestGates.createPod(api.admin(), "hippo-1", subnet + "3");
    TestGates.createPod(api.admin(), "hippo-2", subnet + "4");
    // Nothing answers here: a member whose Patroni is unreachable.
    TestGates.createPod(api.admin(), "hippo-3", subnet + "9");
    api.admin()
        .resource(TestGates.gate(spec -> spec.getRamp().setSteps(List.of(50, 100))))
        .create();

    int port = Ports.free("127.0.0.1");
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(api.config().getMasterUrl()));
    Path log = dir.resolve("syncgate.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SyncgateCommand.class.getName(),
                "run",
                "--namespace",
                NAMESPACE,
                "--metrics-address",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(port),
                "--identity",
                "syncgate-under-test")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("KUBERNETES_"));
    env.put("KUBECONFIG", kubeconfig.toString());
    process = builder.start();

    String base = "http://127.0.0.1:" + port;
    Await.until(Duration.ofSeconds(30), "/healthz answers", () -> status(base + "/healthz") == 200);
    Await.until(Duration.ofSeconds(30), "/readyz ready", () -> status(base + "/readyz") == 200);
    Await.until(
        Duration.ofSeconds(20),
        "two replicas serving, the unreachable one at 0",
        () -> TestGates.weights(api.admin()),
        w -> w.equals(Map.of("hippo-1", 50, "hippo-2", 50, "hippo-3", 0)));

    String labels = "gate=\"" + GATE + "\",namespace=\"" + NAMESPACE + "\"";
    String serving1 =
        "syncgate_replica_phase{" + labels + ",phase=\"Serving\",replica=\"hippo-1\"} 1.0";
    String serving2 =
        "syncgate_replica_phase{" + labels + ",phase=\"Serving\",replica=\"hippo-2\"} 1.0";
    String metrics =
        Await.until(
            Duration.ofSeconds(10),
            "metrics with both replicas serving",
            () -> body(base + "/metrics"),
            // Counters grow with every tick: wait until enough ticks happened, do not race them.
            m ->
                m.contains(serving1)
                    && m.contains(serving2)
                    && value(m, "syncgate_patroni_poll_seconds_count{" + labels + "}") > 5
                    && value(m, "syncgate_tick_seconds_count{" + labels + "}") > 5);
    assertThat(metrics)
        .contains("syncgate_replica_weight{" + labels + ",replica=\"hippo-1\"} 50.0")
        .contains("syncgate_replica_weight{" + labels + ",replica=\"hippo-3\"} 0.0")
        .contains(
            "syncgate_replica_phase{" + labels + ",phase=\"Serving\",replica=\"hippo-2\"} 1.0")
        .contains("syncgate_replica_phase{" + labels + ",phase=\"Gated\",replica=\"hippo-2\"} 0.0")
        .contains(
            "syncgate_replica_phase{" + labels + ",phase=\"Unknown\",replica=\"hippo-3\"} 1.0")
        .contains("syncgate_replica_lag_bytes{" + labels + ",replica=\"hippo-1\"} 0.0")
        .doesNotContain("syncgate_replica_lag_bytes{" + labels + ",replica=\"hippo-3\"}")
        .contains(
            "syncgate_mesh_writes_total{gate=\"hippo-reads\",kind=\"VirtualService\","
                + "namespace=\"db\",result=\"created\"} 1.0")
        .contains("syncgate_patroni_poll_seconds_bucket{" + labels + ",le=");
    assertThat(value(metrics, "syncgate_patroni_poll_seconds_count{" + labels + "}"))
        .isGreaterThan(5);
    assertThat(value(metrics, "syncgate_tick_seconds_count{" + labels + "}")).isGreaterThan(5);
    assertThat(
            value(
                metrics,
                "syncgate_patroni_poll_errors_total{" + labels + ",reason=\"unreachable\"}"))
        .isGreaterThan(0);
    assertThat(
            value(
                metrics,
                "syncgate_mesh_writes_total{gate=\"hippo-reads\",kind=\"VirtualService\","
                    + "namespace=\"db\",result=\"noop\"}"))
        .isGreaterThan(0);

    Lease lease = api.admin().leases().inNamespace(NAMESPACE).withName("syncgate-controller").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("syncgate-under-test");

    process.destroy(); // SIGTERM: the shutdown hook stops the controller and releases the Lease
    long stopping = System.nanoTime();
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    System.out.printf(
        "RunCommandIT: exited %d ms after SIGTERM with %d%n",
        Duration.ofNanos(System.nanoTime() - stopping).toMillis(), process.exitValue());
    // fabric8 releases a Lease by letting it expire in a second, so a standby takes over at once.
    Lease released =
        api.admin().leases().inNamespace(NAMESPACE).withName("syncgate-controller").get();
    assertThat(released.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(output)
        .contains("acquired Lease db/syncgate-controller as syncgate-under-test")
        .contains("controller syncgate-under-test stopped")
        .doesNotContain("unclean shutdown")
        .doesNotContain("BlockedThreadChecker");
  }

  private int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String body(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static double value(String metrics, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
    assertThat(m.find()).as("series %s in /metrics", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static String kubeconfig(String server) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: mock",
        "  cluster:",
        "    server: " + server,
        "users:",
        "- name: test",
        "  user:",
        "    token: not-checked-by-the-mock",
        "contexts:",
        "- name: mock",
        "  context:",
        "    cluster: mock",
        "    user: test",
        "    namespace: " + NAMESPACE,
        "current-context: mock",
        "");
  }
}
