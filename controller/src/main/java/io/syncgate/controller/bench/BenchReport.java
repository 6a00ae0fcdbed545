package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The figures of all runs, as one table and as JSON with the same numbers: the JSON holds every
 * figure rounded to the decimals the table shows, under {@link Figure#key()}.
 */
public final class BenchReport {

  /** Width of the label column of the table. */
  static final int LABEL_WIDTH = 44;

  /** Width of each run's column. */
  static final int VALUE_WIDTH = 14;

  /** What "controller CPU" counts, printed under the table and stored in the JSON. */
  static final String CONTROLLER_CPU =
      "controller CPU = the whole controller process's CPU time (user + system from /proc, every"
          + " thread: event loops, workers, informers, GC and JIT), which runs apart from the"
          + " benchmark's simulator and API server; per poll = over the Patroni polls the simulator"
          + " answered in the same window. \"from start\" counts from the process's start (JVM"
          + " start-up, informer sync, every gate's admission and ramp, warm-up); \"steady\" the"
          + " steady phase after warm-up. HAProxy is measured the same way on the same fleet, in"
          + " the same run, before the controller starts: option httpchk GET /patroni, a new"
          + " connection per check, inter = the poll interval. \"kernel CPU\" = system time"
          + " (connect, send, receive, close, and the loopback network stack's work done on the"
          + " process's behalf). \"JIT compiling\" = the JVM's compilation time over the steady"
          + " phase, summed over its compiler threads: well above 0, the warm-up was too short"
          + " for a steady figure.";

  /** What the stale-read figures count, printed under the table and stored in the JSON. */
  static final String STALE_READS =
      "stale reads = the rise of syncgate_stale_read_exposure_percent_seconds_total over the"
          + " phase: route weight on replicas whose lag is unknown or over admission.maxLag,"
          + " integrated over time (percent-seconds, pct-s), summed over the gates and the"
          + " largest of one gate. 0 expected outside the documented grace windows (unreachableFor,"
          + " fail-static, a serving replica between admission.maxLag and ejection.maxLag).";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final BenchSettings settings;
  private final List<BenchRun.Result> runs;

  BenchReport(BenchSettings settings, List<BenchRun.Result> runs) {
    this.settings = settings;
    this.runs = List.copyOf(runs);
  }

  /** The table, with a heading and notes, ready to print. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "syncgate bench: %d gates x %d members = %d members, poll interval %s%n",
            settings.gates(),
            settings.membersPerGate(),
            settings.members(),
            BenchRun.goDuration(settings.pollInterval())));
    out.append(
        String.format(
            Locale.ROOT,
            "measured %s steady + %s flapping (a replica flipped every %s), after every replica"
                + " served and %s of warm-up%n",
            BenchRun.goDuration(settings.steady()),
            BenchRun.goDuration(settings.flapping()),
            BenchRun.goDuration(settings.flipEvery()),
            BenchRun.goDuration(settings.warmup())));
    out.append(
        String.format(
            Locale.ROOT,
            "machine: %d cores, Java %s, open-file limit %d%ncontroller JVM options: %s%n%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            BenchRun.maxOpenFiles(),
            settings.controllerJvmOptions().isEmpty()
                ? "none (the JVM's defaults)"
                : String.join(" ", settings.controllerJvmOptions())));
    out.append(pad("figure", LABEL_WIDTH));
    for (BenchRun.Result run : runs) {
      out.append(padLeft(BenchRun.modeName(run.mode()), VALUE_WIDTH));
    }
    out.append('\n');
    for (Figure figure : Figure.values()) {
      out.append(pad(figure.label(), LABEL_WIDTH));
      for (BenchRun.Result run : runs) {
        String cell = run.figures() == null ? "skipped" : figure.format(run.figures().get(figure));
        out.append(padLeft(cell, VALUE_WIDTH));
      }
      out.append('\n');
    }
    out.append('\n').append(CONTROLLER_CPU).append('\n');
    out.append(STALE_READS).append('\n');
    for (BenchRun.Result run : runs) {
      if (run.skipped() != null) {
        out.append(BenchRun.modeName(run.mode()))
            .append(" skipped: ")
            .append(run.skipped())
            .append('\n');
      }
      for (String note : run.notes()) {
        out.append(BenchRun.modeName(run.mode())).append(": ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  /** The report as JSON. */
  public ObjectNode json() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode s = root.putObject("settings");
    s.put("gates", settings.gates());
    s.put("membersPerGate", settings.membersPerGate());
    s.put("members", settings.members());
    s.put("pollInterval", BenchRun.goDuration(settings.pollInterval()));
    s.put("steady", BenchRun.goDuration(settings.steady()));
    s.put("flapping", BenchRun.goDuration(settings.flapping()));
    s.put("flipEvery", BenchRun.goDuration(settings.flipEvery()));
    s.put("warmup", BenchRun.goDuration(settings.warmup()));
    s.put("simulatorThreads", settings.simulatorThreads());
    if (settings.simulatorProcesses() == BenchSettings.AUTO) {
      s.put("simulatorProcesses", "auto");
    } else {
      s.put("simulatorProcesses", settings.simulatorProcesses());
    }
    s.put("lagJitterBytes", settings.lagJitterBytes());
    settings.controllerJvmOptions().forEach(s.putArray("controllerJvmOptions")::add);
    s.put("laggingBytes", BenchRun.LAGGING_BYTES);
    s.put("leaderWriteBytesPerSecond", BenchRun.LEADER_WRITE_BYTES_PER_SECOND);
    ObjectNode gate = s.putObject("gate");
    gate.put("admissionStableFor", BenchRun.STABLE_FOR);
    ArrayNode steps = gate.putArray("rampSteps");
    BenchRun.RAMP_STEPS.forEach(steps::add);
    gate.put("rampStepInterval", BenchRun.STEP_INTERVAL);
    gate.put("otherFields", "ReplicaGate defaults");
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("javaVersion", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("maxOpenFiles", BenchRun.maxOpenFiles());
    root.put("controllerCpu", CONTROLLER_CPU);
    root.put("staleReads", STALE_READS);
    ArrayNode list = root.putArray("runs");
    for (BenchRun.Result run : runs) {
      ObjectNode r = list.addObject();
      r.put("mode", BenchRun.modeName(run.mode()));
      if (run.skipped() != null) {
        r.put("skipped", run.skipped());
      }
      ArrayNode notes = r.putArray("notes");
      run.notes().forEach(notes::add);
      if (run.figures() == null) {
        r.putNull("figures");
        continue;
      }
      ObjectNode figures = r.putObject("figures");
      for (Figure figure : Figure.values()) {
        ObjectNode group =
            figures.has(figure.group())
                ? (ObjectNode) figures.get(figure.group())
                : figures.putObject(figure.group());
        BigDecimal value = figure.round(run.figures().get(figure));
        if (value == null) {
          group.putNull(figure.field());
        } else {
          group.put(figure.field(), value);
        }
      }
    }
    return root;
  }

  /** Writes {@link #json()} to {@code file}, creating its directory. */
  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), json());
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
  }

  private static String padLeft(String text, int width) {
    return text.length() >= width ? " " + text : " ".repeat(width - text.length()) + text;
  }
}
