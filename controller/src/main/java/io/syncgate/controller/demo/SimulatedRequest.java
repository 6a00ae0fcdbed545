package io.syncgate.controller.demo;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * A request read by the simulator: method, decoded path and query, and what framing it asked for.
 */
record SimulatedRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    boolean http11,
    boolean connectionClose,
    boolean connectionKeepAlive,
    boolean hasBody) {

  static SimulatedRequest parse(
      String requestLine, boolean connectionClose, boolean connectionKeepAlive, boolean hasBody) {
    String[] parts = requestLine.split(" ");
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
      return null;
    }
    String version = parts.length == 3 ? parts[2] : "HTTP/0.9";
    if (!version.startsWith("HTTP/")) {
      return null;
    }
    QueryStringDecoder decoder;
    try {
      decoder = new QueryStringDecoder(parts[1]);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return new SimulatedRequest(
        parts[0],
        decoder.path(),
        decoder.parameters(),
        "HTTP/1.1".equals(version),
        connectionClose,
        connectionKeepAlive,
        hasBody);
  }

  /** The first value of a query parameter, or null. */
  String queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Whether the client asked to keep the connection open (HTTP/1.1 default, 1.0 opt-in). */
  boolean wantsKeepAlive() {
    return !hasBody && (http11 ? !connectionClose : connectionKeepAlive);
  }
}
