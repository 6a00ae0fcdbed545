package io.syncgate.controller.patroni;

import io.netty.buffer.ByteBuf;
import io.netty.util.NetUtil;
import io.syncgate.controller.http.RequestFailure;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SampleFailure;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code GET /patroni} on the members of one gate without blocking, over TCP connections of a
 * Vert.x {@link NetClient} on the controller's {@link Vertx}, configured from the gate's {@link
 * PatroniClientOptions}.
 *
 * <p>{@link #poll(PatroniEndpoint)} never fails: every outcome is a {@link MemberSample}, parsed
 * from a 200 answer or saying why there is none. The returned future completes at the latest when
 * the timeout has passed since the call, whatever the server does: at that deadline the connection
 * is closed, so a server that never answers or trickles bytes holds nothing for longer. A body is
 * counted while it arrives and the connection is closed as soon as it passes the size cap (or at
 * once when its {@code Content-Length} says it will): nothing past the cap is read, let alone
 * buffered. The head of an answer is bounded too ({@link HttpAnswerReader#MAX_HEAD_BYTES}).
 *
 * <p>Why a {@link NetClient} with a reader of our own ({@link HttpAnswerReader}) and not Vert.x's
 * {@code HttpClient}, the well-kept choice: measured, not assumed. A profile of the controller
 * polling 1,000 to 10,000 members once a second spent most of its CPU in the HTTP client's
 * connection lifecycle ({@code SimpleConnectionPool.execute}, {@code
 * Http1xClientConnection.handleResponseEnd}, {@code finishConnect}, {@code
 * NetClientImpl.connected}, {@code VertxHandler.setConnection}), about 30 % in syscalls, and 119 to
 * 143 µs per poll in close mode (Patroni 3.0 answers HTTP/1.0 and closes after every answer)
 * against 45 to 65 µs per check for HAProxy's {@code option httpchk}. A poll here is one write of a
 * request built once per member, one small state machine over the bytes that come back, and Jackson
 * reading the body where it lies. (Nor {@code WebClient}: in 4.5 it releases its request once the
 * head has arrived, so a body past the cap is read to the end to be discarded.)
 *
 * <p>Redirects are not followed (credentials go to the member asked, nowhere else). A server that
 * answers in HTTP/1.0 and closes after each answer, as Patroni 3.0 does, works: the body ends at
 * the close, and the next poll opens a new connection.
 *
 * <p>Keep-alive (when {@link PatroniClientOptions#keepAlive()}): the request is HTTP/1.1, and at
 * most one idle connection per member is kept, when the server kept it open (HTTP/1.1 without
 * {@code Connection: close}, or HTTP/1.0 with {@code Connection: keep-alive}) and the whole body,
 * delimited by its length or chunked encoding, was read. One the server closes while idle is
 * dropped. A poll that finds none opens one; two polls of one member at once (a gate's ticks do not
 * overlap, so only when one member is listed twice) each use their own. Without keep-alive the
 * request says {@code Connection: close} and every poll has its own connection.
 *
 * <p>Everything of one poll runs on the event loop of the context that called {@link #poll} (or,
 * called from outside Vert.x, of the context Vert.x gives that thread): its connection, its reads
 * and its deadline. An idle connection is reused only from the context that opened it.
 */
public final class PatroniClient implements AutoCloseable {

  /** The path polled on every member. */
  public static final String PATH = "/patroni";

  /** Members not polled for this long are forgotten, their idle connection closed. */
  private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

  private static final Logger LOG = LoggerFactory.getLogger(PatroniClient.class);

  private final Vertx vertx;
  private final PatroniClientOptions options;
  private final NetClient plain;
  private final NetClient tls;
  private final String authorization;
  private final String timeoutReason;
  private final Map<PatroniEndpoint, Target> targets = new ConcurrentHashMap<>();
  private volatile long nextSweep;

  public PatroniClient(Vertx vertx, PatroniClientOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    this.plain = vertx.createNetClient(netClientOptions(options, false));
    this.tls = vertx.createNetClient(netClientOptions(options, true));
    this.authorization =
        options.credentials() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (options.credentials().username() + ":" + options.credentials().password())
                            .getBytes(StandardCharsets.UTF_8));
    this.timeoutReason = "timeout after " + describe(options.timeout());
    this.nextSweep = System.nanoTime() + FORGET_AFTER_NANOS;
    // Load and initialise the parser (Jackson) here, not on an event loop at the first answer.
    PatroniParser.parse("warm-up", "{}");
  }

  static NetClientOptions netClientOptions(PatroniClientOptions options, boolean ssl) {
    NetClientOptions net =
        new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()))
            .setSsl(ssl);
    if (ssl) {
      net.setHostnameVerificationAlgorithm(options.verifyHostname() ? "HTTPS" : "");
      if (options.caPem() != null) {
        net.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(options.caPem())));
      }
    }
    return net;
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
      long now = System.nanoTime();
      Target target = targets.get(endpoint);
      if (target == null) {
        target = targets.computeIfAbsent(endpoint, Target::new);
      }
      target.lastPolled = now;
      if (now - nextSweep > 0) {
        forgetUnpolled(now);
      }
      Context context = vertx.getOrCreateContext();
      Poll poll = new Poll(target, context);
      if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
        poll.start();
      } else {
        context.runOnContext(v -> poll.start());
      }
      return poll.outcome.future();
    } catch (RuntimeException e) {
      return notStarted(endpoint.member(), e);
    }
  }

  private static Future<MemberSample> notStarted(String member, RuntimeException e) {
    return Future.succeededFuture(
        MemberSample.failed(
            member,
            SampleFailure.NOT_POLLED,
            "poll not started: " + PatroniParser.shorten(String.valueOf(e.getMessage()))));
  }

  /** Members whose pods went (their IPs change) would otherwise pile up with their connections. */
  private void forgetUnpolled(long now) {
    nextSweep = now + FORGET_AFTER_NANOS;
    targets
        .values()
        .removeIf(
            target -> {
              if (now - target.lastPolled < FORGET_AFTER_NANOS) {
                return false;
              }
              Conn idle = target.idle.getAndSet(null);
              if (idle != null) {
                idle.socket.close();
              }
              return true;
            });
  }

  /** One member as polled: its request, built once, and its idle connection, if any. */
  private final class Target {
    final PatroniEndpoint endpoint;
    final Buffer request;
    final String serverName;
    final AtomicReference<Conn> idle = new AtomicReference<>();
    volatile long lastPolled;

    Target(PatroniEndpoint endpoint) {
      this.endpoint = endpoint;
      this.request = request(endpoint);
      String host = endpoint.host();
      // SNI names a host, never an address.
      this.serverName =
          NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host) ? null : host;
    }

    NetClient client() {
      return endpoint.tls() ? tls : plain;
    }
  }

  /**
   * The request's bytes: HTTP/1.1, so a server that can keeps the connection, with {@code
   * Connection: close} when keep-alive is off.
   */
  private Buffer request(PatroniEndpoint endpoint) {
    String host = endpoint.host();
    String hostHeader = host.contains(":") ? "[" + host + "]" : host;
    int defaultPort = endpoint.tls() ? 443 : 80;
    if (endpoint.port() != defaultPort) {
      hostHeader += ":" + endpoint.port();
    }
    StringBuilder request =
        new StringBuilder("GET ")
            .append(PATH)
            .append(" HTTP/1.1\r\nHost: ")
            .append(hostHeader)
            .append("\r\nAccept: application/json\r\nUser-Agent: syncgate\r\n");
    if (authorization != null) {
      request.append("Authorization: ").append(authorization).append("\r\n");
    }
    if (!options.keepAlive()) {
      request.append("Connection: close\r\n");
    }
    return Buffer.buffer(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * One connection to a member, with its reader. Its handlers, set once, pass what happens to the
   * poll using it; while idle, any byte from the server or a close ends it.
   */
  private final class Conn {
    final NetSocket socket;
    final Context context;
    final Target target;
    final HttpAnswerReader reader;

    /** The poll using it; null while idle or once done. Touched on {@link #context} only. */
    Poll poll;

    volatile boolean closed;

    Conn(NetSocket socket, Context context, Target target) {
      this.socket = socket;
      this.context = context;
      this.target = target;
      this.reader = new HttpAnswerReader(options.maxBodyBytes());
      socket.handler(this::data);
      socket.closeHandler(v -> closed());
      // Without a handler Vert.x logs each failure of a connection as an ERROR.
      socket.exceptionHandler(this::failed);
    }

    private void data(Buffer data) {
      if (poll != null) {
        poll.data(data);
      } else {
        // Bytes nobody asked for: the connection is out of step.
        target.idle.compareAndSet(this, null);
        socket.close();
      }
    }

    private void closed() {
      closed = true;
      if (poll != null) {
        poll.closed();
      } else {
        target.idle.compareAndSet(this, null);
      }
    }

    private void failed(Throwable failure) {
      if (poll != null) {
        poll.failed(failure);
      } else {
        LOG.debug(
            "Patroni connection to {} failed: {}", socket.remoteAddress(), failure.toString());
      }
    }
  }

  /** One request: whichever of answer, failure, cap or deadline comes first decides the sample. */
  private final class Poll implements Handler<Long> {
    final Promise<MemberSample> outcome = Promise.promise();
    private final Target target;
    private final String member;
    private final Context context;
    private Conn conn;
    private boolean reused;
    private boolean retried;
    private boolean done;
    private long timer = -1;

    Poll(Target target, Context context) {
      this.target = target;
      this.member = target.endpoint.member();
      this.context = context;
    }

    void start() {
      try {
        timer = vertx.setTimer(options.timeout().toMillis(), this);
        Conn idle = target.idle.getAndSet(null);
        if (idle != null && idle.context == context && !idle.closed) {
          send(idle, true);
        } else {
          if (idle != null) {
            idle.socket.close();
          }
          connect();
        }
      } catch (RuntimeException e) {
        finish(notStarted(member, e).result());
      }
    }

    /** The deadline. */
    @Override
    public void handle(Long id) {
      timer = -1;
      finish(MemberSample.failed(member, SampleFailure.TIMEOUT, timeoutReason));
    }

    private void connect() {
      PatroniEndpoint endpoint = target.endpoint;
      target
          .client()
          .connect(endpoint.port(), endpoint.host(), target.serverName)
          .onComplete(this::connected);
    }

    private void connected(AsyncResult<NetSocket> ar) {
      if (ar.failed()) {
        finish(failedSample(member, ar.cause()));
        return;
      }
      Conn fresh = new Conn(ar.result(), context, target);
      if (done) {
        fresh.socket.close(); // the deadline passed while the connection was being made
        return;
      }
      send(fresh, false);
    }

    private void send(Conn connection, boolean pooled) {
      conn = connection;
      reused = pooled;
      connection.poll = this;
      connection.reader.reset();
      connection.socket.write(target.request);
    }

    void data(Buffer data) {
      if (done) {
        return;
      }
      HttpAnswerReader reader = conn.reader;
      ByteBuf bytes = data.getByteBuf();
      HttpAnswerReader.Progress progress;
      if (bytes.hasArray()) {
        progress =
            reader.feed(
                bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      } else {
        byte[] copy = data.getBytes();
        progress = reader.feed(copy, 0, copy.length);
      }
      answered(progress);
    }

    void closed() {
      if (!done && !retryStale()) {
        answered(conn.reader.closed());
      }
    }

    void failed(Throwable failure) {
      if (!done && !retryStale()) {
        finish(failedSample(member, failure));
      }
    }

    /**
     * A kept-alive connection that fails before any byte of the answer was most likely closed by
     * the server as it went idle, the close not yet seen when this poll took it: such a poll is
     * made again, once, on a new connection, within the same deadline (a GET changes nothing).
     */
    private boolean retryStale() {
      if (!reused || retried || conn.reader.sawByte()) {
        return false;
      }
      retried = true;
      reused = false;
      conn.poll = null;
      conn.socket.close();
      conn = null;
      try {
        connect();
      } catch (RuntimeException e) {
        finish(notStarted(member, e).result());
      }
      return true;
    }

    private void answered(HttpAnswerReader.Progress progress) {
      HttpAnswerReader reader = conn.reader;
      switch (progress) {
        case MORE -> {}
        case DONE -> {
          int status = reader.status();
          MemberSample sample =
              status == 200
                  ? PatroniParser.parse(member, reader.body(), 0, reader.bodyLength())
                  : statusSample(member, status);
          if (options.keepAlive() && reader.reusable() && !conn.closed) {
            Conn kept = conn;
            kept.poll = null;
            conn = null;
            if (!target.idle.compareAndSet(null, kept)) {
              kept.socket.close(); // another poll of this member keeps its own
            }
          }
          finish(sample);
        }
        case FAILED ->
            finish(
                switch (reader.failure()) {
                  case TOO_LARGE ->
                      MemberSample.failed(member, SampleFailure.TOO_LARGE, reader.reason());
                  case CLOSED_EARLY ->
                      MemberSample.failed(member, SampleFailure.UNREACHABLE, reader.reason());
                  case MALFORMED ->
                      MemberSample.failed(member, SampleFailure.BAD_ANSWER, reader.reason());
                });
      }
    }

    /** Decides the sample, once; a connection not handed back to be kept is closed. */
    private void finish(MemberSample sample) {
      if (done) {
        return;
      }
      done = true;
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      if (conn != null) {
        conn.poll = null;
        conn.socket.close();
        conn = null;
      }
      outcome.complete(sample);
    }
  }

  private static MemberSample statusSample(String member, int status) {
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

  /** Maps a failed connection to the sample that says why ({@link RequestFailure}). */
  MemberSample failedSample(String member, Throwable failure) {
    RequestFailure why = RequestFailure.of(failure, null);
    return switch (why.kind()) {
      case TLS ->
          MemberSample.failed(
              member, SampleFailure.TLS, "TLS: " + PatroniParser.shorten(why.detail()));
      case TIMEOUT -> MemberSample.failed(member, SampleFailure.TIMEOUT, timeoutReason);
      // Not from a NetClient, which has no pool; kept for the switch to be whole.
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

  /** Closes the clients and every connection, idle or in use. */
  @Override
  public void close() {
    targets.clear();
    plain.close();
    tls.close();
  }
}
