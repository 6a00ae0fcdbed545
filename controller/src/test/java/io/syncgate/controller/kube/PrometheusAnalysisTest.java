package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.analysis.PrometheusOptions;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.controller.testing.StrictVertxFixture;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.gating.CheckVerdict;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PrometheusAnalysis}: when it reads Secrets, and what it says while it cannot. */
class PrometheusAnalysisTest {

  private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

  static final class Fixture extends StrictVertxFixture {
    final Vertx vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
    final Context context = vertx.getOrCreateContext();

    @Override
    public void close() {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @RegisterExtension final Fixture f = new Fixture();

  private final AtomicInteger reads = new AtomicInteger();

  private static GateSettings.AnalysisSettings settings(String address) {
    return new GateSettings.AnalysisSettings(
        URI.create(address),
        Duration.ofSeconds(1),
        null,
        null,
        new SecretRef("prom-token"),
        true,
        true,
        List.of(
            new GateSettings.CheckSpecParsed(
                "errors", "up{pod=\"{{replica}}\"}", "<", 1, Duration.ofSeconds(30))));
  }

  private Map<String, Map<String, CheckVerdict>> verdicts(
      PrometheusAnalysis analysis, GateSettings.AnalysisSettings s, Instant now) {
    return Await.onContext(f.context, () -> analysis.verdicts(s, Map.of("pg-2", T0), now));
  }

  @Test
  void whileItsSecretsCannotBeReadEveryCheckFailsSayingWhy() {
    PrometheusAnalysis analysis =
        new PrometheusAnalysis(
            new GateKey("db", "g"),
            f.vertx,
            f.context,
            (ns, s) -> {
              reads.incrementAndGet();
              return Future.failedFuture(
                  new IllegalStateException("Secret db/prom-token not found"));
            },
            (replica, result) -> {});
    Map<String, Map<String, CheckVerdict>> v =
        verdicts(analysis, settings("http://127.0.0.1:1"), T0);
    CheckVerdict errors = v.get("pg-2").get("errors");
    assertThat(errors.passed()).isFalse();
    assertThat(errors.reason())
        .isEqualTo("errors: Prometheus Secrets: Secret db/prom-token not found");
    // Not read again on every tick: once a minute, or when the settings change.
    verdicts(analysis, settings("http://127.0.0.1:1"), T0.plusSeconds(30));
    assertThat(reads).hasValue(1);
    verdicts(analysis, settings("http://127.0.0.1:1"), T0.plusSeconds(60));
    assertThat(reads).hasValue(2);
    verdicts(analysis, settings("http://127.0.0.1:2"), T0.plusSeconds(61));
    assertThat(reads).hasValue(3);
    analysis.close();
  }

  @Test
  void anUnreachablePrometheusIsAFailedResultOnceItsQueryEnds() {
    PrometheusAnalysis analysis =
        new PrometheusAnalysis(
            new GateKey("db", "g"),
            f.vertx,
            f.context,
            (ns, s) -> Future.succeededFuture(PrometheusOptions.of(s.address())),
            (replica, result) -> {});
    // Port 1 on loopback: nothing listens, the connection is refused.
    GateSettings.AnalysisSettings s = settings("http://127.0.0.1:1");
    Map<String, Map<String, CheckVerdict>> first = verdicts(analysis, s, T0);
    assertThat(first.get("pg-2")).as("no result yet: the query was just sent").isEmpty();
    Map<String, Map<String, CheckVerdict>> later =
        Await.until(
            Duration.ofSeconds(10),
            "the refused query's result",
            () -> verdicts(analysis, s, T0.plusSeconds(1)),
            v -> !v.get("pg-2").isEmpty());
    CheckVerdict errors = later.get("pg-2").get("errors");
    assertThat(errors.passed()).isFalse();
    assertThat(errors.reason()).startsWith("errors: Prometheus unreachable");
    assertThat(errors.consecutiveFailures()).isEqualTo(1);
    analysis.close();
  }
}
