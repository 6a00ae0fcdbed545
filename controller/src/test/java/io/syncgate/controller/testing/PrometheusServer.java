package io.syncgate.controller.testing;

import io.syncgate.controller.analysis.PrometheusAnswer;
import io.syncgate.policy.analysis.QueryAnswer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus for tests: Debian's {@code /usr/bin/prometheus} started as a child process on
 * 127.0.0.1 (a free port), scraping the given targets every second, its configuration, data and log
 * in a temporary directory. {@link #start} returns once {@code /-/ready} answers 200; {@link
 * #close} stops the process (SIGTERM, then SIGKILL) and deletes the directory. A JVM that exits
 * without closing it (a test killed by surefire) still stops it from a shutdown hook.
 *
 * <p>The binary is a test prerequisite: without it the tests fail, saying to run {@code
 * scripts/install-deps.sh} (CI does), rather than skip.
 *
 * <p>{@link #query} and the waits ask Prometheus directly with the JDK's blocking client: call them
 * on the test thread, never on an event loop.
 */
public final class PrometheusServer implements AutoCloseable {

  /** Where Debian's {@code prometheus} package puts the server. */
  public static final Path BINARY = Path.of("/usr/bin/prometheus");

  /** Every job scrapes this often; one scrape's worth of waiting is the unit of the tests. */
  public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

  /** Start-up, scrapes and stops all happen well within this on a quiet machine. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;

  private final Path dir;
  private final Path log;
  private final int port;
  private final Process process;
  private final Thread reaper;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Path dir, Path log, int port, Process process) {
    this.dir = dir;
    this.log = log;
    this.port = port;
    this.process = process;
    this.reaper = new Thread(this::stopProcess, "prometheus-reaper-" + port);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts Prometheus scraping {@code targets} ({@code host:port}, loopback only) every second, and
   * waits until it is ready.
   *
   * @throws IllegalStateException when {@link #BINARY} is missing, or it does not get ready
   */
  public static PrometheusServer start(String... targets) {
    for (String target : targets) {
      if (!target.startsWith("127.") && !target.startsWith("localhost:")) {
        throw new IllegalArgumentException("loopback targets only, not " + target);
      }
    }
    requireBinary();
    Path dir;
    try {
      dir = Files.createTempDirectory("syncgate-prometheus-");
      Files.writeString(dir.resolve("prometheus.yml"), config(targets));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> failures = new ArrayList<>();
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = Ports.free("127.0.0.1");
      PrometheusServer server = launch(dir, attempt, port);
      try {
        server.awaitReady();
        return server;
      } catch (RuntimeException | AssertionError e) {
        String tail = server.logTail();
        server.stopProcess();
        // Another process took the free port between the probe and the bind: try another.
        if (tail.contains("address already in use") && attempt < START_ATTEMPTS) {
          failures.add("port " + port + " taken");
          continue;
        }
        delete(dir);
        throw new IllegalStateException(
            "Prometheus did not get ready on 127.0.0.1:"
                + port
                + " ("
                + e.getMessage()
                + ")"
                + (failures.isEmpty() ? "" : " after " + failures)
                + "; its log ends:\n"
                + tail,
            e);
      }
    }
    throw new AssertionError("unreachable");
  }

  /** Fails with what to do when the Prometheus binary is not installed. */
  public static void requireBinary() {
    requireBinary(BINARY);
  }

  static void requireBinary(Path binary) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "the analysis tests run a real Prometheus and need "
              + binary
              + " (Debian package prometheus): run scripts/install-deps.sh (CI installs it)");
    }
  }

  private static PrometheusServer launch(Path dir, int attempt, int port) {
    Path log = dir.resolve("prometheus-" + attempt + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      return new PrometheusServer(dir, log, port, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
  }

  static String config(String... targets) {
    String list =
        Stream.of(targets).map(t -> "'" + t + "'").collect(Collectors.joining(", ", "[", "]"));
    return String.join(
        "\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: exporter",
        "    static_configs:",
        "      - targets: " + list,
        "");
  }

  private void awaitReady() {
    Await.until(
        STARTUP_TIMEOUT,
        Duration.ofMillis(50),
        "Prometheus /-/ready to answer 200",
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("Prometheus exited with " + process.exitValue());
          }
          return status(get("/-/ready"));
        },
        status -> status == 200);
  }

  public int port() {
    return port;
  }

  /** The base URL clients are configured with: {@code http://127.0.0.1:port}. */
  public URI address() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Whether the process runs. */
  public boolean running() {
    return process.isAlive();
  }

  /**
   * Asks {@code promql} as an instant query on the test thread and parses the answer as the
   * controller does; a failed request is a failed answer.
   */
  public QueryAnswer query(String promql) {
    HttpResponse<byte[]> response =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (response == null) {
      return QueryAnswer.unreachable("no answer");
    }
    return PrometheusAnswer.parse(response.statusCode(), response.body());
  }

  /**
   * Waits until {@code promql} has a value that {@code done} accepts (a scrape brought in what the
   * test exported) and returns it; fails after {@code timeout}, naming the last answer.
   */
  public double awaitValue(String promql, DoublePredicate done, Duration timeout) {
    return awaitAnswer(promql, a -> a.hasValue() && done.test(a.value()), timeout).value();
  }

  /** Waits until the answer to {@code promql} satisfies {@code done}, and returns it. */
  public QueryAnswer awaitAnswer(String promql, Predicate<QueryAnswer> done, Duration timeout) {
    return Await.until(
        timeout,
        Duration.ofMillis(100),
        "Prometheus to answer " + promql,
        () -> query(promql),
        done);
  }

  /** Stops the process (SIGTERM, then SIGKILL); the directory stays until {@link #close}. */
  public void stop() {
    stopProcess();
  }

  /** The last lines of the server's log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs or ran already.
    }
    delete(dir);
  }

  private void stopProcess() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(STOP_GRACE)) {
      process.destroyForcibly();
      waitFor(STOP_GRACE);
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** A GET to this server, or null when it did not answer (refused, reset, timed out). */
  private HttpResponse<byte[]> get(String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted asking Prometheus", e);
    }
  }

  private static int status(HttpResponse<?> response) {
    return response == null ? -1 : response.statusCode();
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory left behind is no test failure.
    }
  }

  @Override
  public String toString() {
    return "Prometheus on 127.0.0.1:" + port + " (" + dir + ")";
  }
}
