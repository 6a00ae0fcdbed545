package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncgate.controller.demo.PatroniSimulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A slice of the benchmark's Patroni fleet in a process of its own: a {@link FleetSimulator} for
 * gates {@code [firstGate, firstGate + gates)} of the whole fleet, every member with the address,
 * names and answers the in-process simulator gives it, so that the listening sockets and kept
 * connections of a large fleet are spread over several processes' open-file limits. {@link
 * SimulatorChild} starts it and talks to it over stdin and stdout, one JSON line each way:
 *
 * <ul>
 *   <li>at start it binds its members on {@code 127.<subnet>/16} and answers {@code
 *       {"ready":true,"subnet":S}}, or {@code {"ready":false,"bindFailed":true,...}} when an
 *       address is taken (the parent then tries another subnet) and exits;
 *   <li>{@code {"command":"polls"}} answers {@code {"polls":N}}, the polls answered so far;
 *   <li>{@code {"command":"lag","gate":G,"replica":R,"lagging":true}} sets a replica lagging or not
 *       and answers {@code {"nanos":T}}, {@link System#nanoTime()} right after its answer changed;
 *   <li>{@code {"command":"stop"}} (or the end of stdin) closes the fleet and exits.
 * </ul>
 *
 * <p>Arguments: first gate, gates, members per gate, mode ({@link PatroniSimulator.Mode} name),
 * event loops, subnet, and the {@link FleetSimulator.Script}'s three figures.
 */
public final class SimulatorProcess {

  static final String POLLS = "polls";
  static final String LAG = "lag";
  static final String STOP = "stop";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SimulatorProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 9) {
      System.err.println(
          "usage: SimulatorProcess <first-gate> <gates> <members-per-gate> <mode> <threads>"
              + " <subnet> <leader-write-bytes-per-second> <jitter-bytes> <lagging-bytes>");
      System.exit(2);
    }
    JsonLineProcess.Answers answers = JsonLineProcess.Answers.take();
    int subnet = Integer.parseInt(args[5]);
    FleetSimulator fleet;
    try {
      fleet =
          FleetSimulator.start(
              Integer.parseInt(args[0]),
              Integer.parseInt(args[1]),
              Integer.parseInt(args[2]),
              PatroniSimulator.Mode.valueOf(args[3]),
              new FleetSimulator.Script(
                  Long.parseLong(args[6]), Long.parseLong(args[7]), Long.parseLong(args[8])),
              Integer.parseInt(args[4]),
              subnet);
    } catch (BindException e) {
      answers.answer(
          JSON.createObjectNode()
              .put("ready", false)
              .put("bindFailed", true)
              .put("error", e.toString()));
      System.exit(1);
      return;
    }
    answers.answer(JSON.createObjectNode().put("ready", true).put("subnet", subnet));
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = commands.readLine()) != null) {
        JsonNode command = JSON.readTree(line);
        String name = command.path("command").asText();
        if (name.equals(STOP)) {
          break;
        }
        answers.answer(answer(fleet, name, command));
      }
    } finally {
      fleet.close();
    }
    System.exit(0);
  }

  private static ObjectNode answer(FleetSimulator fleet, String name, JsonNode command) {
    try {
      return switch (name) {
        case POLLS -> JSON.createObjectNode().put("polls", fleet.polls());
        case LAG -> {
          // System.nanoTime() is CLOCK_MONOTONIC on Linux, one clock for every process of the
          // machine: the parent compares this time with times it measured itself.
          long nanos =
              fleet
                  .setLagging(
                      command.path("gate").asInt(),
                      command.path("replica").asInt(),
                      command.path("lagging").asBoolean())
                  .get(10, TimeUnit.SECONDS);
          yield JSON.createObjectNode().put("nanos", nanos);
        }
        default -> JSON.createObjectNode().put("error", "unknown command " + name);
      };
    } catch (Exception e) {
      return JSON.createObjectNode().put("error", e.toString());
    }
  }
}
