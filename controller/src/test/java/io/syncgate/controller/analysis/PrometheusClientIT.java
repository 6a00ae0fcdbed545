package io.syncgate.controller.analysis;

import static io.syncgate.controller.analysis.ClientFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.ControlledExporter;
import io.syncgate.controller.testing.Ports;
import io.syncgate.controller.testing.PrometheusServer;
import io.syncgate.controller.testing.TcpFaultProxy;
import io.syncgate.policy.analysis.CheckDefinition;
import io.syncgate.policy.analysis.CheckEvaluation;
import io.syncgate.policy.analysis.Comparison;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PrometheusClient} against a real Prometheus (Debian's 2.42) scraping a {@link
 * ControlledExporter} every second. Each test exports its own series, so they do not meet.
 */
class PrometheusClientIT {

  private static final String LATENCY = "app_read_latency_seconds";
  private static final Duration VISIBLE = Duration.ofSeconds(20);

  private static Vertx peers;
  private static ControlledExporter exporter;
  private static PrometheusServer prometheus;

  @RegisterExtension final ClientFixture fixture = new ClientFixture();

  @BeforeAll
  static void startPrometheus() {
    PrometheusServer.requireBinary();
    peers = Vertx.vertx();
    exporter = ControlledExporter.start(peers);
    prometheus = PrometheusServer.start(exporter.target());
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

  private PrometheusClient client() {
    return fixture.client(PrometheusOptions.of(prometheus.address()));
  }

  private static String latency(String replica) {
    return LATENCY + "{replica=\"" + replica + "\",namespace=\"pg\"}";
  }

  /** Exports {@code value} for {@code replica} and waits until Prometheus has scraped it. */
  private static void export(String replica, double value) {
    exporter.set(LATENCY, Map.of("replica", replica, "namespace", "pg"), value);
    prometheus.awaitValue(latency(replica), v -> Double.compare(v, value) == 0, VISIBLE);
  }

  @Test
  void aGaugeOfTheExporterIsTheAnswer() {
    export("value-1", 0.12);
    assertThat(query(client(), latency("value-1"))).isEqualTo(QueryAnswer.of(0.12));
    assertThat(query(client(), "scalar(" + latency("value-1") + ")"))
        .isEqualTo(QueryAnswer.of(0.12));
  }

  @Test
  void aChangedValueIsSeenOnceScraped() {
    export("change-1", 0.12);
    PrometheusClient client = client();
    exporter.set(LATENCY, Map.of("replica", "change-1", "namespace", "pg"), 0.31);
    List<QueryAnswer> seen = new ArrayList<>();
    Await.until(
        VISIBLE,
        "the client to see 0.31",
        () -> {
          QueryAnswer answer = query(client, latency("change-1"));
          seen.add(answer);
          return answer;
        },
        QueryAnswer.of(0.31)::equals);
    // Until the scrape, the old value and nothing else.
    assertThat(seen).containsOnly(QueryAnswer.of(0.12), QueryAnswer.of(0.31));
  }

  @Test
  void placeholdersAskForTheReplicasOwnSeries() {
    export("hippo-2", 0.12);
    export("hippo-3", 0.31);
    CheckDefinition check =
        new CheckDefinition(
            "read-latency",
            LATENCY + "{replica=\"{{replica}}\", namespace=\"{{namespace}}\"}",
            Comparison.LT,
            0.25,
            Duration.ofSeconds(10));
    PrometheusClient client = client();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(
            CheckEvaluation.of(check, at, query(client, check.queryFor("hippo-2", "pg"))).reason())
        .isEqualTo("read-latency: 0.12 < 0.25");
    assertThat(
            CheckEvaluation.of(check, at, query(client, check.queryFor("hippo-3", "pg"))).reason())
        .isEqualTo("read-latency: 0.31, needs < 0.25");
    assertThat(
            CheckEvaluation.of(check, at, query(client, check.queryFor("hippo-2", "other")))
                .reason())
        .isEqualTo("read-latency: query returned no series");
  }

  @Test
  void aQueryPrometheusCannotParseFailsWithItsError() {
    QueryAnswer answer = query(client(), "sum(");
    assertThat(answer.hasValue()).isFalse();
    assertThat(answer.failure()).startsWith("Prometheus error bad_data: ").contains("parse error");
  }

  @Test
  void aQueryMatchingNothingHasNoSeries() {
    assertThat(query(client(), latency("nobody"))).isEqualTo(QueryAnswer.noSeries());
  }

  @Test
  void aQueryMatchingSeveralSeriesFails() {
    exporter.set("app_two_series", Map.of("replica", "a"), 1);
    exporter.set("app_two_series", Map.of("replica", "b"), 2);
    prometheus.awaitValue("count(app_two_series)", v -> v == 2, VISIBLE);
    assertThat(query(client(), "app_two_series")).isEqualTo(QueryAnswer.seriesCount(2));
  }

  @Test
  void nanIsAFailureAndInfinityAValue() {
    exporter.set("app_nan_gauge", Map.of(), Double.NaN);
    exporter.set("app_inf_gauge", Map.of(), Double.POSITIVE_INFINITY);
    prometheus.awaitValue("count(app_nan_gauge) + count(app_inf_gauge)", v -> v == 2, VISIBLE);
    PrometheusClient client = client();
    assertThat(query(client, "app_nan_gauge")).isEqualTo(QueryAnswer.failed("query returned NaN"));
    assertThat(query(client, "app_inf_gauge")).isEqualTo(QueryAnswer.of(Double.POSITIVE_INFINITY));
    assertThat(query(client, "-app_inf_gauge")).isEqualTo(QueryAnswer.of(Double.NEGATIVE_INFINITY));
  }

  @Test
  void aRangeQueryIsNotACheck() {
    export("range-1", 0.12);
    assertThat(query(client(), latency("range-1") + "[10s]"))
        .isEqualTo(
            QueryAnswer.failed(
                "query returned a matrix, a check needs an instant vector or a scalar"));
  }

  @Test
  void aStoppedPrometheusIsUnreachable() {
    try (PrometheusServer own = PrometheusServer.start()) {
      PrometheusClient client = fixture.client(PrometheusOptions.of(own.address()));
      assertThat(query(client, "vector(0.5)")).isEqualTo(QueryAnswer.of(0.5));
      own.stop();
      // The first query may still go out on the kept-alive connection Prometheus closed as it
      // stopped, if the client has not noticed the close yet.
      assertThat(query(client, "vector(0.5)"))
          .isIn(
              QueryAnswer.unreachable("connection refused"),
              QueryAnswer.unreachable("connection closed before the answer was complete"));
      // A new connection is refused.
      QueryAnswer refused =
          Await.until(
              Duration.ofSeconds(10),
              "a refused connection",
              () -> query(client, "vector(0.5)"),
              answer -> answer.hasValue() || !answer.failure().contains("closed before"));
      assertThat(refused.failure()).isEqualTo("Prometheus unreachable: connection refused");
    }
  }

  @Test
  void anAnswerThatNeverComesTimesOut() {
    int port = Ports.free("127.0.0.1");
    TcpFaultProxy proxy =
        new TcpFaultProxy(peers, "127.0.0.1", port, "127.0.0.1", prometheus.port());
    try {
      proxy.accepting();
      PrometheusOptions throughProxy = PrometheusOptions.of(URI.create("http://127.0.0.1:" + port));
      PrometheusClient patient = fixture.client(throughProxy);
      PrometheusClient impatient = fixture.client(throughProxy.withTimeout(Duration.ofMillis(500)));
      // Through the proxy Prometheus answers ...
      assertThat(query(patient, "vector(0.5)")).isEqualTo(QueryAnswer.of(0.5));
      // ... until the proxy swallows every byte: no answer, ever.
      proxy.partitioned(true);
      assertThat(query(impatient, "vector(0.5)"))
          .isEqualTo(QueryAnswer.timedOut(Duration.ofMillis(500)));
      assertThat(query(impatient, "vector(0.5)").failure()).isEqualTo("timed out after 500ms");
      proxy.partitioned(false);
      assertThat(query(patient, "vector(0.5)")).isEqualTo(QueryAnswer.of(0.5));
    } finally {
      proxy.close();
    }
  }

  @Test
  void theAnswerCompletesOnTheCallersContext() {
    PrometheusClient client = client();
    Context context = fixture.vertx.getOrCreateContext();
    AtomicBoolean sameContext = new AtomicBoolean();
    QueryAnswer answer =
        Await.onContext(
            context,
            () -> {
              Promise<QueryAnswer> done = Promise.promise();
              client
                  .query("vector(0.5)")
                  .onComplete(
                      ar -> {
                        sameContext.set(Vertx.currentContext() == context);
                        done.handle(ar);
                      });
              return done.future();
            });
    assertThat(answer).isEqualTo(QueryAnswer.of(0.5));
    assertThat(sameContext).isTrue();
  }

  @Test
  void manyQueriesAtOnceAllGetTheirAnswer() {
    export("many-1", 0.12);
    PrometheusClient client = client();
    List<Future<QueryAnswer>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(client.query(latency("many-1")));
    }
    for (Future<QueryAnswer> answer : answers) {
      assertThat(Await.result(answer, Duration.ofSeconds(30))).isEqualTo(QueryAnswer.of(0.12));
    }
  }
}
