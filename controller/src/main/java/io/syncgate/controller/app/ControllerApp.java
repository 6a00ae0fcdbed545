package io.syncgate.controller.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.kube.ControllerConfig;
import io.syncgate.controller.kube.SyncgateController;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.server.HealthServer;
import io.syncgate.controller.server.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Objects;

/**
 * The running controller process minus its command line: the health/metrics server and the
 * controller, on one Vert.x. The health server starts first, so {@code /healthz} answers and {@code
 * /readyz} says "not ready" while the informers sync.
 */
public final class ControllerApp {

  /**
   * Everything {@code syncgate run} configures.
   *
   * @param controller the controller's configuration
   * @param metricsHost the address {@code /healthz}, {@code /readyz} and {@code /metrics} bind to
   * @param metricsPort their port (0 picks a free one)
   */
  public record Settings(ControllerConfig controller, String metricsHost, int metricsPort) {
    public Settings {
      Objects.requireNonNull(controller, "controller");
      Objects.requireNonNull(metricsHost, "metricsHost");
      if (metricsPort < 0 || metricsPort > 65535) {
        throw new IllegalArgumentException("metrics port out of 0..65535: " + metricsPort);
      }
    }
  }

  private final SyncgateMetrics metrics;
  private final HealthServer health;
  private final SyncgateController controller;

  private ControllerApp(
      SyncgateMetrics metrics, HealthServer health, SyncgateController controller) {
    this.metrics = metrics;
    this.health = health;
    this.controller = controller;
  }

  /** Starts the health server, then the controller. */
  public static Future<ControllerApp> start(
      Vertx vertx, KubernetesClient client, Settings settings, Clock clock) {
    SyncgateMetrics metrics = new SyncgateMetrics();
    // The controller is deployed after the server, so readiness reads it through a holder.
    SyncgateController[] deployed = new SyncgateController[1];
    return HealthServer.start(
            vertx,
            settings.metricsHost(),
            settings.metricsPort(),
            () -> readiness(deployed[0]),
            () -> liveness(deployed[0]),
            metrics)
        .compose(
            health ->
                SyncgateController.deploy(vertx, client, settings.controller(), metrics, clock)
                    .map(
                        controller -> {
                          deployed[0] = controller;
                          return new ControllerApp(metrics, health, controller);
                        })
                    .onFailure(e -> health.close()));
  }

  private static Readiness readiness(SyncgateController controller) {
    if (controller == null) {
      return Readiness.notReady("controller starting");
    }
    String reason = controller.notReadyReason();
    if (reason != null) {
      return Readiness.notReady(reason);
    }
    // A replica that holds no shard is ready too: it stands by for them.
    return controller.shards().count() > 1
        ? Readiness.ready(controller.shards().describe(controller.heldShards()))
        : Readiness.READY;
  }

  private static Readiness liveness(SyncgateController controller) {
    if (controller == null) {
      return Readiness.READY;
    }
    String reason = controller.stuckReason();
    return reason == null ? Readiness.READY : Readiness.notReady(reason);
  }

  public SyncgateController controller() {
    return controller;
  }

  public SyncgateMetrics metrics() {
    return metrics;
  }

  /** The port of {@code /healthz}, {@code /readyz} and {@code /metrics}. */
  public int metricsPort() {
    return health.actualPort();
  }

  /** Stops the controller (releasing the Lease), then the health server. */
  public Future<Void> stop() {
    return controller.shutdown().eventually(health::close);
  }
}
