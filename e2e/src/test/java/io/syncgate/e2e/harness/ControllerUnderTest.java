package io.syncgate.e2e.harness;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller as {@code syncgate run} starts it (health/metrics server, informers, leader
 * election on the Lease), in this JVM on a Vert.x of its own, against the mock API server.
 */
public final class ControllerUnderTest implements AutoCloseable {

  private static final String LAG_GAUGE = "syncgate.replica.lag.bytes";
  private static final String RATE_GAUGE = "syncgate.replica.catch.up.bytes.per.second";
  private static final String ETA_GAUGE = "syncgate.replica.catch.up.eta";
  private static final String EXPOSURE_GAUGE = "syncgate.stale.read.exposure.percent";
  private static final String TICK_TIMER = "syncgate.tick";

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

  /**
   * The controller's catch-up rate per replica in bytes per second (negative: its lag grows), as
   * {@code syncgate_replica_catch_up_bytes_per_second} has it; absent while too few samples.
   */
  public Map<String, Double> catchUpBytesPerSecond() {
    return perReplica(RATE_GAUGE);
  }

  /**
   * The controller's ETA per replica in seconds until its lag is within {@code admission.maxLag},
   * as {@code syncgate_replica_catch_up_eta_seconds} has it (the figures of {@code
   * status.replicas[].catchUpEtaSeconds}, updated every tick where the status is written at most
   * every 10 s); absent while the replica is not catching up.
   */
  public Map<String, Double> catchUpEtaSeconds() {
    return perReplica(ETA_GAUGE);
  }

  /**
   * {@code syncgate_stale_read_exposure_percent_seconds_total} of the scenario's gate: route weight
   * on replicas whose lag was unknown or over {@code admission.maxLag}, integrated over time; 0
   * before its first decided tick.
   */
  public double exposurePercentSeconds() {
    return app.metrics()
        .staleReadExposurePercentSeconds(MockKubernetes.NAMESPACE)
        .getOrDefault(MockKubernetes.GATE, 0.0);
  }

  /**
   * {@code syncgate_stale_read_exposure_percent} of the scenario's gate now; 0 before it exists.
   */
  public int exposurePercent() {
    Gauge gauge =
        app.metrics().registry().find(EXPOSURE_GAUGE).tag("gate", MockKubernetes.GATE).gauge();
    return gauge == null ? 0 : (int) gauge.value();
  }

  /** Ticks of the scenario's gate completed so far ({@code syncgate_tick_seconds_count}). */
  public long ticks() {
    Timer timer =
        app.metrics().registry().find(TICK_TIMER).tag("gate", MockKubernetes.GATE).timer();
    return timer == null ? 0 : timer.count();
  }

  /** One line for a scenario's summary: the gate's stale-read exposure counter and gauge now. */
  public String exposureSummary() {
    return String.format(
        Locale.ROOT,
        "stale-read exposure of %s: %.1f %%·s in all (syncgate_stale_read_exposure_percent_seconds"
            + "_total), %d %% now",
        MockKubernetes.GATE,
        exposurePercentSeconds(),
        exposurePercent());
  }

  private Map<String, Double> perReplica(String gaugeName) {
    Map<String, Double> out = new HashMap<>();
    for (Gauge gauge : app.metrics().registry().find(gaugeName).gauges()) {
      String replica = gauge.getId().getTag("replica");
      double value = gauge.value();
      if (replica != null && !Double.isNaN(value)) {
        out.put(replica, value);
      }
    }
    return out;
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
