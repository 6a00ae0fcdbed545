package io.syncgate.controller.analysis;

import io.syncgate.controller.http.RequestFailure;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks one Prometheus instant queries ({@code GET <address>/api/v1/query?query=...}) without
 * blocking, over one pooled Vert.x {@link HttpClient} configured from {@link PrometheusOptions}.
 *
 * <p>{@link #query(String)} never fails: every outcome is a {@link QueryAnswer}, a value parsed by
 * {@link PrometheusAnswer} or the reason there is none. It completes at the latest when the timeout
 * has passed since the call, whatever the server does: at that deadline the request is reset, which
 * closes its connection. The body is counted while it arrives and the request is reset as soon as
 * it passes the cap. Prometheus is also told the timeout ({@code timeout=} parameter), so it stops
 * evaluating a query nobody waits for any more.
 *
 * <p>The core client rather than WebClient: WebClient (4.5) releases its request once the head has
 * arrived, where here the request stays in hand until the answer is complete, so a body over the
 * cap resets it. ({@code PatroniClient}, polled far more often, reads its answers off a {@code
 * NetClient} for a measured reason it gives.) Redirects are not followed: credentials go to the
 * address configured, nowhere else.
 *
 * <p>Safe to call from any thread; on a Vert.x context (the gate's), the answer completes on it.
 */
public final class PrometheusClient implements AutoCloseable {

  /** The instant-query path, after the address's own path prefix. */
  public static final String PATH = "/api/v1/query";

  /** Queries of one gate run side by side (checks times ramping replicas); a few connections do. */
  static final int MAX_CONNECTIONS = 4;

  /** Idle pooled connections are closed well before Prometheus (5 m) or a proxy closes them. */
  static final int KEEP_ALIVE_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusClient.class);

  private final Vertx vertx;
  private final PrometheusOptions options;
  private final HttpClient httpClient;
  private final String host;
  private final int port;
  private final String authorization;
  private volatile boolean closed;

  public PrometheusClient(Vertx vertx, PrometheusOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    URI address = options.address();
    String uriHost = address.getHost();
    this.host =
        uriHost.startsWith("[") && uriHost.endsWith("]")
            ? uriHost.substring(1, uriHost.length() - 1)
            : uriHost;
    this.port = address.getPort() != -1 ? address.getPort() : options.tls() ? 443 : 80;
    this.authorization = authorization(options);
    HttpClientOptions httpOptions = httpClientOptions(options);
    this.httpClient =
        vertx
            .httpClientBuilder()
            .with(httpOptions)
            .with(httpOptions.getPoolOptions().setHttp1MaxSize(MAX_CONNECTIONS))
            // A connection's failure also reaches the request on it, whose handler words the
            // answer. Without this handler Vert.x logs each as an ERROR.
            .withConnectHandler(
                connection ->
                    connection.exceptionHandler(
                        failure ->
                            LOG.debug(
                                "Prometheus connection to {} failed: {}",
                                connection.remoteAddress(),
                                failure.toString())))
            .build();
    // Load and initialise the parser (Jackson) here, not on an event loop at the first answer.
    PrometheusAnswer.parse(200, "{}".getBytes(StandardCharsets.UTF_8));
  }

  static HttpClientOptions httpClientOptions(PrometheusOptions options) {
    HttpClientOptions http =
        new HttpClientOptions()
            .setName("syncgate-prometheus")
            .setKeepAlive(true)
            .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
            .setMaxPoolSize(MAX_CONNECTIONS)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()))
            .setVerifyHost(options.verifyHostname());
    if (options.caPem() != null) {
      http.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(options.caPem())));
    }
    return http;
  }

  private static String authorization(PrometheusOptions options) {
    if (options.bearerToken() != null) {
      return "Bearer " + options.bearerToken();
    }
    if (options.basic() != null) {
      String pair = options.basic().username() + ":" + options.basic().password();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** Prometheus's {@code timeout} parameter: seconds, as a decimal ({@code 5}, {@code 0.25}). */
  static String seconds(long millis) {
    return millis % 1000 == 0
        ? Long.toString(millis / 1000)
        : java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  public PrometheusOptions options() {
    return options;
  }

  /**
   * The request URI (path and query string) that asks {@code promql}: the address's path prefix,
   * {@link #PATH}, the URL-encoded query and the timeout.
   */
  static String requestUri(PrometheusOptions options, String promql) {
    String path = options.address().getRawPath() == null ? "" : options.address().getRawPath();
    String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return prefix
        + PATH
        + "?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&timeout="
        + seconds(options.timeout().toMillis());
  }

  /** Asks {@code promql} as an instant query now; the future always succeeds with an answer. */
  public Future<QueryAnswer> query(String promql) {
    if (promql == null || promql.isBlank()) {
      return Future.succeededFuture(QueryAnswer.failed("empty query"));
    }
    if (closed) {
      return Future.succeededFuture(QueryAnswer.failed("query not sent: the client is closed"));
    }
    try {
      return new Query(promql).start();
    } catch (RuntimeException e) {
      return Future.succeededFuture(
          QueryAnswer.failed("query not sent: " + QueryAnswer.detail(String.valueOf(e))));
    }
  }

  /** One request: whichever of answer, failure, cap or deadline comes first decides the answer. */
  private final class Query {
    private final String uri;
    private final Promise<QueryAnswer> outcome = Promise.promise();
    private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
    private long timer;

    Query(String promql) {
      this.uri = requestUri(options, promql);
    }

    Future<QueryAnswer> start() {
      long timeoutMillis = options.timeout().toMillis();
      RequestOptions requestOptions =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setHost(host)
              .setPort(port)
              .setURI(uri)
              .setSsl(options.tls())
              .setFollowRedirects(false)
              // Also bounds the wait for a pooled connection.
              .setConnectTimeout(timeoutMillis)
              .putHeader(HttpHeaders.ACCEPT, "application/json")
              .putHeader(HttpHeaders.USER_AGENT, "syncgate");
      if (authorization != null) {
        requestOptions.putHeader(HttpHeaders.AUTHORIZATION, authorization);
      }
      timer = vertx.setTimer(timeoutMillis, id -> abandon(QueryAnswer.timedOut(options.timeout())));
      httpClient
          .request(requestOptions)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  finish(failed(ar.cause()));
                  return;
                }
                HttpClientRequest req = ar.result();
                // Without handlers Vert.x logs our own resets and early closes as errors.
                req.exceptionHandler(failure -> finish(failed(failure)));
                request.set(req);
                if (outcome.future().isComplete()) {
                  req.reset(); // the deadline passed while the connection was being made
                  return;
                }
                req.send()
                    .onComplete(
                        sent -> {
                          if (sent.failed()) {
                            finish(failed(sent.cause()));
                          } else {
                            read(sent.result());
                          }
                        });
              });
      return outcome.future();
    }

    private void read(HttpClientResponse response) {
      response.exceptionHandler(failure -> finish(failed(failure)));
      int status = response.statusCode();
      // Error answers are read too: Prometheus says in the body what was wrong with the query.
      Buffer body = Buffer.buffer(1024);
      response.handler(
          chunk -> {
            if (outcome.future().isComplete()) {
              return;
            }
            if (body.length() + chunk.length() > options.maxBodyBytes()) {
              abandon(
                  status == 200
                      ? QueryAnswer.badAnswer("answer over " + options.maxBodyBytes() + " bytes")
                      : QueryAnswer.httpStatus(status));
            } else {
              body.appendBuffer(chunk);
            }
          });
      response.endHandler(v -> finish(PrometheusAnswer.parse(status, body)));
    }

    /** Decides the answer and stops the request: a reset closes its connection. */
    private void abandon(QueryAnswer answer) {
      finish(answer);
      HttpClientRequest req = request.get();
      if (req != null) {
        req.reset();
      }
    }

    private void finish(QueryAnswer answer) {
      if (outcome.tryComplete(answer)) {
        vertx.cancelTimer(timer);
      }
    }
  }

  /** Words a failed request ({@link RequestFailure}). */
  QueryAnswer failed(Throwable failure) {
    RequestFailure why = RequestFailure.of(failure, host);
    return switch (why.kind()) {
      case TLS ->
          QueryAnswer.failed("TLS with Prometheus failed: " + QueryAnswer.detail(why.detail()));
      case TIMEOUT -> QueryAnswer.timedOut(options.timeout());
      case POOL_BUSY, UNREACHABLE -> QueryAnswer.unreachable(why.detail());
    };
  }

  /** Closes the HTTP client and its pooled connections; later queries fail at once. */
  @Override
  public void close() {
    closed = true;
    httpClient.close();
  }
}
