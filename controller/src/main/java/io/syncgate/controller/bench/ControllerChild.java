package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's side of a {@link ControllerProcess}: starts it ({@link JsonLineProcess}), sends
 * it commands and reads its answers, and measures its CPU time from {@code /proc} ({@link
 * ProcessStats}). Its log (stderr) goes to a file.
 */
final class ControllerChild implements AutoCloseable {

  private final JsonLineProcess process;

  private ControllerChild(JsonLineProcess process) {
    this.process = process;
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
    ControllerChild child =
        new ControllerChild(
            JsonLineProcess.start(
                "the controller process",
                jvmOptions,
                ControllerProcess.class,
                List.of(apiServer, namespace),
                log));
    JsonNode ready;
    try {
      ready = child.process.read(limit);
    } catch (IOException e) {
      child.close();
      throw e;
    }
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

  /** The CPU time the controller process has spent since it started, user and kernel apart. */
  ProcessStats.Cpu cpu() throws IOException {
    ProcessStats.Cpu cpu = process.cpu();
    if (cpu == null) {
      throw new IOException("cannot read the controller process's CPU time from /proc");
    }
    return cpu;
  }

  /** Starts a measuring window in the controller: tick times and poll errors count from now. */
  void mark() throws IOException {
    process.ask(ControllerProcess.MARK, Duration.ofSeconds(30));
  }

  /** The figures of the window since {@link #mark()} (see {@link ControllerProcess}). */
  JsonNode report() throws IOException {
    return process.ask(ControllerProcess.REPORT, Duration.ofSeconds(60));
  }

  /** Stops the controller; kills it if it does not stop within 40 s. */
  @Override
  public void close() {
    process.stop(ControllerProcess.STOP, Duration.ofSeconds(40));
  }
}
