package io.syncgate.controller.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.demo.LoopbackSubnet;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HealthServerIT {

  @RegisterExtension final BlockedThreadWatch blockedThreads = new BlockedThreadWatch();

  private Vertx vertx;
  private WebClient client;
  private HealthServer server;
  private final SyncgateMetrics metrics = new SyncgateMetrics();
  private final AtomicReference<Readiness> readiness =
      new AtomicReference<>(Readiness.notReady("informers not synced"));
  private final AtomicReference<Readiness> liveness = new AtomicReference<>(Readiness.READY);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
    client = WebClient.create(vertx);
    server =
        Await.result(
            HealthServer.start(vertx, "127.0.0.1", 0, readiness::get, liveness::get, metrics));
  }

  @AfterEach
  void tearDown() {
    Await.result(server.close());
    client.close();
    Await.result(vertx.close());
  }

  private HttpResponse<Buffer> request(HttpMethod method, String path) {
    return Await.result(client.request(method, server.actualPort(), "127.0.0.1", path).send());
  }

  @Test
  void healthzAnswersOkWhileTheProcessRuns() {
    HttpResponse<Buffer> response = request(HttpMethod.GET, "/healthz");

    assertThat(server.actualPort()).isPositive();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("ok\n");
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void healthzFailsWithTheReasonWhenTheControllerCannotMakeProgress() {
    liveness.set(Readiness.notReady("informers have not synced within 2m"));

    HttpResponse<Buffer> stuck = request(HttpMethod.GET, "/healthz");

    assertThat(stuck.statusCode()).isEqualTo(503);
    assertThat(stuck.bodyAsString()).isEqualTo("not live: informers have not synced within 2m\n");
  }

  @Test
  void readyzFollowsTheSuppliedStateAndGivesTheReason() {
    HttpResponse<Buffer> notReady = request(HttpMethod.GET, "/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.bodyAsString()).isEqualTo("not ready: informers not synced\n");

    readiness.set(Readiness.READY);
    HttpResponse<Buffer> ready = request(HttpMethod.GET, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsString()).isEqualTo("ok\n");
  }

  @Test
  void readyzShowsTheDetailOfAReadyState() {
    readiness.set(Readiness.ready("holding shards 0,2 of 3"));
    HttpResponse<Buffer> ready = request(HttpMethod.GET, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsString()).isEqualTo("ok: holding shards 0,2 of 3\n");
  }

  @Test
  void readyzIsNotReadyWhenTheCheckItselfFails() {
    HealthServer failing =
        Await.result(
            HealthServer.start(
                vertx,
                "127.0.0.1",
                0,
                () -> {
                  throw new IllegalStateException("no informer yet");
                },
                metrics));
    try {
      HttpResponse<Buffer> response =
          Await.result(client.get(failing.actualPort(), "127.0.0.1", "/readyz").send());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsString())
          .contains("readiness check failed")
          .contains("no informer yet");
    } finally {
      Await.result(failing.close());
    }
  }

  @Test
  void metricsServesThePrometheusText() {
    metrics.recordReplica("db", "hippo-reads", "hippo-1", "Ramping", 25, 4096L);

    HttpResponse<Buffer> response = request(HttpMethod.GET, "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type"))
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.bodyAsString())
        .contains(
            "syncgate_replica_weight{gate=\"hippo-reads\",namespace=\"db\",replica=\"hippo-1\"} 25.0")
        .isEqualTo(metrics.scrape());
  }

  @Test
  void otherPathsAreNotFoundAndOtherMethodsNotAllowed() {
    assertThat(request(HttpMethod.GET, "/").statusCode()).isEqualTo(404);
    assertThat(request(HttpMethod.GET, "/metricsz").statusCode()).isEqualTo(404);
    HttpResponse<Buffer> post = request(HttpMethod.POST, "/healthz");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.getHeader("Allow")).isEqualTo("GET, HEAD");
    assertThat(request(HttpMethod.HEAD, "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void closeReleasesThePort() {
    int port = server.actualPort();
    Await.result(server.close());

    Await.until("the port is released", () -> LoopbackSubnet.canBind("127.0.0.1", port));
    server = Await.result(HealthServer.start(vertx, "127.0.0.1", port, readiness::get, metrics));

    assertThat(server.actualPort()).isEqualTo(port);
    assertThat(request(HttpMethod.GET, "/healthz").statusCode()).isEqualTo(200);
  }
}
