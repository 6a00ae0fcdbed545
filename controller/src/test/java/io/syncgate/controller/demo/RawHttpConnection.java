package io.syncgate.controller.demo;

import io.syncgate.controller.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw TCP client for the simulator's tests: writes request bytes, and reads answers as bytes so
 * their exact framing can be asserted (which an HTTP client would hide).
 */
final class RawHttpConnection {

  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?i)\\r\\nContent-Length:\\s*(\\d+)\\r\\n");

  private final NetSocket socket;
  private final StringBuilder received = new StringBuilder();
  private volatile boolean closed;

  private RawHttpConnection(NetSocket socket) {
    this.socket = socket;
    socket.handler(this::onData);
    socket.closeHandler(v -> closed = true);
  }

  static RawHttpConnection open(Vertx vertx, SocketAddress address) {
    NetSocket socket =
        Await.result(
            vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000)).connect(address));
    return new RawHttpConnection(socket);
  }

  /** Sends {@code GET path} as HTTP/1.1 (as Vert.x's client does). */
  RawHttpConnection get(String path) {
    return send("GET " + path + " HTTP/1.1\r\nHost: patroni\r\nUser-Agent: test\r\n\r\n");
  }

  RawHttpConnection send(String request) {
    Await.result(socket.write(Buffer.buffer(request, "ISO-8859-1")));
    return this;
  }

  /** Waits until the server has closed the connection, then returns everything it sent. */
  String readUntilClosed() {
    Await.until("the server closes the connection", () -> closed);
    synchronized (received) {
      String all = received.toString();
      received.setLength(0);
      return all;
    }
  }

  /** Waits for one complete answer framed by {@code Content-Length} and takes it off the input. */
  String readOneResponse() {
    String[] response = new String[1];
    Await.until(
        "a complete response",
        () -> {
          synchronized (received) {
            int headEnd = received.indexOf("\r\n\r\n");
            if (headEnd < 0) {
              return false;
            }
            Matcher m = CONTENT_LENGTH.matcher(received.substring(0, headEnd + 2));
            if (!m.find()) {
              throw new AssertionError("no Content-Length in " + received);
            }
            int end = headEnd + 4 + Integer.parseInt(m.group(1));
            if (received.length() < end) {
              return false;
            }
            response[0] = received.substring(0, end);
            received.delete(0, end);
            return true;
          }
        });
    return response[0];
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    if (!closed) {
      Await.result(socket.close());
    }
  }

  private void onData(Buffer data) {
    synchronized (received) {
      // The simulator's answers are ASCII (JSON escapes everything else).
      received.append(data.toString(StandardCharsets.ISO_8859_1));
    }
  }
}
