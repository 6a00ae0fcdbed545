package io.syncgate.controller.demo;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

/**
 * One accepted connection of a simulated member: reads HTTP requests off the raw socket and writes
 * answers framed like Patroni's Python server.
 *
 * <p>Raw bytes instead of Vert.x's HTTP server, because Patroni 3.0.2 answers in HTTP/1.0 without
 * {@code Content-Length} and ends the body by closing the connection, which an HTTP/1.1 server
 * cannot be made to do. In {@link PatroniSimulator.Mode#KEEP_ALIVE} the same code answers in
 * HTTP/1.1 with {@code Content-Length} and keeps the connection for the next request.
 */
final class SimulatedHttpConnection {

  private static final int MAX_LINE_BYTES = 8192;
  private static final int MAX_HEADER_LINES = 100;
  private static final String SERVER_HEADER = "Server: BaseHTTP/0.6 Python/3.11.2\r\n";

  private final NetSocket socket;
  private final PatroniSimulator.Mode mode;
  private final HttpDate date;

  /** Answers a request; null means "never answer" (the member hangs). */
  private final Function<SimulatedRequest, SimulatedAnswer> handler;

  private String requestLine;
  private int headerLines;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean hasBody;
  private boolean finished;

  SimulatedHttpConnection(
      NetSocket socket,
      PatroniSimulator.Mode mode,
      HttpDate date,
      Function<SimulatedRequest, SimulatedAnswer> handler) {
    this.socket = socket;
    this.mode = mode;
    this.date = date;
    this.handler = handler;
  }

  void start() {
    RecordParser parser = RecordParser.newDelimited("\n", this::onLine);
    parser.maxRecordSize(MAX_LINE_BYTES);
    parser.exceptionHandler(e -> abort());
    socket.handler(parser);
    socket.exceptionHandler(e -> abort());
  }

  private void onLine(Buffer raw) {
    if (finished) {
      return;
    }
    String line = raw.toString(StandardCharsets.ISO_8859_1);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (requestLine == null) {
      if (!line.isEmpty()) { // RFC 9112 §2.2: ignore empty lines before a request line.
        requestLine = line;
      }
      return;
    }
    if (!line.isEmpty()) {
      onHeader(line);
      return;
    }
    SimulatedRequest request =
        SimulatedRequest.parse(requestLine, connectionClose, connectionKeepAlive, hasBody);
    requestLine = null;
    headerLines = 0;
    connectionClose = false;
    connectionKeepAlive = false;
    hasBody = false;
    if (request == null) {
      respond(SimulatedAnswer.bare(400), false, false);
      return;
    }
    SimulatedAnswer answer = handler.apply(request);
    if (answer == null) {
      // HANG: answer never. Input is still read (and dropped) so a client that gives up and
      // closes its end frees this side too.
      finished = true;
      return;
    }
    boolean keepOpen = mode == PatroniSimulator.Mode.KEEP_ALIVE && request.wantsKeepAlive();
    respond(answer, keepOpen, keepOpen && !request.http11());
  }

  private void onHeader(String line) {
    if (++headerLines > MAX_HEADER_LINES) {
      abort();
      return;
    }
    int colon = line.indexOf(':');
    if (colon <= 0) {
      return;
    }
    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case "connection" -> {
        connectionClose |= value.contains("close");
        connectionKeepAlive |= value.contains("keep-alive");
      }
      case "content-length" -> hasBody |= !value.equals("0");
      case "transfer-encoding" -> hasBody = true;
      default -> {
        // Other headers do not change the answer.
      }
    }
  }

  private void respond(SimulatedAnswer answer, boolean keepOpen, boolean echoKeepAlive) {
    Buffer bytes = frame(answer, keepOpen, echoKeepAlive);
    if (keepOpen) {
      socket.write(bytes);
    } else {
      finished = true;
      socket.end(bytes);
    }
  }

  private Buffer frame(SimulatedAnswer answer, boolean keepOpen, boolean echoKeepAlive) {
    boolean http10 = mode == PatroniSimulator.Mode.HTTP10_CLOSE;
    StringBuilder head = new StringBuilder(160);
    head.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ")
        .append(answer.status())
        .append(' ')
        .append(HttpResponseStatus.valueOf(answer.status()).reasonPhrase())
        .append("\r\n");
    if (!answer.isBare()) {
      head.append(SERVER_HEADER)
          .append("Date: ")
          .append(date.now())
          .append("\r\n")
          .append("Content-Type: ")
          .append(answer.contentType())
          .append("\r\n");
    }
    byte[] body = answer.isBare() ? new byte[0] : answer.body();
    if (!http10) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
      if (!keepOpen) {
        head.append("Connection: close\r\n");
      } else if (echoKeepAlive) {
        head.append("Connection: keep-alive\r\n");
      }
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    return Buffer.buffer(headBytes.length + body.length).appendBytes(headBytes).appendBytes(body);
  }

  private void abort() {
    if (!finished) {
      finished = true;
      socket.close();
    }
  }
}
