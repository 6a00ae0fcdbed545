package io.syncgate.controller.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.ControlledExporter;
import io.syncgate.controller.testing.PrometheusServer;
import io.syncgate.policy.analysis.CheckDefinition;
import io.syncgate.policy.analysis.CheckResult;
import io.syncgate.policy.analysis.CheckStatus;
import io.syncgate.policy.analysis.Comparison;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AnalysisRunner} on the gate's kind of context with a real {@link PrometheusClient} and a
 * real Prometheus (Debian's 2.42). Time is the runner's input, so the schedule is walked second by
 * second on a simulated clock, each answer in before the next second: what the test counts is
 * exactly the rule, not how fast this machine is. The queries are counted by a proxy in front of
 * Prometheus that records every request it forwards.
 */
class AnalysisRunnerIT {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String LATENCY = "app_read_latency_seconds";
  private static final Duration VISIBLE = Duration.ofSeconds(20);

  private static final CheckDefinition READ_LATENCY =
      new CheckDefinition(
          "read-latency",
          LATENCY + "{replica=\"{{replica}}\", namespace=\"{{namespace}}\"}",
          Comparison.LT,
          0.25,
          Duration.ofSeconds(10));

  private static final CheckDefinition UP =
      new CheckDefinition(
          "scraped",
          "count(" + LATENCY + "{replica=\"{{replica}}\"})",
          Comparison.GE,
          1,
          Duration.ofSeconds(30));

  private static Vertx peers;
  private static ControlledExporter exporter;
  private static PrometheusServer prometheus;

  @RegisterExtension final ClientFixture fixture = new ClientFixture();

  private RecordingProxy proxy;
  private Context context;
  private AnalysisRunner runner;
  private final List<String> finished = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startPrometheus() {
    PrometheusServer.requireBinary();
    peers = Vertx.vertx();
    exporter = ControlledExporter.start(peers);
    prometheus = PrometheusServer.start(exporter.target());
    export("hippo-2", 0.12);
    export("hippo-3", 0.31);
  }

  @AfterAll
  static void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
    if (peers != null) {
      Await.result(peers.close());
    }
  }

  @BeforeEach
  void startRunner() {
    proxy = RecordingProxy.start(peers, prometheus.port());
    PrometheusClient client = fixture.client(PrometheusOptions.of(proxy.address()));
    context = fixture.vertx.getOrCreateContext();
    runner =
        new AnalysisRunner(
            client, "pg", (replica, result) -> finished.add(replica + " " + result.reason()));
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private static void export(String replica, double value) {
    exporter.set(LATENCY, Map.of("replica", replica, "namespace", "pg"), value);
    prometheus.awaitValue(
        LATENCY + "{replica=\"" + replica + "\"}", v -> Double.compare(v, value) == 0, VISIBLE);
  }

  /** One call of the runner on its context, as the gate's tick makes it. */
  private Map<String, Map<String, CheckStatus>> evaluate(
      List<CheckDefinition> checks, Map<String, Instant> stepStarts, Instant now) {
    return Await.onContext(
        context, () -> Future.succeededFuture(runner.evaluate(checks, stepStarts, now)));
  }

  /** Waits until every query sent has its answer in (read on the runner's context). */
  private void awaitAnswers() {
    Await.until(
        Duration.ofSeconds(30),
        "every query answered",
        () -> Await.onContext(context, () -> Future.succeededFuture(runner.queriesInFlight())),
        inFlight -> inFlight == 0);
  }

  @Test
  void noQueryIsSentMoreOftenThanItsInterval() {
    Map<String, Instant> ramping = new LinkedHashMap<>();
    ramping.put("hippo-2", T0);
    ramping.put("hippo-3", T0);
    List<CheckDefinition> checks = List.of(READ_LATENCY, UP);
    for (int second = 0; second <= 65; second++) {
      Instant now = T0.plusSeconds(second);
      // Twice in the same second, the answers of the first call not in yet: nothing more sent.
      evaluate(checks, ramping, now);
      evaluate(checks, ramping, now);
      awaitAnswers();
    }
    // read-latency every 10 s (0, 10, ..., 60), scraped every 30 s (0, 30, 60), per replica.
    Map<String, Long> expected = new TreeMap<>();
    for (String replica : ramping.keySet()) {
      expected.put(READ_LATENCY.queryFor(replica, "pg"), 7L);
      expected.put(UP.queryFor(replica, "pg"), 3L);
    }
    assertThat(proxy.countsByQuery()).isEqualTo(expected);
    assertThat(finished).hasSize(20);
  }

  @Test
  void realValuesPassAndFailAndFailuresCountInARow() {
    Map<String, Instant> ramping = Map.of("hippo-2", T0, "hippo-3", T0);
    evaluate(List.of(READ_LATENCY), ramping, T0);
    awaitAnswers();
    Map<String, Map<String, CheckStatus>> known =
        evaluate(List.of(READ_LATENCY), ramping, T0.plusSeconds(1));
    assertThat(known.get("hippo-2").get("read-latency"))
        .isEqualTo(
            new CheckStatus(
                new CheckResult("read-latency", T0, true, "read-latency: 0.12 < 0.25"), 0));
    assertThat(known.get("hippo-3").get("read-latency"))
        .isEqualTo(
            new CheckStatus(
                new CheckResult("read-latency", T0, false, "read-latency: 0.31, needs < 0.25"), 1));

    evaluate(List.of(READ_LATENCY), ramping, T0.plusSeconds(10));
    awaitAnswers();
    assertThat(
            evaluate(List.of(READ_LATENCY), ramping, T0.plusSeconds(11))
                .get("hippo-3")
                .get("read-latency")
                .consecutiveFailures())
        .isEqualTo(2);

    // hippo-3 moves on to its next step at 15 s: its failures belong to the step before.
    Map<String, Instant> nextStep = Map.of("hippo-2", T0, "hippo-3", T0.plusSeconds(15));
    assertThat(evaluate(List.of(READ_LATENCY), nextStep, T0.plusSeconds(15)).get("hippo-3"))
        .isEmpty();
    assertThat(proxy.countsByQuery().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(4);
  }

  /**
   * An HTTP proxy in front of Prometheus, on the peers' Vert.x, that records the {@code query}
   * parameter of every request before forwarding it.
   */
  private static final class RecordingProxy implements AutoCloseable {
    private final HttpClient upstream;
    private final int prometheusPort;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private RecordingProxy(Vertx vertx, int prometheusPort) {
      this.upstream = vertx.createHttpClient();
      this.prometheusPort = prometheusPort;
    }

    static RecordingProxy start(Vertx vertx, int prometheusPort) {
      RecordingProxy proxy = new RecordingProxy(vertx, prometheusPort);
      proxy.server =
          Await.result(
              vertx.createHttpServer().requestHandler(proxy::forward).listen(0, "127.0.0.1"));
      return proxy;
    }

    URI address() {
      return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    /** How many requests asked each query. */
    Map<String, Long> countsByQuery() {
      return queries.stream()
          .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private void forward(HttpServerRequest request) {
      queries.add(String.valueOf(request.getParam("query")));
      upstream
          .request(
              new RequestOptions()
                  .setHost("127.0.0.1")
                  .setPort(prometheusPort)
                  .setURI(request.uri()))
          .compose(HttpClientRequest::send)
          .compose(
              response ->
                  response
                      .body()
                      .map(
                          body -> {
                            request
                                .response()
                                .setStatusCode(response.statusCode())
                                .putHeader("Content-Type", response.getHeader("Content-Type"))
                                .end(body);
                            return body;
                          }))
          .onFailure(e -> request.response().setStatusCode(502).end());
    }

    @Override
    public void close() {
      Await.result(server.close());
      Await.result(upstream.close());
    }
  }
}
