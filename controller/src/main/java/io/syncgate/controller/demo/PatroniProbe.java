package io.syncgate.controller.demo;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a Patroni member the questions an operator's probe or a load balancer would ask: {@code GET
 * /readiness} (a Kubernetes readiness probe) and {@code GET /replica?lag=…} (HAProxy's check), and
 * answers with the HTTP status. Blocking: call it from the demo's story thread, never from an event
 * loop.
 */
final class PatroniProbe implements AutoCloseable {

  /** The status reported when the member gave no answer in time (or refused the connection). */
  static final int NO_ANSWER = -1;

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final WebClient client;

  PatroniProbe(Vertx vertx) {
    // Patroni 3.0.2 closes every connection after its answer: nothing to keep alive.
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout((int) TIMEOUT.toMillis())
                .setUserAgent("syncgate-demo"));
  }

  /** The status of {@code GET baseUri/readiness}. */
  int readiness(String baseUri) {
    return status(baseUri + "/readiness");
  }

  /** The status of {@code GET baseUri/replica?lag=<maxLagBytes>}, in Patroni's own units. */
  int replicaWithin(String baseUri, long maxLagBytes) {
    return status(baseUri + "/replica?lag=" + lagParameter(maxLagBytes));
  }

  /**
   * {@code maxLagBytes} as Patroni's {@code lag} parameter reads it: {@code 1MB}, {@code 512kB}
   * (Patroni's units are powers of 1024), or plain bytes.
   */
  static String lagParameter(long maxLagBytes) {
    if (maxLagBytes > 0 && maxLagBytes % (1L << 30) == 0) {
      return (maxLagBytes >> 30) + "GB";
    }
    if (maxLagBytes > 0 && maxLagBytes % (1L << 20) == 0) {
      return (maxLagBytes >> 20) + "MB";
    }
    if (maxLagBytes > 0 && maxLagBytes % (1L << 10) == 0) {
      return (maxLagBytes >> 10) + "kB";
    }
    return Long.toString(maxLagBytes);
  }

  private int status(String uri) {
    try {
      return client
          .getAbs(uri)
          .timeout(TIMEOUT.toMillis())
          .send()
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)
          .statusCode();
    } catch (ExecutionException | TimeoutException e) {
      return NO_ANSWER;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NO_ANSWER;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
