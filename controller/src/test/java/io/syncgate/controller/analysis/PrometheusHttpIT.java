package io.syncgate.controller.analysis;

import static io.syncgate.controller.analysis.ClientFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.analysis.PrometheusOptions.Credentials;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.Ports;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PrometheusClient} against servers on loopback that play what a real Prometheus does not
 * show on demand: huge or endless answers, redirects, TLS, what arrives with credentials, a
 * connection closed mid-answer.
 */
class PrometheusHttpIT {

  private static final String HOST = "127.0.0.1";
  private static final byte[] VALUE = PrometheusAnswerTest.fixture("vector-one");

  @RegisterExtension final ClientFixture fixture = new ClientFixture();

  /** The servers' own Vert.x: their work never counts against the client's event loops. */
  private Vertx peers;

  private final List<HttpServerRequest> requests = new CopyOnWriteArrayList<>();
  private final List<Runnable> cleanUp = new ArrayList<>();

  @BeforeEach
  void startPeers() {
    peers = Vertx.vertx();
  }

  @AfterEach
  void stopPeers() {
    cleanUp.forEach(Runnable::run);
    Await.result(peers.close());
  }

  /** An HTTP server on loopback answering every request with {@code answer}; its base URL. */
  private String serve(Consumer<HttpServerRequest> answer) {
    return serve(new HttpServerOptions(), answer, "http");
  }

  private String serve(
      HttpServerOptions options, Consumer<HttpServerRequest> answer, String scheme) {
    HttpServer server =
        Await.result(
            peers
                .createHttpServer(options)
                .requestHandler(
                    request -> {
                      requests.add(request);
                      answer.accept(request);
                    })
                .listen(0, HOST));
    cleanUp.add(() -> Await.result(server.close()));
    return scheme + "://" + HOST + ":" + server.actualPort();
  }

  private PrometheusClient client(String address) {
    return fixture.client(PrometheusOptions.of(address).withTimeout(Duration.ofSeconds(10)));
  }

  @Test
  void theQueryIsUrlEncodedUnderThePathPrefixWithTheTimeout() {
    String base = serve(request -> request.response().end(Buffer.buffer(VALUE)));
    QueryAnswer answer =
        query(client(base + "/prometheus/"), "sum(rate(x{pod=\"hippo-2\"}[1m])) > 0 & 1");
    assertThat(answer).isEqualTo(QueryAnswer.of(0.12));
    HttpServerRequest request = requests.get(0);
    assertThat(request.path()).isEqualTo("/prometheus/api/v1/query");
    assertThat(request.getParam("query")).isEqualTo("sum(rate(x{pod=\"hippo-2\"}[1m])) > 0 & 1");
    assertThat(request.getParam("timeout")).isEqualTo("10");
    assertThat(request.method().name()).isEqualTo("GET");
    assertThat(request.getHeader("Accept")).isEqualTo("application/json");
    assertThat(request.getHeader("Authorization")).isNull();
  }

  @Test
  void credentialsGoInTheAuthorizationHeader() {
    String base = serve(request -> request.response().end(Buffer.buffer(VALUE)));
    PrometheusClient bearer =
        fixture.client(
            PrometheusOptions.of(base).withAllowCredentialsOverHttp(true).withBearerToken("t0ken"));
    assertThat(query(bearer, "up")).isEqualTo(QueryAnswer.of(0.12));
    PrometheusClient basic =
        fixture.client(
            PrometheusOptions.of(base)
                .withAllowCredentialsOverHttp(true)
                .withBasic(new Credentials("grafana", "pa:ss")));
    assertThat(query(basic, "up")).isEqualTo(QueryAnswer.of(0.12));
    List<String> headers = requests.stream().map(r -> r.getHeader("Authorization")).toList();
    assertThat(headers)
        .containsExactly(
            "Bearer t0ken",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("grafana:pa:ss".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anAnswerOverTheCapFails() {
    int cap = 1024;
    String base =
        serve(
            request ->
                request
                    .response()
                    .setChunked(true)
                    .end(Buffer.buffer("{\"status\":\"success\",\"x\":\"" + "a".repeat(100_000))));
    PrometheusClient client = fixture.client(PrometheusOptions.of(base).withMaxBodyBytes(cap));
    assertThat(query(client, "up")).isEqualTo(QueryAnswer.badAnswer("answer over 1024 bytes"));
    // An error page over the cap is its status.
    String errorBase =
        serve(request -> request.response().setStatusCode(502).end("x".repeat(100_000)));
    PrometheusClient errors = fixture.client(PrometheusOptions.of(errorBase).withMaxBodyBytes(cap));
    assertThat(query(errors, "up")).isEqualTo(QueryAnswer.httpStatus(502));
  }

  @Test
  void anAnswerThatTricklesForeverTimesOut() {
    String base =
        serve(
            request -> {
              request.response().setChunked(true).write("{\"status\":");
              // ... and nothing more: the client's deadline ends it.
            });
    PrometheusClient client =
        fixture.client(PrometheusOptions.of(base).withTimeout(Duration.ofMillis(300)));
    assertThat(query(client, "up")).isEqualTo(QueryAnswer.failed("timed out after 300ms"));
  }

  @Test
  void redirectsAreNotFollowed() {
    String elsewhere = serve(request -> request.response().end(Buffer.buffer(VALUE)));
    String base =
        serve(
            request -> {
              if (request.path().startsWith("/api")) {
                request
                    .response()
                    .setStatusCode(302)
                    .putHeader("Location", elsewhere + "/other")
                    .end();
              }
            });
    assertThat(query(client(base), "up")).isEqualTo(QueryAnswer.httpStatus(302));
    assertThat(requests).hasSize(1);
  }

  @Test
  void aConnectionClosedMidAnswerIsUnreachable() {
    NetServer server =
        Await.result(
            peers
                .createNetServer()
                .connectHandler(
                    socket ->
                        socket.handler(
                            bytes ->
                                socket
                                    .write("HTTP/1.1 200 OK\r\nContent-Le")
                                    .onComplete(v -> socket.close())))
                .listen(0, HOST));
    cleanUp.add(() -> Await.result(server.close()));
    assertThat(query(client("http://" + HOST + ":" + server.actualPort()), "up"))
        .isEqualTo(QueryAnswer.unreachable("connection closed before the answer was complete"));
  }

  @Test
  void nothingListeningIsConnectionRefused() {
    int port = Ports.free(HOST);
    assertThat(query(client("http://" + HOST + ":" + port), "up").failure())
        .isEqualTo("Prometheus unreachable: connection refused");
  }

  @Test
  void aClosedClientSendsNothing() {
    String base = serve(request -> request.response().end(Buffer.buffer(VALUE)));
    PrometheusClient client = client(base);
    client.close();
    assertThat(query(client, "up"))
        .isEqualTo(QueryAnswer.failed("query not sent: the client is closed"));
    assertThat(requests).isEmpty();
  }

  @Test
  void httpsWithASelfSignedCa() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    cleanUp.add(certificate::delete);
    byte[] caPem = Files.readAllBytes(Path.of(certificate.certificatePath()));
    String base =
        serve(
            new HttpServerOptions()
                .setSsl(true)
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(certificate.certificatePath())
                        .setKeyPath(certificate.privateKeyPath())),
            request -> request.response().end(Buffer.buffer(VALUE)),
            "https");
    String port = base.substring(base.lastIndexOf(':') + 1);
    PrometheusOptions byName = PrometheusOptions.of("https://localhost:" + port);
    PrometheusOptions byIp = PrometheusOptions.of("https://127.0.0.1:" + port);

    // Trusting the CA, the certificate naming the host asked.
    assertThat(query(fixture.client(byName.withCaPem(caPem)), "up"))
        .isEqualTo(QueryAnswer.of(0.12));
    // The JVM's trust store knows nothing of it.
    assertThat(query(fixture.client(byName), "up").failure())
        .startsWith("TLS with Prometheus failed: ")
        .contains("certification path");
    // Trusted, but the certificate does not name 127.0.0.1 ...
    assertThat(query(fixture.client(byIp.withCaPem(caPem)), "up").failure())
        .startsWith("TLS with Prometheus failed: ")
        .contains("subject alternative");
    // ... which turning the name check off accepts, still checking the chain.
    assertThat(query(fixture.client(byIp.withCaPem(caPem).withVerifyHostname(false)), "up"))
        .isEqualTo(QueryAnswer.of(0.12));
    assertThat(query(fixture.client(byIp.withVerifyHostname(false)), "up").failure())
        .startsWith("TLS with Prometheus failed: ");
  }
}
