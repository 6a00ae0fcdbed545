package io.syncgate.controller.patroni;

import io.syncgate.controller.http.RequestFailure;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SampleFailure;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code GET /patroni} on the members of one gate without blocking, over one pooled Vert.x
 * {@link HttpClient} on the controller's {@link Vertx}, configured from the gate's {@link
 * PatroniClientOptions}.
 *
 * <p>{@link #poll(PatroniEndpoint)} never fails: every outcome is a {@link MemberSample}, parsed
 * from a 200 answer or saying why there is none. The returned future completes at the latest when
 * the timeout has passed since the call, whatever the server does: at that deadline the request is
 * reset, which closes its connection, so a server that never answers or trickles bytes holds
 * nothing for longer. A body is counted while it arrives and the request is reset as soon as it
 * passes the size cap: nothing past the cap is read, let alone buffered.
 *
 * <p>Why the core client and not {@code WebClient}: WebClient (4.5) releases its request once the
 * response head has arrived, so when a body codec refuses bytes past the cap it neither resets the
 * request nor closes the connection, and keeps reading the rest to discard it. Here the request
 * stays in hand until the answer is complete.
 *
 * <p>Redirects are not followed (credentials go to the member asked, nowhere else). A server that
 * answers in HTTP/1.0 and closes after each answer, as Patroni 3.0 does, works: the body ends at
 * the close, and the pool opens a new connection for the next poll.
 */
public final class PatroniClient implements AutoCloseable {

  /** The path polled on every member. */
  public static final String PATH = "/patroni";

  /** Two per member: one in use, one being torn down after a reset. */
  private static final int MAX_CONNECTIONS_PER_MEMBER = 2;

  private static final Logger LOG = LoggerFactory.getLogger(PatroniClient.class);

  private final Vertx vertx;
  private final PatroniClientOptions options;
  private final HttpClient httpClient;
  private final String authorization;
  private final String timeoutReason;

  public PatroniClient(Vertx vertx, PatroniClientOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    HttpClientOptions httpOptions = httpClientOptions(options);
    this.httpClient =
        vertx
            .httpClientBuilder()
            .with(httpOptions)
            .with(httpOptions.getPoolOptions())
            // A connection's failure also reaches the request on it, whose handler decides the
            // sample; after a reset at the deadline there is none left (the decoder then reports
            // "closed before received headers"). Without this handler Vert.x logs each as an ERROR.
            .withConnectHandler(
                connection ->
                    connection.exceptionHandler(
                        failure ->
                            LOG.debug(
                                "Patroni connection to {} failed: {}",
                                connection.remoteAddress(),
                                failure.toString())))
            .build();
    this.authorization =
        options.credentials() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (options.credentials().username() + ":" + options.credentials().password())
                            .getBytes(StandardCharsets.UTF_8));
    this.timeoutReason = "timeout after " + describe(options.timeout());
    // Load and initialise the parser (Jackson) here, not on an event loop at the first answer.
    PatroniParser.parse("warm-up", "{}");
  }

  static HttpClientOptions httpClientOptions(PatroniClientOptions options) {
    HttpClientOptions http =
        new HttpClientOptions()
            .setName("syncgate-patroni")
            .setKeepAlive(options.keepAlive())
            .setMaxPoolSize(MAX_CONNECTIONS_PER_MEMBER)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()))
            .setVerifyHost(options.verifyHostname());
    if (options.caPem() != null) {
      http.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(options.caPem())));
    }
    return http;
  }

  public PatroniClientOptions options() {
    return options;
  }

  /** Polls one member; the future always succeeds with a sample. */
  public Future<MemberSample> poll(PatroniEndpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (!endpoint.hasAddress()) {
      return Future.succeededFuture(
          MemberSample.failed(endpoint.member(), SampleFailure.NOT_POLLED, "no pod IP yet"));
    }
    try {
      return new Poll(endpoint).start();
    } catch (RuntimeException e) {
      return Future.succeededFuture(
          MemberSample.failed(
              endpoint.member(),
              SampleFailure.NOT_POLLED,
              "poll not started: " + PatroniParser.shorten(e.getMessage())));
    }
  }

  /** One request: whichever of answer, failure, cap or deadline comes first decides the sample. */
  private final class Poll {
    private final PatroniEndpoint endpoint;
    private final String member;
    private final Promise<MemberSample> outcome = Promise.promise();
    private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
    private long timer;

    Poll(PatroniEndpoint endpoint) {
      this.endpoint = endpoint;
      this.member = endpoint.member();
    }

    Future<MemberSample> start() {
      long timeoutMillis = options.timeout().toMillis();
      RequestOptions requestOptions =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setHost(endpoint.host())
              .setPort(endpoint.port())
              .setURI(PATH)
              .setSsl(endpoint.tls())
              // Also bounds the wait for a pooled connection.
              .setConnectTimeout(timeoutMillis)
              .putHeader(HttpHeaders.ACCEPT, "application/json")
              .putHeader(HttpHeaders.USER_AGENT, "syncgate");
      if (authorization != null) {
        requestOptions.putHeader(HttpHeaders.AUTHORIZATION, authorization);
      }
      timer =
          vertx.setTimer(
              timeoutMillis,
              id -> abandon(MemberSample.failed(member, SampleFailure.TIMEOUT, timeoutReason)));
      httpClient
          .request(requestOptions)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  finish(failed(member, ar.cause()));
                  return;
                }
                HttpClientRequest req = ar.result();
                // Without handlers Vert.x logs our own resets and early closes as errors.
                req.exceptionHandler(failure -> finish(failed(member, failure)));
                request.set(req);
                if (outcome.future().isComplete()) {
                  req.reset(); // the deadline passed while the connection was being made
                  return;
                }
                req.send()
                    .onComplete(
                        sent -> {
                          if (sent.failed()) {
                            finish(failed(member, sent.cause()));
                          } else {
                            read(sent.result());
                          }
                        });
              });
      return outcome.future();
    }

    private void read(HttpClientResponse response) {
      response.exceptionHandler(failure -> finish(failed(member, failure)));
      int status = response.statusCode();
      if (status != 200) {
        // The body of an error says nothing we use; do not read it.
        abandon(statusSample(status));
        return;
      }
      Buffer body = Buffer.buffer(1024);
      response.handler(
          chunk -> {
            if (body.length() + chunk.length() > options.maxBodyBytes()) {
              abandon(
                  MemberSample.failed(
                      member,
                      SampleFailure.TOO_LARGE,
                      "body over " + options.maxBodyBytes() + " bytes"));
            } else if (!outcome.future().isComplete()) {
              body.appendBuffer(chunk);
            }
          });
      response.endHandler(v -> finish(PatroniParser.parse(member, body.getBytes())));
    }

    private MemberSample statusSample(int status) {
      if (status == 401) {
        return MemberSample.failed(
            member, SampleFailure.UNAUTHORIZED, "HTTP 401: check spec.patroni.credentialsSecret");
      }
      if (status == 403) {
        return MemberSample.failed(
            member,
            SampleFailure.UNAUTHORIZED,
            "HTTP 403: refused by Patroni (restapi allowlist or client certificate)");
      }
      return MemberSample.failed(member, SampleFailure.HTTP_STATUS, "HTTP " + status);
    }

    /** Decides the sample and stops the request: a reset closes its connection. */
    private void abandon(MemberSample sample) {
      finish(sample);
      HttpClientRequest req = request.get();
      if (req != null) {
        req.reset();
      }
    }

    private void finish(MemberSample sample) {
      if (outcome.tryComplete(sample)) {
        vertx.cancelTimer(timer);
      }
    }
  }

  /** Maps a failed request to the sample that says why ({@link RequestFailure}). */
  MemberSample failed(String member, Throwable failure) {
    RequestFailure why = RequestFailure.of(failure, null);
    return switch (why.kind()) {
      case TLS ->
          MemberSample.failed(
              member, SampleFailure.TLS, "TLS: " + PatroniParser.shorten(why.detail()));
      case TIMEOUT -> MemberSample.failed(member, SampleFailure.TIMEOUT, timeoutReason);
      case POOL_BUSY ->
          MemberSample.failed(
              member, SampleFailure.NOT_POLLED, "earlier polls of this member still pending");
      case UNREACHABLE ->
          MemberSample.failed(
              member, SampleFailure.UNREACHABLE, PatroniParser.shorten(why.detail()));
    };
  }

  /** "2s", "1500ms": how reasons and logs show a timeout. */
  static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  /** Closes the HTTP client and its pooled connections. */
  @Override
  public void close() {
    httpClient.close();
  }
}
