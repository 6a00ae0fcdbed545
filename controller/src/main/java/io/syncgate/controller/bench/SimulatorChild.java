package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.controller.demo.PatroniSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's side of a {@link SimulatorProcess}: starts it ({@link JsonLineProcess}) for gates
 * {@code [firstGate, firstGate + gates)} of the fleet, asks it for its polls and to flip a
 * replica's lag, and measures its CPU time from {@code /proc} ({@link ProcessStats}). Its log
 * (stderr) goes to a file.
 */
final class SimulatorChild implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final JsonLineProcess process;
  private final int firstGate;
  private final int gates;
  private final Path log;

  private SimulatorChild(JsonLineProcess process, int firstGate, int gates, Path log) {
    this.process = process;
    this.firstGate = firstGate;
    this.gates = gates;
    this.log = log;
  }

  /** Starts the process; {@link #awaitReady} says whether it could bind its members. */
  static SimulatorChild start(
      int firstGate,
      int gates,
      int membersPerGate,
      PatroniSimulator.Mode mode,
      FleetSimulator.Script script,
      int threads,
      int subnet,
      Path log)
      throws IOException {
    List<String> args =
        List.of(
            Integer.toString(firstGate),
            Integer.toString(gates),
            Integer.toString(membersPerGate),
            mode.name(),
            Integer.toString(threads),
            Integer.toString(subnet),
            Long.toString(script.leaderWriteBytesPerSecond()),
            Long.toString(script.jitterBytes()),
            Long.toString(script.laggingBytes()));
    return new SimulatorChild(
        JsonLineProcess.start(
            "the simulator process of gates " + firstGate + "-" + (firstGate + gates - 1),
            List.of(),
            SimulatorProcess.class,
            args,
            log),
        firstGate,
        gates,
        log);
  }

  /**
   * Waits until the process has bound its members: true, or false when one of its addresses was
   * taken (the process has ended then). Fails on anything else.
   */
  boolean awaitReady(Duration limit) throws IOException {
    JsonNode ready = process.read(limit);
    if (ready.path("ready").asBoolean()) {
      return true;
    }
    if (ready.path("bindFailed").asBoolean()) {
      return false;
    }
    throw new IOException("the simulator process did not start: " + ready + "; see " + log);
  }

  /** Whether gate {@code gate} (numbered over the whole fleet) is in this process's slice. */
  boolean holds(int gate) {
    return gate >= firstGate && gate < firstGate + gates;
  }

  /** {@code GET /patroni} requests this process answered so far. */
  synchronized long polls() throws IOException {
    return answer(JSON.createObjectNode().put("command", SimulatorProcess.POLLS), "polls").asLong();
  }

  /**
   * Sets a replica lagging or not; returns the child's {@link System#nanoTime()} right after its
   * answer changed (one clock for every process on Linux, see {@link SimulatorProcess}).
   */
  synchronized long setLagging(int gate, int replica, boolean lagging) throws IOException {
    return answer(
            JSON.createObjectNode()
                .put("command", SimulatorProcess.LAG)
                .put("gate", gate)
                .put("replica", replica)
                .put("lagging", lagging),
            "nanos")
        .asLong();
  }

  /** CPU time the whole process has spent since it started (ns), -1 once it is gone. */
  long cpuNanos() {
    return process.cpuNanos();
  }

  /** Stops the process; kills it if it does not stop within 20 s. */
  @Override
  public void close() {
    process.stop(
        JSON.createObjectNode().put("command", SimulatorProcess.STOP).toString(),
        Duration.ofSeconds(20));
  }

  private JsonNode answer(JsonNode command, String field) throws IOException {
    JsonNode answer = process.ask(command.toString(), ANSWER);
    if (!answer.has(field)) {
      throw new IOException("the simulator process answered " + answer + " to " + command);
    }
    return answer.get(field);
  }
}
