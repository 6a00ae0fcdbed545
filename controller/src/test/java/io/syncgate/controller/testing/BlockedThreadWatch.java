package io.syncgate.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Vert.x's blocked-thread checker complained during it.
 *
 * <p>Register with {@code @RegisterExtension final BlockedThreadWatch watch = new
 * BlockedThreadWatch();} and create the test's {@code Vertx} with {@link #strictOptions()}: an
 * event loop busy for more than 300 ms then logs a warning that this extension turns into a test
 * failure after the test.
 *
 * <p>A self-test that blocks an event loop on purpose uses {@link #quiet()} and calls {@link
 * #start()} and {@link #stop()} itself: the warnings it provokes are captured but kept off the
 * console, so a build log that says "blocked for" always means a real block.
 */
public final class BlockedThreadWatch implements BeforeEachCallback, AfterEachCallback {

  /** The logger Vert.x 4's BlockedThreadChecker writes to. */
  public static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

  private final Logger logger = (Logger) LoggerFactory.getLogger(CHECKER_LOGGER);
  private final boolean toConsoleToo;
  private ListAppender<ILoggingEvent> appender;
  private Level levelBefore;
  private boolean additiveBefore;

  /** A watch whose captured warnings also reach the configured appenders (the console). */
  public BlockedThreadWatch() {
    this(true);
  }

  private BlockedThreadWatch(boolean toConsoleToo) {
    this.toConsoleToo = toConsoleToo;
  }

  /**
   * A watch for deliberately provoked warnings: while it runs, the checker's logger writes only to
   * this watch, not to the console.
   */
  public static BlockedThreadWatch quiet() {
    return new BlockedThreadWatch(false);
  }

  /**
   * Vert.x options that make the checker strict: 300 ms event-loop budget (Vert.x defaults to 2 s),
   * checked every 50 ms. 200 ms flagged a one-time first-call cost of ~216 ms on a quiet machine
   * (class loading / fabric8 model set-up on the event loop), noted as a known issue.
   */
  public static VertxOptions strictOptions() {
    return new VertxOptions()
        .setMaxEventLoopExecuteTime(300)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setMaxWorkerExecuteTime(5)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS)
        .setBlockedThreadCheckInterval(50)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        // Log where the thread is stuck from the first warning on, not after Vert.x's default 5 s.
        .setWarningExceptionTime(300)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    warmUpOnce();
    start();
  }

  /**
   * Loads Vert.x's and Netty's classes once per JVM, before anything is watched. The first bind or
   * request of a JVM loads hundreds of classes on the event loop; on a busy two-core machine that
   * alone can take longer than 200 ms, and it is not what the watch is about. The exchanges cover
   * what the tests use: a keep-alive HTTP server and client, an HTTP/1.0 answer ended by a close
   * (as Patroni 3.0 sends), TLS, a raw TCP socket and a worker. Syncgate's own classes are not
   * warmed here.
   */
  public static void warmUpOnce() {
    if (!WARMED_UP.compareAndSet(false, true)) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server =
          Await.result(
              vertx
                  .createHttpServer()
                  .requestHandler(r -> r.response().end("{\"warm\": true}"))
                  .listen(0, "127.0.0.1"));
      WebClient client = WebClient.create(vertx);
      Await.result(client.get(server.actualPort(), "127.0.0.1", "/").send()).bodyAsJsonObject();
      client.close();
      warmUpHttp10AndTls(vertx);
      NetServer netServer =
          Await.result(
              vertx
                  .createNetServer()
                  .connectHandler(
                      socket ->
                          socket.handler(RecordParser.newDelimited("\n", line -> socket.end(line))))
                  .listen(0, "127.0.0.1"));
      NetSocket socket =
          Await.result(vertx.createNetClient().connect(netServer.actualPort(), "127.0.0.1"));
      Promise<Void> closed = Promise.promise();
      socket.closeHandler(v -> closed.tryComplete());
      Await.result(socket.write("warm\n"));
      Await.result(closed.future());
      Await.result(vertx.executeBlocking(() -> "warm"));
    } finally {
      Await.result(vertx.close());
    }
  }

  private static void warmUpHttp10AndTls(Vertx vertx) {
    NetServer http10 =
        Await.result(
            vertx
                .createNetServer()
                .connectHandler(
                    socket ->
                        socket.handler(
                            data ->
                                socket.end(
                                    Buffer.buffer(
                                        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}"))))
                .listen(0, "127.0.0.1"));
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    HttpServer tls =
        Await.result(
            vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setSsl(true)
                        .setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(request -> request.response().end("{}"))
                .listen(0, "127.0.0.1"));
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setTrustOptions(certificate.trustOptions()));
    try {
      get(client, new RequestOptions().setPort(http10.actualPort()));
      get(client, new RequestOptions().setPort(tls.actualPort()).setSsl(true));
    } finally {
      Await.result(client.close());
      Await.result(http10.close());
      Await.result(tls.close());
      certificate.delete();
    }
  }

  private static void get(HttpClient client, RequestOptions request) {
    Await.result(
        client
            .request(request.setHost("localhost").setURI("/warm"))
            .compose(req -> req.send().compose(HttpClientResponse::body)));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      assertThat(warnings())
          .as("Vert.x blocked-thread warnings during %s", context.getDisplayName())
          .isEmpty();
    } finally {
      stop();
    }
  }

  /** Starts capturing (done by the extension before each test). */
  public void start() {
    appender = new ListAppender<>();
    appender.start();
    levelBefore = logger.getLevel();
    additiveBefore = logger.isAdditive();
    if (logger.getEffectiveLevel().isGreaterOrEqual(Level.ERROR)) {
      logger.setLevel(Level.WARN); // a quieter configuration must not hide the warnings
    }
    logger.addAppender(appender);
    if (!toConsoleToo) {
      logger.setAdditive(false); // the capture appender is then the only one the checker reaches
    }
  }

  /** Stops capturing and puts the logger back as it was. */
  public void stop() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setAdditive(additiveBefore);
    logger.setLevel(levelBefore);
  }

  /** The checker's messages captured so far. */
  public List<String> warnings() {
    // ListAppender appends under its own lock (AppenderBase.doAppend is synchronized).
    synchronized (appender) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }
}
