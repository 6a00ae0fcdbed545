package io.syncgate.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A long-running program the harness started (etcd, a Patroni daemon), its output appended to a log
 * file. Stopped by its PID: SIGTERM, then SIGKILL if it has not exited within the grace time.
 */
public final class ManagedProcess {

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code builder}'s command with stdout and stderr appended to {@code log}. */
  public static ManagedProcess start(String name, ProcessBuilder builder, Path log) {
    builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new ManagedProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + builder.command(), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Exit code, or null while running. */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /**
   * SIGTERM, wait up to {@code grace}, then SIGKILL and wait for the exit. Returns true when the
   * process exited on SIGTERM (a clean stop), false when it had to be killed.
   */
  public boolean stop(Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (await(process, grace)) {
      return true;
    }
    process.destroyForcibly();
    await(process, Duration.ofSeconds(10));
    return false;
  }

  /** SIGKILL now (crash simulation or last-resort clean-up). */
  public void kill() {
    process.destroyForcibly();
    await(process, Duration.ofSeconds(10));
  }

  private static boolean await(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + (process.isAlive() ? ")" : ", exited)");
  }
}
