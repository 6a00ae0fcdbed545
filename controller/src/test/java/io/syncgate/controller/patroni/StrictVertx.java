package io.syncgate.controller.patroni;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Future;
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
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x for tests that complains loudly when an event loop is blocked: 200 ms allowed, checked
 * every 50 ms. Vert.x logs such a block through SLF4J; {@link #blockedThreadWarnings()} collects
 * those lines so a test can assert there were none.
 *
 * <p>Before counting starts, one plain, one HTTP/1.0-and-close and one TLS exchange run through
 * Vert.x's own client and servers. On a busy two-core machine the JVM's first loading and linking
 * of Netty's and Vert.x's classes on an event loop alone can take longer than 200 ms; that one-off
 * cost is not what the check is for. Syncgate's own classes are not warmed here.
 */
final class StrictVertx implements AutoCloseable {

  static final long MAX_EVENT_LOOP_MILLIS = 200;

  private final Vertx vertx;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          String message = event.getFormattedMessage();
          if (message != null && message.contains("has been blocked for")) {
            warnings.add(message);
          }
        }
      };
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  StrictVertx() {
    appender.start();
    root.addAppender(appender);
    vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(50)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                // Log where the loop was stuck as soon as it is reported.
                .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    try {
      warmUp();
    } catch (Exception e) {
      throw new IllegalStateException("Vert.x warm-up failed", e);
    }
    warnings.clear();
  }

  private void warmUp() throws Exception {
    HttpServer plain =
        await(
            vertx
                .createHttpServer()
                .requestHandler(request -> request.response().end("{}"))
                .listen(0, "127.0.0.1"));
    NetServer http10 =
        await(
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
        await(
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
      get(client, new RequestOptions().setPort(plain.actualPort()));
      get(client, new RequestOptions().setPort(http10.actualPort()));
      get(client, new RequestOptions().setPort(tls.actualPort()).setSsl(true));
    } finally {
      await(client.close());
      await(plain.close());
      await(http10.close());
      await(tls.close());
      certificate.delete();
    }
  }

  private static void get(HttpClient client, RequestOptions request) {
    await(
        client
            .request(request.setHost("localhost").setURI("/patroni"))
            .compose(req -> req.send().compose(HttpClientResponse::body)));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Vertx vertx() {
    return vertx;
  }

  /** The blocked-thread checker's lines logged since this Vert.x was created. */
  List<String> blockedThreadWarnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      root.detachAppender(appender);
    }
  }
}
