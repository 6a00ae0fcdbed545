package io.syncgate.controller.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Prometheus target whose gauges the test sets: a tiny HTTP server on 127.0.0.1 (a free port)
 * serving {@code GET /metrics} in the Prometheus text format (0.0.4), e.g. after {@code
 * set("app_read_latency_seconds", Map.of("replica", "hippo-2"), 0.12)}:
 *
 * <pre>
 * # TYPE app_read_latency_seconds gauge
 * app_read_latency_seconds{replica="hippo-2"} 0.12
 * </pre>
 *
 * <p>Values may be NaN and infinite (written {@code NaN}, {@code +Inf}, {@code -Inf}). Every method
 * may be called from the test thread; scrapes are served on the Vert.x given, best one that is not
 * the code under test's.
 */
public final class ControlledExporter implements AutoCloseable {

  /** Series by name, then by their rendered label set. */
  private final Map<String, SortedMap<String, Double>> gauges = new ConcurrentSkipListMap<>();

  private final AtomicInteger scrapes = new AtomicInteger();
  private final HttpServer server;

  private ControlledExporter(Vertx vertx) {
    server =
        Await.result(
            vertx
                .createHttpServer()
                .requestHandler(
                    request -> {
                      if (!request.path().equals("/metrics")) {
                        request.response().setStatusCode(404).end();
                        return;
                      }
                      scrapes.incrementAndGet();
                      request
                          .response()
                          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                          .end(render());
                    })
                .listen(0, "127.0.0.1"),
            Duration.ofSeconds(10));
  }

  /** Starts serving on 127.0.0.1 on a free port, on {@code vertx}. */
  public static ControlledExporter start(Vertx vertx) {
    return new ControlledExporter(vertx);
  }

  public int port() {
    return server.actualPort();
  }

  /** What a Prometheus scrape config names: {@code 127.0.0.1:port}. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  /** Sets (adds or changes) the gauge {@code name} with {@code labels} to {@code value}. */
  public void set(String name, Map<String, String> labels, double value) {
    requireName(name);
    String labelSet = labels(labels);
    gauges.compute(
        name,
        (n, series) -> {
          SortedMap<String, Double> next = series == null ? new TreeMap<>() : new TreeMap<>(series);
          next.put(labelSet, value);
          return next;
        });
  }

  /** Stops exporting the gauge {@code name} with {@code labels} (the series goes stale). */
  public void remove(String name, Map<String, String> labels) {
    String labelSet = labels(labels);
    gauges.computeIfPresent(
        name,
        (n, series) -> {
          SortedMap<String, Double> next = new TreeMap<>(series);
          next.remove(labelSet);
          return next.isEmpty() ? null : next;
        });
  }

  /** How many times {@code /metrics} was served. */
  public int scrapes() {
    return scrapes.get();
  }

  /** The exposition as served now. */
  public String render() {
    StringBuilder out = new StringBuilder();
    gauges.forEach(
        (name, series) -> {
          out.append("# TYPE ").append(name).append(" gauge\n");
          series.forEach(
              (labelSet, value) ->
                  out.append(name).append(labelSet).append(' ').append(value(value)).append('\n'));
        });
    return out.toString();
  }

  @Override
  public void close() {
    Await.result(server.close(), Duration.ofSeconds(10));
  }

  private static String value(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(value).toLowerCase(Locale.ROOT);
  }

  private static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("{");
    new TreeMap<>(labels)
        .forEach(
            (key, value) -> {
              requireName(key);
              if (out.length() > 1) {
                out.append(',');
              }
              out.append(key).append("=\"").append(escape(value)).append('"');
            });
    return out.append('}').toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static void requireName(String name) {
    if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      throw new IllegalArgumentException("not a metric or label name: " + name);
    }
  }
}
