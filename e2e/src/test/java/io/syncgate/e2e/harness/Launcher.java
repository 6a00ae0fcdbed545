package io.syncgate.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts programs as the database user: through {@code setpriv} when the test runs as root (so the
 * PID the harness holds is the program's own, not a shell's), directly otherwise. Children get a
 * small, fixed environment instead of the test's.
 */
public final class Launcher {

  private final Prerequisites prerequisites;
  private final Path commandLog;

  public Launcher(Prerequisites prerequisites, Path commandLog) {
    this.prerequisites = prerequisites;
    this.commandLog = commandLog;
  }

  /** The user PostgreSQL, Patroni and the PostgreSQL tools run as. */
  public OsUser databaseUser() {
    return prerequisites.postgresUser();
  }

  /** A process builder for {@code command}, run as the database user, no shell in between. */
  public ProcessBuilder asDatabaseUser(List<String> command, Map<String, String> extraEnv) {
    List<String> argv = new ArrayList<>();
    OsUser user = databaseUser();
    if (user.uid() != OsUser.current().uid()) {
      argv.add(prerequisites.setpriv().toString());
      argv.add("--reuid=" + user.name());
      argv.add("--regid=" + user.name());
      argv.add("--init-groups");
    }
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv);
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(baseEnvironment(user));
    env.putAll(extraEnv);
    return builder;
  }

  /** A process builder for {@code command} as the test's own user (etcd), same environment. */
  public ProcessBuilder asTestUser(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(baseEnvironment(OsUser.current()));
    return builder;
  }

  private static Map<String, String> baseEnvironment(OsUser user) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOME", user.home().toString());
    env.put("USER", user.name());
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    return env;
  }

  /**
   * Runs a short-lived command as the database user to completion and returns its output (stdout
   * and stderr together). The output also goes to the cluster's command log. Fails with the output
   * when the command exits non-zero or overruns {@code timeout}.
   */
  public String run(Duration timeout, Map<String, String> extraEnv, List<String> command) {
    ProcessBuilder builder = asDatabaseUser(command, extraEnv).redirectErrorStream(true);
    Instant started = Instant.now();
    Path output = null;
    try {
      output = Files.createTempFile("syncgate-e2e-cmd", ".log");
      builder.redirectOutput(output.toFile());
      Process process = builder.start();
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      logCommand(command, started, finished ? process.exitValue() : null, text);
      if (!finished) {
        throw new IllegalStateException(
            "timed out after " + timeout + ": " + String.join(" ", command) + "\n" + tail(text));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + tail(text));
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // A temp file left behind is harmless.
        }
      }
    }
  }

  private synchronized void logCommand(
      List<String> command, Instant started, Integer exit, String output) {
    String entry =
        "=== "
            + started
            + " ("
            + Duration.between(started, Instant.now()).toMillis()
            + " ms, exit "
            + (exit == null ? "timeout" : exit)
            + ") "
            + String.join(" ", command)
            + "\n"
            + output
            + (output.endsWith("\n") || output.isEmpty() ? "" : "\n");
    try {
      Files.writeString(
          commandLog,
          entry,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The log is a debugging aid; the command's result is what matters.
    }
  }

  /** The last lines of a long text, for failure messages. */
  public static String tail(String text) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - 30);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
