package io.syncgate.controller.patroni;

import io.syncgate.controller.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Patroni stand-ins on loopback for the client tests and the benchmark: a raw TCP server that
 * answers like Patroni 3.0.2 does (HTTP/1.0, no length, close), and a keep-alive Vert.x server.
 */
final class LoopbackPatroni {

  static final String HOST = "127.0.0.1";

  /**
   * A loopback address no test server listens on: a port freed there stays refused, where on {@link
   * #HOST} the next server on port 0 may get it.
   */
  static final String NOBODY_HOST = "127.0.0.9";

  private LoopbackPatroni() {}

  /** One accepted connection of a {@link RawServer}; {@code closed} flips when it goes away. */
  record Connection(NetSocket socket, AtomicBoolean closed) {}

  /** A raw TCP server; {@code onRequest} gets the connection once the request head has arrived. */
  static final class RawServer implements AutoCloseable {
    final NetServer server;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();

    private RawServer(NetServer server) {
      this.server = server;
    }

    int port() {
      return server.actualPort();
    }

    @Override
    public void close() throws Exception {
      await(server.close());
    }
  }

  /**
   * Serves {@code answer} (status line, headers, blank line, body) to every request, then closes.
   */
  static RawServer http10(Vertx vertx, Buffer answer) {
    return raw(vertx, connection -> connection.socket().end(answer));
  }

  /** Like Patroni 3.0.2: the recorded headers and body of {@code name} in {@code 3.0.2/}. */
  static RawServer recorded302(Vertx vertx, String name) {
    Buffer answer =
        Buffer.buffer(Fixtures.bytes("3.0.2/" + name + ".headers"))
            .appendBytes(Fixtures.bytes("3.0.2/" + name + ".json"));
    return http10(vertx, answer);
  }

  static RawServer raw(Vertx vertx, Consumer<Connection> onRequest) {
    return rawRequests(
        vertx,
        (connection, index) -> {
          if (index == 0) {
            onRequest.accept(connection);
          }
        });
  }

  /**
   * A raw TCP server; {@code onRequest} gets the connection and the request's index on it (0 for
   * the first) for every request head that arrives. The heads are kept in {@code requests}.
   */
  static RawServer rawRequests(Vertx vertx, BiConsumer<Connection, Integer> onRequest) {
    NetServer server = vertx.createNetServer();
    RawServer raw = new RawServer(server);
    server.connectHandler(
        socket -> {
          raw.connections.incrementAndGet();
          Connection connection = new Connection(socket, new AtomicBoolean());
          socket.closeHandler(
              v -> {
                connection.closed().set(true);
                raw.closed.incrementAndGet();
              });
          StringBuilder pending = new StringBuilder();
          int[] requests = {0};
          socket.handler(
              data -> {
                pending.append(data.toString(StandardCharsets.ISO_8859_1));
                int end;
                while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
                  raw.requests.add(pending.substring(0, end + 4));
                  pending.delete(0, end + 4);
                  onRequest.accept(connection, requests[0]++);
                }
              });
        });
    await(server.listen(0, HOST));
    return raw;
  }

  /** A keep-alive HTTP/1.1 server answering every request with 200 and {@code body}. */
  static HttpServer keepAlive(Vertx vertx, Buffer body, AtomicInteger connections) {
    HttpServer server =
        vertx
            .createHttpServer()
            .connectionHandler(connection -> connections.incrementAndGet())
            .requestHandler(
                request ->
                    request.response().putHeader("Content-Type", "application/json").end(body));
    return await(server.listen(0, HOST));
  }

  /** The future's result within 30 s, for the ITs and the benchmark alike. */
  static <T> T await(Future<T> future) {
    return Await.result(future, Duration.ofSeconds(30));
  }
}
