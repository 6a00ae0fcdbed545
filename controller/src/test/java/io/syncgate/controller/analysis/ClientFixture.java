package io.syncgate.controller.analysis;

import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.controller.testing.StrictVertxFixture;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Per test: the Vert.x the code under test runs on, with the strict blocked-thread budget (a block
 * fails the test), and the Prometheus clients made on it, all closed after the test.
 */
final class ClientFixture extends StrictVertxFixture {

  final Vertx vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  private final List<PrometheusClient> clients = new ArrayList<>();

  /** A client on this fixture's Vert.x, closed after the test. */
  PrometheusClient client(PrometheusOptions options) {
    PrometheusClient client = new PrometheusClient(vertx, options);
    clients.add(client);
    return client;
  }

  /** The answer of {@code client} to {@code promql}; the client bounds the wait itself. */
  static QueryAnswer query(PrometheusClient client, String promql) {
    return Await.result(client.query(promql), Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    clients.forEach(PrometheusClient::close);
    Await.result(vertx.close(), Duration.ofSeconds(10));
  }
}
