package io.syncgate.controller.http;

import io.netty.handler.codec.PrematureChannelClosureException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Why an HTTP request to a peer (Patroni, Prometheus) failed, read from the exception chain, most
 * specific cause first, so that both clients word a failure alike.
 *
 * @param kind what went wrong
 * @param detail the words for it, not shortened (callers cut them to their own limits); null for
 *     {@link Kind#TIMEOUT}, whose words each client has (they name its timeout)
 */
public record RequestFailure(Kind kind, String detail) {

  /** What went wrong. */
  public enum Kind {
    /** The TLS handshake or session failed; the detail is the root cause's message. */
    TLS,
    /** The request's deadline passed, or the connection could not be made in time. */
    TIMEOUT,
    /** The client's connection pool had no room: earlier requests to the peer still wait. */
    POOL_BUSY,
    /** No answer: refused, reset, closed early, no route, unknown host, or anything else. */
    UNREACHABLE
  }

  /**
   * @param failure the failure of the request
   * @param host the peer's host, named when it cannot be resolved, or null to leave it out
   */
  public static RequestFailure of(Throwable failure, String host) {
    for (Throwable t = failure; t != null; t = next(t)) {
      if (t instanceof SSLException) {
        return new RequestFailure(Kind.TLS, rootMessage(t));
      }
    }
    for (Throwable t = failure; t != null; t = next(t)) {
      if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
        return new RequestFailure(Kind.TIMEOUT, null);
      }
      if (t instanceof ConnectionPoolTooBusyException) {
        return new RequestFailure(Kind.POOL_BUSY, "earlier requests still pending");
      }
      if (t instanceof NoRouteToHostException) {
        return unreachable("no route to host");
      }
      if (t instanceof ConnectException) {
        String message = String.valueOf(t.getMessage());
        return unreachable(
            message.contains("refused") ? "connection refused" : "cannot connect: " + message);
      }
      if (t instanceof UnknownHostException) {
        return unreachable(host == null ? "unknown host" : "unknown host " + host);
      }
      // Closed before any byte of the answer, or (Netty's decoder) in the middle of its head.
      if (t instanceof HttpClosedException || t instanceof PrematureChannelClosureException) {
        return unreachable("connection closed before the answer was complete");
      }
      if (t instanceof IOException && String.valueOf(t.getMessage()).contains("reset")) {
        return unreachable("connection reset");
      }
    }
    return unreachable(failure.getClass().getSimpleName() + ": " + rootMessage(failure));
  }

  /** The message of the root cause, else of {@code t}, else the root cause's class name. */
  public static String rootMessage(Throwable t) {
    Throwable root = t;
    while (next(root) != null) {
      root = next(root);
    }
    String message = root.getMessage() != null ? root.getMessage() : t.getMessage();
    return message != null ? message : root.getClass().getSimpleName();
  }

  private static RequestFailure unreachable(String detail) {
    return new RequestFailure(Kind.UNREACHABLE, detail);
  }

  private static Throwable next(Throwable t) {
    return t.getCause() == t ? null : t.getCause();
  }
}
