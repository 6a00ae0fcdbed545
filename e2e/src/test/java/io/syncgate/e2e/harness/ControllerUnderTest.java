package io.syncgate.e2e.harness;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.syncgate.controller.app.ControllerApp;
import io.syncgate.controller.kube.ControllerConfig;
import io.syncgate.controller.kube.KubeClients;
import io.syncgate.controller.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller as {@code syncgate run} starts it (health/metrics server, informers, leader
 * election on the Lease), in this JVM on a Vert.x of its own, against the mock API server.
 */
public final class ControllerUnderTest implements AutoCloseable {

  private static final String LAG_GAUGE = "syncgate.replica.lag.bytes";

  private final Vertx vertx;
  private final KubernetesClient client;
  private final ControllerApp app;

  private ControllerUnderTest(Vertx vertx, KubernetesClient client, ControllerApp app) {
    this.vertx = vertx;
    this.client = client;
    this.app = app;
  }

  /** Starts the controller watching the scenario's namespace; returns once it leads. */
  public static ControllerUnderTest start(MockKubernetes kube) {
    Vertx vertx = Vertx.vertx();
    KubernetesClient client = KubeClients.create(vertx, kube.admin().getConfiguration());
    try {
      ControllerConfig config =
          ControllerConfig.defaults(MockKubernetes.NAMESPACE, "syncgate-e2e")
              .withNamespaces(List.of(MockKubernetes.NAMESPACE));
      ControllerApp app =
          await(
              ControllerApp.start(
                  vertx,
                  client,
                  new ControllerApp.Settings(config, "127.0.0.1", 0),
                  Clock.systemUTC()));
      ControllerUnderTest controller = new ControllerUnderTest(vertx, client, app);
      Await.until(
          Duration.ofSeconds(30),
          "the controller to sync and lead",
          () -> app.controller().synced() && app.controller().leading());
      return controller;
    } catch (RuntimeException | AssertionError e) {
      client.close();
      vertx.close();
      throw e;
    }
  }

  /** The controller's own replay lag figure per replica (its metrics), where it has one. */
  public Map<String, Long> lagBytes() {
    Map<String, Long> lag = new HashMap<>();
    for (Gauge gauge : app.metrics().registry().find(LAG_GAUGE).gauges()) {
      String replica = gauge.getId().getTag("replica");
      double value = gauge.value();
      if (replica != null && !Double.isNaN(value)) {
        lag.put(replica, (long) value);
      }
    }
    return lag;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("controller start/stop failed: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      await(app.stop());
    } finally {
      client.close();
      await(vertx.close());
    }
  }
}
