package io.syncgate.controller.server;

import io.syncgate.controller.metrics.SyncgateMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's own HTTP endpoints, for the kubelet and Prometheus:
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the liveness supplier says the controller can
 *       make progress, else 503 with its reason, so the kubelet restarts a controller that is stuck
 *       (liveness)
 *   <li>{@code GET /readyz}: 200 when the readiness supplier says ready (with its detail, if any:
 *       which shards this replica holds), else 503 with its reason
 *   <li>{@code GET /metrics}: the Prometheus text format
 * </ul>
 *
 * Anything else is 404; methods other than GET and HEAD are 405.
 */
public final class HealthServer {

  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Vertx vertx;
  private final HttpServer server;
  private final Supplier<Readiness> readiness;
  private final Supplier<Readiness> liveness;
  private final SyncgateMetrics metrics;

  private HealthServer(
      Vertx vertx,
      HttpServer server,
      Supplier<Readiness> readiness,
      Supplier<Readiness> liveness,
      SyncgateMetrics metrics) {
    this.vertx = vertx;
    this.server = server;
    this.readiness = readiness;
    this.liveness = liveness;
    this.metrics = metrics;
  }

  /** {@link #start(Vertx, String, int, Supplier, Supplier, SyncgateMetrics)}, always live. */
  public static Future<HealthServer> start(
      Vertx vertx, String host, int port, Supplier<Readiness> readiness, SyncgateMetrics metrics) {
    return start(vertx, host, port, readiness, () -> Readiness.READY, metrics);
  }

  /**
   * Listens on {@code host:port} ({@code port} 0 picks a free one, see {@link #actualPort()}).
   *
   * @param readiness asked on the event loop for every {@code /readyz}: must be cheap and must not
   *     block (read a flag, do not call the API server)
   * @param liveness asked likewise for every {@code /healthz}
   */
  public static Future<HealthServer> start(
      Vertx vertx,
      String host,
      int port,
      Supplier<Readiness> readiness,
      Supplier<Readiness> liveness,
      SyncgateMetrics metrics) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(metrics, "metrics");
    if (port < 0 || port > 65535) {
      return Future.failedFuture(
          new IllegalArgumentException("port must be 0..65535, got " + port));
    }
    HttpServer httpServer =
        vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
    HealthServer healthServer = new HealthServer(vertx, httpServer, readiness, liveness, metrics);
    httpServer.requestHandler(healthServer::handle);
    return httpServer
        .listen()
        .map(
            s -> {
              LOG.info("health server listening on {}:{}", host, s.actualPort());
              return healthServer;
            });
  }

  /** The port the server listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      response.setStatusCode(405).putHeader("Allow", "GET, HEAD");
      text(response, "method not allowed\n");
      return;
    }
    switch (request.path()) {
      case "/healthz" -> verdict(response, liveness, "liveness", "not live");
      case "/readyz" -> verdict(response, readiness, "readiness", "not ready");
      case "/metrics" -> metrics(response);
      default -> text(response.setStatusCode(404), "not found\n");
    }
  }

  private static void verdict(
      HttpServerResponse response, Supplier<Readiness> check, String name, String failing) {
    Readiness state;
    try {
      state = check.get();
    } catch (RuntimeException e) {
      state = Readiness.notReady(name + " check failed: " + e);
    }
    if (state.ready()) {
      text(response, state == Readiness.READY ? "ok\n" : "ok: " + state.reason() + "\n");
    } else {
      text(response.setStatusCode(503), failing + ": " + state.reason() + "\n");
    }
  }

  private void metrics(HttpServerResponse response) {
    // Rendering a large registry takes milliseconds of CPU: keep it off the event loop.
    vertx
        .executeBlocking(metrics::scrape, false)
        .onSuccess(
            body -> response.putHeader("Content-Type", SyncgateMetrics.CONTENT_TYPE).end(body))
        .onFailure(
            e -> {
              LOG.warn("rendering /metrics failed", e);
              text(response.setStatusCode(500), "metrics unavailable\n");
            });
  }

  private static void text(HttpServerResponse response, String body) {
    response.putHeader("Content-Type", TEXT).end(body);
  }
}
