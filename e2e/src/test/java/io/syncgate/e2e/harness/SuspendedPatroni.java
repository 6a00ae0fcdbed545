package io.syncgate.e2e.harness;

import io.syncgate.controller.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A member's Patroni stopped with SIGSTOP until {@link #close} sends SIGCONT: its REST API accepts
 * connections (the kernel still completes them) but answers nothing, while its PostgreSQL keeps
 * running and replicating, as with a Patroni hung on a stuck DCS call or a starved container. The
 * signals are sent as the database user, which owns Patroni's process. A suspension the test never
 * closes is resumed by the harness's shutdown hook before the cluster is stopped.
 */
public final class SuspendedPatroni implements AutoCloseable {

  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

  private final PatroniMember member;
  private final Launcher launcher;
  private final long pid;
  private boolean resumed;

  private SuspendedPatroni(PatroniMember member, Launcher launcher, long pid) {
    this.member = member;
    this.launcher = launcher;
    this.pid = pid;
  }

  /** Stops {@code member}'s Patroni and returns once the kernel reports it stopped. */
  public static SuspendedPatroni suspend(PatroniCluster cluster, PatroniMember member) {
    if (!member.patroniRunning()) {
      throw new IllegalStateException(member.name() + "'s Patroni is not running");
    }
    SuspendedPatroni suspended =
        new SuspendedPatroni(member, cluster.launcher(), member.patroniPid());
    // Registered first: even a failure between here and the test's close resumes it.
    Reaper.register(suspended);
    try {
      suspended.signal("STOP");
      Await.until(SIGNAL_TIMEOUT, suspended + " stopped", () -> suspended.state() == 'T');
      return suspended;
    } catch (RuntimeException | AssertionError e) {
      suspended.close();
      throw e;
    }
  }

  /** Sends SIGCONT (once) and waits until the process runs again. */
  @Override
  public synchronized void close() {
    if (resumed) {
      return;
    }
    resumed = true;
    try {
      signal("CONT");
      Await.until(SIGNAL_TIMEOUT, this + " running again", () -> state() != 'T');
    } finally {
      Reaper.unregister(this);
    }
  }

  private void signal(String signal) {
    launcher.run(SIGNAL_TIMEOUT, Map.of(), List.of("kill", "-s", signal, Long.toString(pid)));
  }

  /**
   * The process state letter from {@code /proc/<pid>/stat} ({@code T}: stopped by a signal), or
   * {@code ?} when the process is gone.
   */
  private char state() {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // The command name in parentheses may hold spaces; the state follows the last ')'.
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException | RuntimeException e) {
      return '?';
    }
  }

  @Override
  public String toString() {
    return member.name() + "'s Patroni (pid " + pid + ")";
  }
}
