package io.syncgate.controller.patroni;

import static io.syncgate.controller.patroni.LoopbackPatroni.HOST;
import static io.syncgate.controller.patroni.LoopbackPatroni.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncgate.controller.patroni.LoopbackPatroni.RawServer;
import io.syncgate.controller.patroni.PatroniClientOptions.Credentials;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import io.syncgate.policy.gating.SampleFailure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** {@link PatroniClient} against real servers on loopback, each playing one kind of answer. */
class PatroniClientIT {

  private static final Duration TIMEOUT = Duration.ofMillis(1000);
  private static final byte[] LEADER_JSON = Fixtures.bytes("3.0.2/leader.json");

  /** Where Vert.x logs, as an ERROR, a connection's failure that no handler took. */
  private static final Logger CONNECTION_LOG =
      (Logger) LoggerFactory.getLogger("io.vertx.core.net.impl.ConnectionBase");

  @RegisterExtension final BlockedThreadWatch blockedThreads = new BlockedThreadWatch();

  private static Vertx vertx;
  private PatroniClient client;
  private final List<HttpServer> servers = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    BlockedThreadWatch.warmUpOnce();
    vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  @AfterEach
  void closeClientAndServers() {
    if (client != null) {
      client.close();
    }
    servers.forEach(server -> await(server.close()));
  }

  /** Closes {@code server} after the test, whatever the test's outcome. */
  private HttpServer closedAfterTest(HttpServer server) {
    servers.add(server);
    return server;
  }

  private PatroniClient client(PatroniClientOptions options) {
    client = new PatroniClient(vertx, options);
    return client;
  }

  private static PatroniClientOptions options() {
    return PatroniClientOptions.defaults().withTimeout(TIMEOUT);
  }

  private MemberSample poll(PatroniClientOptions options, PatroniEndpoint endpoint) {
    return await(client(options).poll(endpoint));
  }

  @Test
  void readsARecordedPatroni302AnswerThatEndsWhenTheConnectionCloses() throws Exception {
    try (RawServer server = LoopbackPatroni.recorded302(vertx, "leader")) {
      MemberSample sample = poll(options(), PatroniEndpoint.http("nodeA", HOST, server.port()));
      assertThat(sample).isEqualTo(PatroniParser.parse("nodeA", LEADER_JSON));
      assertThat(sample.role()).isEqualTo(PatroniRole.LEADER);
      assertThat(sample.location()).isEqualTo(69_731_984L);
    }
  }

  @Test
  void everyPollOfAnHttp10ServerIsANewConnectionAndThatWorks() throws Exception {
    try (RawServer server = LoopbackPatroni.recorded302(vertx, "replica-replay-paused")) {
      PatroniClient keepAliveClient = client(options());
      PatroniEndpoint endpoint = PatroniEndpoint.http("nodeB", HOST, server.port());
      for (int i = 0; i < 5; i++) {
        MemberSample sample = await(keepAliveClient.poll(endpoint));
        assertThat(sample.usable()).isTrue();
        assertThat(sample.replayPaused()).isTrue();
      }
      assertThat(server.connections.get()).isEqualTo(5);
    }
  }

  @Test
  void aKeepAliveServerIsPolledOverPooledConnections() {
    AtomicInteger connections = new AtomicInteger();
    HttpServer server =
        closedAfterTest(LoopbackPatroni.keepAlive(vertx, Buffer.buffer(LEADER_JSON), connections));
    PatroniClient keepAliveClient = client(options());
    PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.actualPort());
    for (int i = 0; i < 10; i++) {
      assertThat(await(keepAliveClient.poll(endpoint)).usable()).isTrue();
    }
    // Back-to-back polls may beat a connection's return to the pool: at most the pool's two.
    assertThat(connections.get()).isBetween(1, 2);
  }

  @Test
  void withoutKeepAliveEachPollOpensItsOwnConnection() {
    AtomicInteger connections = new AtomicInteger();
    HttpServer server =
        closedAfterTest(LoopbackPatroni.keepAlive(vertx, Buffer.buffer(LEADER_JSON), connections));
    PatroniClient closingClient = client(options().withKeepAlive(false));
    PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.actualPort());
    for (int i = 0; i < 3; i++) {
      assertThat(await(closingClient.poll(endpoint)).usable()).isTrue();
    }
    assertThat(connections.get()).isEqualTo(3);
  }

  /** HTTP/1.1 with a Content-Length, connection kept: what a keep-alive Patroni answers. */
  private static Buffer keptAnswer(byte[] body) {
    return Buffer.buffer(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
        .appendBytes(body);
  }

  @Test
  void aContentLengthAnswerOverKeepAliveIsReadOverOneConnection() throws Exception {
    try (RawServer server =
        LoopbackPatroni.rawRequests(
            vertx, (connection, index) -> connection.socket().write(keptAnswer(LEADER_JSON)))) {
      PatroniClient keepAliveClient = client(options());
      PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.port());
      for (int i = 0; i < 5; i++) {
        assertThat(await(keepAliveClient.poll(endpoint)))
            .isEqualTo(PatroniParser.parse("nodeA", LEADER_JSON));
      }
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(server.requests).hasSize(5);
    }
  }

  @Test
  void aChunkedAnswerOverKeepAliveIsReadOverOneConnection() {
    AtomicInteger connections = new AtomicInteger();
    int half = LEADER_JSON.length / 2;
    HttpServer server =
        closedAfterTest(
            await(
                vertx
                    .createHttpServer()
                    .connectionHandler(connection -> connections.incrementAndGet())
                    .requestHandler(
                        request -> {
                          HttpServerResponse response = request.response().setChunked(true);
                          response.write(Buffer.buffer(LEADER_JSON).slice(0, half));
                          response.end(Buffer.buffer(LEADER_JSON).slice(half, LEADER_JSON.length));
                        })
                    .listen(0, HOST)));
    PatroniClient keepAliveClient = client(options());
    PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.actualPort());
    for (int i = 0; i < 5; i++) {
      assertThat(await(keepAliveClient.poll(endpoint)))
          .isEqualTo(PatroniParser.parse("nodeA", LEADER_JSON));
    }
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void theRequestAsksForJsonAndSaysCloseWhenKeepAliveIsOff() throws Exception {
    try (RawServer server = LoopbackPatroni.recorded302(vertx, "leader")) {
      PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.port());
      PatroniClientOptions credentials = options().withCredentials(new Credentials("u", "p"));
      assertThat(poll(credentials, endpoint).usable()).isTrue();
      client.close();
      assertThat(poll(credentials.withKeepAlive(false), endpoint).usable()).isTrue();
      String basic =
          "Authorization: Basic "
              + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8))
              + "\r\n";
      assertThat(server.requests.get(0))
          .startsWith("GET /patroni HTTP/1.1\r\n")
          .contains("Host: 127.0.0.1:" + server.port() + "\r\n")
          .contains("Accept: application/json\r\n")
          .contains(basic)
          .doesNotContainIgnoringCase("Connection:");
      assertThat(server.requests.get(1))
          .startsWith("GET /patroni HTTP/1.1\r\n")
          .contains(basic)
          .contains("Connection: close\r\n");
    }
  }

  @Test
  void aKeptConnectionTheServerClosesBeforeAnsweringIsRetriedOnceOnANewOne() throws Exception {
    try (RawServer server =
        LoopbackPatroni.rawRequests(
            vertx,
            (connection, index) -> {
              if (index == 0) {
                connection.socket().write(keptAnswer(LEADER_JSON));
              } else {
                connection.socket().close(); // as if its idle timeout had just passed
              }
            })) {
      PatroniClient keepAliveClient = client(options());
      PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.port());
      assertThat(await(keepAliveClient.poll(endpoint)).usable()).isTrue();
      assertThat(await(keepAliveClient.poll(endpoint)))
          .isEqualTo(PatroniParser.parse("nodeA", LEADER_JSON));
      assertThat(server.connections.get()).isEqualTo(2);
      assertThat(server.requests).hasSize(3);
    }
  }

  @Test
  void aKeptConnectionTheServerClosesWhileIdleIsNotUsedAgain() throws Exception {
    try (RawServer server =
        LoopbackPatroni.rawRequests(
            vertx,
            (connection, index) -> {
              connection.socket().write(keptAnswer(LEADER_JSON));
              vertx.setTimer(10, id -> connection.socket().close());
            })) {
      PatroniClient keepAliveClient = client(options());
      PatroniEndpoint endpoint = PatroniEndpoint.http("nodeA", HOST, server.port());
      for (int i = 0; i < 3; i++) {
        assertThat(await(keepAliveClient.poll(endpoint)).usable()).isTrue();
        int polled = i + 1;
        Await.until(
            Duration.ofSeconds(5),
            "the server closed its connections",
            () -> server.closed.get() == polled);
      }
      assertThat(server.connections.get()).isEqualTo(3);
    }
  }

  @Test
  void aServerThatDoesNotSpeakHttpGivesABadAnswer() throws Exception {
    Buffer banner = Buffer.buffer("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    try (RawServer server =
        LoopbackPatroni.raw(vertx, connection -> connection.socket().write(banner))) {
      MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.port()));
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not an HTTP/1.x status line: SSH-2.0-OpenSSH");
      Await.until(
          Duration.ofSeconds(5),
          "the server sees the connection closed",
          () -> server.closed.get() == 1);
    }
  }

  @Test
  void aHeadOver16KibIsABadAnswerAndTheConnectionIsClosed() throws Exception {
    Buffer endlessHead = Buffer.buffer("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 4096; i++) {
      endlessHead.appendString("X-Padding: " + i + "\r\n");
    }
    try (RawServer server =
        LoopbackPatroni.raw(vertx, connection -> connection.socket().write(endlessHead))) {
      MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.port()));
      assertThat(sample)
          .isEqualTo(
              MemberSample.failed("pg-0", SampleFailure.BAD_ANSWER, "HTTP head over 16384 bytes"));
      Await.until(
          Duration.ofSeconds(5),
          "the server sees the connection closed",
          () -> server.closed.get() == 1);
    }
  }

  @Test
  void aPollFromAnEventLoopCompletesOnIt() throws Exception {
    try (RawServer server = LoopbackPatroni.recorded302(vertx, "leader")) {
      PatroniClient onLoop = client(options());
      io.vertx.core.Context context = vertx.getOrCreateContext();
      io.vertx.core.Promise<Boolean> sameContext = io.vertx.core.Promise.promise();
      context.runOnContext(
          v ->
              onLoop
                  .poll(PatroniEndpoint.http("nodeA", HOST, server.port()))
                  .onComplete(
                      ar ->
                          sameContext.complete(
                              ar.result().usable() && Vertx.currentContext() == context)));
      assertThat(await(sameContext.future())).isTrue();
    }
  }

  @Test
  void aBareStatusLineLikeReadinessIsAnEmptyBody() throws Exception {
    Buffer bare = Buffer.buffer("HTTP/1.0 200 OK\r\n\r\n");
    try (RawServer server = LoopbackPatroni.http10(vertx, bare)) {
      MemberSample sample = poll(options(), PatroniEndpoint.http("nodeB", HOST, server.port()));
      assertThat(sample)
          .isEqualTo(MemberSample.failed("nodeB", SampleFailure.BAD_ANSWER, "empty body"));
    }
  }

  @Test
  void refusedConnection() {
    NetServer probe =
        await(
            vertx
                .createNetServer()
                .connectHandler(socket -> socket.close())
                .listen(0, LoopbackPatroni.NOBODY_HOST));
    int freePort = probe.actualPort();
    await(probe.close());
    MemberSample sample =
        poll(options(), PatroniEndpoint.http("pg-0", LoopbackPatroni.NOBODY_HOST, freePort));
    assertThat(sample)
        .isEqualTo(MemberSample.failed("pg-0", SampleFailure.UNREACHABLE, "connection refused"));
  }

  @Test
  void aServerThatNeverAnswersTimesOutAndTheConnectionIsDropped() throws Exception {
    try (RawServer server = LoopbackPatroni.raw(vertx, connection -> {})) {
      long start = System.nanoTime();
      MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.port()));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(sample)
          .isEqualTo(MemberSample.failed("pg-0", SampleFailure.TIMEOUT, "timeout after 1s"));
      assertThat(took).isBetween(TIMEOUT.minusMillis(50), TIMEOUT.plusMillis(500));
      Await.until(
          Duration.ofSeconds(5),
          "the server sees the connection closed",
          () -> server.closed.get() == 1);
    }
  }

  @Test
  void aStatusLineTrickledByteByBytePastTheTimeoutTimesOut() throws Exception {
    byte[] answer =
        Buffer.buffer(Fixtures.bytes("3.0.2/leader.headers")).appendBytes(LEADER_JSON).getBytes();
    try (RawServer server = LoopbackPatroni.raw(vertx, connection -> trickle(connection, answer))) {
      assertTrickleTimesOut(server);
    }
  }

  @Test
  void aBodyTrickledByteByBytePastTheTimeoutTimesOut() throws Exception {
    try (RawServer server =
        LoopbackPatroni.raw(
            vertx,
            connection -> {
              connection.socket().write(Buffer.buffer(Fixtures.bytes("3.0.2/leader.headers")));
              trickle(connection, LEADER_JSON);
            })) {
      assertTrickleTimesOut(server);
    }
  }

  private void assertTrickleTimesOut(RawServer server) {
    ListAppender<ILoggingEvent> vertxLog = new ListAppender<>();
    vertxLog.start();
    CONNECTION_LOG.addAppender(vertxLog);
    try {
      long start = System.nanoTime();
      MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.port()));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(sample)
          .isEqualTo(MemberSample.failed("pg-0", SampleFailure.TIMEOUT, "timeout after 1s"));
      assertThat(took).isLessThan(TIMEOUT.plusMillis(500));
      Await.until(
          Duration.ofSeconds(5),
          "the server sees the connection closed",
          () -> server.closed.get() == 1);
      // The reset at the deadline cuts a half-read head ("closed before received headers"):
      // the client takes that failure, so Vert.x must not log it as an error.
      synchronized (vertxLog) {
        assertThat(vertxLog.list)
            .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
            .extracting(ILoggingEvent::getFormattedMessage)
            .isEmpty();
      }
    } finally {
      CONNECTION_LOG.detachAppender(vertxLog);
    }
  }

  @Test
  void aServerThatClosesWithoutAnsweringIsUnreachable() throws Exception {
    try (RawServer server = LoopbackPatroni.raw(vertx, connection -> connection.socket().close())) {
      MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.port()));
      assertThat(sample)
          .isEqualTo(
              MemberSample.failed(
                  "pg-0",
                  SampleFailure.UNREACHABLE,
                  "connection closed before the answer was complete"));
    }
  }

  @Test
  void aServerThatClosesInTheMiddleOfTheHeadersIsUnreachable() throws Exception {
    Buffer halfHead = Buffer.buffer("HTTP/1.0 200 OK\r\nContent-Ty");
    try (RawServer server =
        LoopbackPatroni.raw(vertx, connection -> connection.socket().end(halfHead))) {
      MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.port()));
      assertThat(sample)
          .isEqualTo(
              MemberSample.failed(
                  "pg-0",
                  SampleFailure.UNREACHABLE,
                  "connection closed before the answer was complete"));
    }
  }

  /** One byte every 40 ms: a ~560-byte answer would take 20 s. */
  private static void trickle(LoopbackPatroni.Connection connection, byte[] bytes) {
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean gone = connection.closed();
    io.vertx.core.net.NetSocket socket = connection.socket();
    vertx.setPeriodic(
        40,
        id -> {
          int i = next.getAndIncrement();
          if (gone.get() || i >= bytes.length) {
            vertx.cancelTimer(id);
            return;
          }
          socket.write(Buffer.buffer(new byte[] {bytes[i]}));
        });
  }

  private HttpServer httpServer(
      io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) {
    return closedAfterTest(await(vertx.createHttpServer().requestHandler(handler).listen(0, HOST)));
  }

  @Test
  void http500() {
    HttpServer server = httpServer(request -> request.response().setStatusCode(500).end("boom"));
    MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample)
        .isEqualTo(MemberSample.failed("pg-0", SampleFailure.HTTP_STATUS, "HTTP 500"));
  }

  @Test
  void a200ThatIsNotJson() {
    HttpServer server =
        httpServer(request -> request.response().end("<html>502 Bad Gateway</html>"));
    MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
    assertThat(sample.reason()).startsWith("not JSON: ");
  }

  /** Like Patroni with restapi.authentication: 401 unless the basic-auth header matches. */
  private HttpServer basicAuthServer(String username, String password) {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return httpServer(
        request -> {
          HttpServerResponse response = request.response();
          if (expected.equals(request.getHeader("Authorization"))) {
            response.end(Buffer.buffer(LEADER_JSON));
          } else {
            response
                .setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"Patroni\"")
                .end("not authenticated");
          }
        });
  }

  @Test
  void basicAuthWithoutCredentialsIs401() {
    HttpServer server = basicAuthServer("patroni", "s3cret");
    MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample)
        .isEqualTo(
            MemberSample.failed(
                "pg-0",
                SampleFailure.UNAUTHORIZED,
                "HTTP 401: check spec.patroni.credentialsSecret"));
  }

  @Test
  void basicAuthWithWrongPasswordIs401AndNeverShowsThePassword() {
    HttpServer server = basicAuthServer("patroni", "s3cret");
    PatroniClientOptions wrong = options().withCredentials(new Credentials("patroni", "guess"));
    MemberSample sample = poll(wrong, PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample.failure()).isEqualTo(SampleFailure.UNAUTHORIZED);
    assertThat(sample.reason()).doesNotContain("guess");
    assertThat(wrong.toString()).contains("patroni").doesNotContain("guess");
    assertThat(wrong.credentials().toString()).doesNotContain("guess");
  }

  @Test
  void basicAuthWithCorrectCredentialsIs200() {
    HttpServer server = basicAuthServer("patroni", "s3cret");
    PatroniClientOptions right = options().withCredentials(new Credentials("patroni", "s3cret"));
    MemberSample sample = poll(right, PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample).isEqualTo(PatroniParser.parse("pg-0", LEADER_JSON));
  }

  @Test
  void forbiddenIsUnauthorizedToo() {
    HttpServer server =
        httpServer(request -> request.response().setStatusCode(403).end("Access is denied"));
    MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample.failure()).isEqualTo(SampleFailure.UNAUTHORIZED);
    assertThat(sample.reason()).startsWith("HTTP 403");
  }

  @Test
  void aTenMebibyteBodyIsCutAtTheCapAndTheConnectionClosed() {
    int tenMiB = 10 * 1024 * 1024;
    AtomicLong written = new AtomicLong();
    AtomicBoolean closed = new AtomicBoolean();
    HttpServer server =
        closedAfterTest(
            await(
                vertx
                    .createHttpServer(new HttpServerOptions().setSendBufferSize(64 * 1024))
                    .requestHandler(
                        request -> {
                          HttpServerResponse response = request.response();
                          request.connection().closeHandler(v -> closed.set(true));
                          response.putHeader("Content-Length", String.valueOf(tenMiB));
                          writeUntilFull(
                              response, Buffer.buffer(new byte[64 * 1024]), tenMiB, written);
                        })
                    .listen(0, HOST)));
    MemberSample sample = poll(options(), PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(sample)
        .isEqualTo(MemberSample.failed("pg-0", SampleFailure.TOO_LARGE, "body over 65536 bytes"));
    Await.until(Duration.ofSeconds(5), "the server sees the connection closed", closed::get);
    assertThat(written.get()).isLessThan(tenMiB);
  }

  private static void writeUntilFull(
      HttpServerResponse response, Buffer chunk, long total, AtomicLong written) {
    while (!response.closed() && written.get() < total && !response.writeQueueFull()) {
      response.write(chunk);
      written.addAndGet(chunk.length());
    }
    if (!response.closed() && written.get() < total) {
      response.drainHandler(v -> writeUntilFull(response, chunk, total, written));
    }
  }

  @Test
  void aBodyExactlyAtTheCapIsRead() {
    String head = "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":5},\"pad\":\"";
    int cap = 4096;
    String body = head + "x".repeat(cap - head.length() - 2) + "\"}";
    assertThat(body).hasSize(cap);
    HttpServer server = httpServer(request -> request.response().end(body));
    MemberSample atCap =
        poll(
            options().withMaxBodyBytes(cap),
            PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(atCap.usable()).isTrue();
    client.close();
    MemberSample overCap =
        poll(
            options().withMaxBodyBytes(cap - 1),
            PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
    assertThat(overCap.failure()).isEqualTo(SampleFailure.TOO_LARGE);
    assertThat(overCap.reason()).isEqualTo("body over 4095 bytes");
  }

  @Test
  void aMemberWithoutAddressIsNotPolled() {
    MemberSample sample = poll(options(), PatroniEndpoint.http("pg-3", null, 8008));
    assertThat(sample)
        .isEqualTo(MemberSample.failed("pg-3", SampleFailure.NOT_POLLED, "no pod IP yet"));
  }

  @Test
  void httpsWithASelfSignedCa() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    byte[] caPem = Files.readAllBytes(Path.of(certificate.certificatePath()));
    HttpServer server =
        await(
            vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(
                            new PemKeyCertOptions()
                                .setCertPath(certificate.certificatePath())
                                .setKeyPath(certificate.privateKeyPath())))
                .requestHandler(request -> request.response().end(Buffer.buffer(LEADER_JSON)))
                .listen(0, HOST));
    int port = server.actualPort();
    try {
      // Trusting the CA, the certificate's name (localhost) matching the host asked.
      MemberSample trusted =
          poll(options().withCaPem(caPem), PatroniEndpoint.https("pg-0", "localhost", port));
      assertThat(trusted).isEqualTo(PatroniParser.parse("pg-0", LEADER_JSON));
      client.close();

      // Without the CA the JVM's trust store knows nothing of it.
      MemberSample untrusted = poll(options(), PatroniEndpoint.https("pg-0", "localhost", port));
      assertThat(untrusted.failure()).isEqualTo(SampleFailure.TLS);
      assertThat(untrusted.reason()).startsWith("TLS: ").contains("certification path");
      client.close();

      // The pod-IP case: trusted CA, but the certificate does not name 127.0.0.1.
      MemberSample wrongName =
          poll(options().withCaPem(caPem), PatroniEndpoint.https("pg-0", HOST, port));
      assertThat(wrongName.failure()).isEqualTo(SampleFailure.TLS);
      assertThat(wrongName.reason()).startsWith("TLS: ").contains("subject alternative");
      client.close();

      // ... which the documented switch accepts, still checking the chain.
      MemberSample nameNotChecked =
          poll(
              options().withCaPem(caPem).withVerifyHostname(false),
              PatroniEndpoint.https("pg-0", HOST, port));
      assertThat(nameNotChecked).isEqualTo(PatroniParser.parse("pg-0", LEADER_JSON));
      client.close();

      MemberSample stillUntrusted =
          poll(options().withVerifyHostname(false), PatroniEndpoint.https("pg-0", HOST, port));
      assertThat(stillUntrusted.failure()).isEqualTo(SampleFailure.TLS);
    } finally {
      await(server.close());
      certificate.delete();
    }
  }

  @Test
  void plainHttpToAnHttpsServerIsNotAnAnswer() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    HttpServer server =
        await(
            vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(request -> request.response().end(Buffer.buffer(LEADER_JSON)))
                .listen(0, HOST));
    try {
      MemberSample sample =
          poll(options(), PatroniEndpoint.http("pg-0", HOST, server.actualPort()));
      assertThat(sample.usable()).isFalse();
      assertThat(sample.failure()).isIn(SampleFailure.UNREACHABLE, SampleFailure.TIMEOUT);
    } finally {
      await(server.close());
      certificate.delete();
    }
  }
}
