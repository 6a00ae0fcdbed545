package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's side of a {@link ControllerProcess}: starts it with the same Java and class path
 * as this process, sends it commands and reads its answers, and measures its CPU time from {@code
 * /proc} ({@link ProcessStats}). Its log (stderr) goes to a file.
 */
final class ControllerChild implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final BufferedReader answers;
  private final Writer commands;

  private ControllerChild(Process process) {
    this.process = process;
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Starts the controller against {@code apiServer} and returns once its informers have synced.
   *
   * @param jvmOptions extra options for its JVM (none: the JVM's defaults, as a plain {@code java
   *     -jar syncgate.jar run} would get)
   */
  static ControllerChild start(
      String apiServer, String namespace, List<String> jvmOptions, Path log, Duration limit)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ControllerProcess.class.getName());
    command.add(apiServer);
    command.add(namespace);
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ControllerChild child = new ControllerChild(process);
    JsonNode ready = child.read(limit);
    if (!ready.path("ready").asBoolean()) {
      child.close();
      throw new IllegalStateException(
          "the controller process did not sync its informers; see " + log);
    }
    return child;
  }

  long pid() {
    return process.pid();
  }

  /** CPU time the controller process has spent since it started (ns), -1 once it is gone. */
  long cpuNanos() {
    return ProcessStats.cpuNanos(process.pid());
  }

  /** Starts a measuring window in the controller: tick times and poll errors count from now. */
  void mark() throws IOException {
    send(ControllerProcess.MARK);
    read(Duration.ofSeconds(30));
  }

  /** The figures of the window since {@link #mark()} (see {@link ControllerProcess}). */
  JsonNode report() throws IOException {
    send(ControllerProcess.REPORT);
    return read(Duration.ofSeconds(60));
  }

  /** Stops the controller; kills it if it does not stop within 40 s. */
  @Override
  public void close() {
    try {
      send(ControllerProcess.STOP);
      commands.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void send(String command) throws IOException {
    commands.write(command);
    commands.write('\n');
    commands.flush();
  }

  /** The next answer line, or a failure when none comes within {@code limit}. */
  private JsonNode read(Duration limit) throws IOException {
    // The JVM may print to stdout too (-XX:StartFlightRecording says it started): answers are the
    // lines that hold a JSON object.
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String next;
                do {
                  next = answers.readLine();
                } while (next != null && !next.startsWith("{"));
                return next;
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    String text;
    try {
      text = line.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException(
          "the controller process did not answer within "
              + limit
              + " (alive: "
              + process.isAlive()
              + ")",
          e);
    }
    if (text == null) {
      throw new IOException("the controller process ended (exit " + exitValue() + ")");
    }
    return JSON.readTree(text);
  }

  private String exitValue() {
    try {
      return Integer.toString(process.exitValue());
    } catch (IllegalThreadStateException e) {
      return "none yet";
    }
  }
}
