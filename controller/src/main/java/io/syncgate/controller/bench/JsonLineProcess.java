package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Java child process of the benchmark ({@link ControllerProcess}, {@link SimulatorProcess}),
 * started with the same Java and class path as this process and driven over its stdin and stdout:
 * one command line in, one JSON line out. Its log (stderr) is appended to a file. The benchmark's
 * side of each ({@link ControllerChild}, {@link SimulatorChild}) says what the lines mean.
 */
final class JsonLineProcess {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Process process;
  private final BufferedReader answers;
  private final Writer commands;

  private JsonLineProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Starts {@code main} with {@code args}.
   *
   * @param name what to call it in failures ("the controller process")
   * @param jvmOptions extra options for its JVM (none: the JVM's defaults)
   */
  static JsonLineProcess start(
      String name, List<String> jvmOptions, Class<?> main, List<String> args, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new JsonLineProcess(name, process);
  }

  long pid() {
    return process.pid();
  }

  /** CPU time the process has spent since it started (ns), -1 once it is gone. */
  long cpuNanos() {
    return ProcessStats.cpuNanos(process.pid());
  }

  /** CPU time the process has spent since it started, user and kernel apart; null once gone. */
  ProcessStats.Cpu cpu() {
    return ProcessStats.cpu(process.pid());
  }

  /** Sends one command line. */
  void send(String command) throws IOException {
    commands.write(command);
    commands.write('\n');
    commands.flush();
  }

  /** Sends one command line and reads the answer. */
  JsonNode ask(String command, Duration limit) throws IOException {
    send(command);
    return read(limit);
  }

  /** The next answer line, or a failure when none comes within {@code limit}. */
  JsonNode read(Duration limit) throws IOException {
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
          name + " did not answer within " + limit + " (alive: " + process.isAlive() + ")", e);
    }
    if (text == null) {
      throw new IOException(name + " ended (exit " + exitValue() + ")");
    }
    return JSON.readTree(text);
  }

  /**
   * Sends {@code stop} (if not null), closes its stdin, and waits for it to end; kills it if it
   * does not end within {@code grace}.
   */
  void stop(String stop, Duration grace) {
    try {
      if (stop != null) {
        send(stop);
      }
      commands.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private String exitValue() {
    try {
      return Integer.toString(process.exitValue());
    } catch (IllegalThreadStateException e) {
      return "none yet";
    }
  }

  /**
   * The child's side of the line protocol: answers go to its real stdout, one JSON line each, while
   * anything else printed ({@code System.out} included) goes to stderr, the parent's log file.
   */
  static final class Answers {

    private final PrintStream out;

    private Answers(PrintStream out) {
      this.out = out;
    }

    /** Quiets the bench's logs and keeps stdout for answers; call first thing in a child's main. */
    static Answers take() {
      BenchLogs.quiet();
      Answers answers = new Answers(System.out);
      System.setOut(System.err);
      return answers;
    }

    /** Writes one answer line. */
    void answer(JsonNode answer) {
      out.println(answer.toString());
      out.flush();
    }
  }
}
