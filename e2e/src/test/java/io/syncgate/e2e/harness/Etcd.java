package io.syncgate.e2e.harness;

import io.syncgate.controller.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One etcd member on 127.0.0.1 with ports of its own (apt may already run one on 2379), its data in
 * the cluster's work directory. Can be stopped and started again on the same data and ports.
 */
public final class Etcd {

  static final String HOST = "127.0.0.1";

  private final Prerequisites prerequisites;
  private final Launcher launcher;
  private final Path dataDir;
  private final Path log;
  private final int clientPort;
  private final int peerPort;
  private ManagedProcess process;

  Etcd(
      Prerequisites prerequisites,
      Launcher launcher,
      Path dataDir,
      Path log,
      int clientPort,
      int peerPort) {
    this.prerequisites = prerequisites;
    this.launcher = launcher;
    this.dataDir = dataDir;
    this.log = log;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** host:port of the client endpoint, as Patroni's {@code etcd3.hosts} wants it. */
  public String endpoint() {
    return HOST + ":" + clientPort;
  }

  public int clientPort() {
    return clientPort;
  }

  public int peerPort() {
    return peerPort;
  }

  public synchronized boolean running() {
    return process != null && process.alive();
  }

  /** Starts etcd and waits until it reports healthy. */
  public synchronized void start() {
    if (running()) {
      throw new IllegalStateException("etcd already runs: " + process);
    }
    String client = "http://" + endpoint();
    String peer = "http://" + HOST + ":" + peerPort;
    process =
        ManagedProcess.start(
            "etcd",
            launcher.asTestUser(
                List.of(
                    prerequisites.etcd().toString(),
                    "--name=e2e",
                    "--data-dir=" + dataDir,
                    "--listen-client-urls=" + client,
                    "--advertise-client-urls=" + client,
                    "--listen-peer-urls=" + peer,
                    "--initial-advertise-peer-urls=" + peer,
                    "--initial-cluster=e2e=" + peer)),
            log);
    Await.until(
        Duration.ofSeconds(30),
        "etcd healthy on " + client,
        () -> {
          if (!process.alive()) {
            throw new IllegalStateException(
                "etcd exited with " + process.exitCode() + "; see " + log);
          }
          return Http.get(client + "/health").ok();
        });
  }

  /** Stops etcd by its PID (SIGTERM, then SIGKILL). */
  public synchronized void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
    }
  }

  @Override
  public synchronized String toString() {
    return "etcd " + endpoint() + (process == null ? " (not started)" : " " + process);
  }
}
