package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.controller.cli.SyncgateCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code syncgate bench} end to end, small (3 gates x 3 members, 5 s, both modes): it exits 0,
 * prints the table, and the JSON holds the same figures. No timing is asserted; the figures only
 * have to be there and sane.
 */
class BenchCommandIT {

  /**
   * Figures that are n/a when no flip of that kind happened in the short run, and the ratios to
   * HAProxy: checking 9 members costs HAProxy less than the 10 ms that /proc counts in, so its CPU
   * per check may be 0.
   */
  private static final Set<Figure> MAY_BE_EMPTY =
      EnumSet.of(
          Figure.EJECTION_P50,
          Figure.EJECTION_P99,
          Figure.EJECTION_MAX,
          Figure.ADMISSION_P50,
          Figure.ADMISSION_P99,
          Figure.ADMISSION_MAX,
          Figure.RATIO_STEADY,
          Figure.RATIO_FROM_START);

  @TempDir Path dir;

  @Test
  void smallRunPrintsTheTableAndWritesTheSameFiguresAsJson() throws Exception {
    Path json = dir.resolve("bench.json");
    String table =
        bench(
            "--gates=3",
            "--members-per-gate=3",
            "--duration=5s",
            "--warmup=1s",
            "--haproxy-for=2s",
            "--json-out=" + json);

    // HAProxy is installed by scripts/install-deps.sh; without it the run says so and has no ratio.
    boolean haproxy = HaproxyRun.find().isPresent();
    JsonNode report =
        new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .readTree(json.toFile());
    JsonNode runs = report.get("runs");
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).get("mode").asText()).isEqualTo("http10-close");
    assertThat(runs.get(1).get("mode").asText()).isEqualTo("keep-alive");
    assertThat(headerCells(table)).containsExactly("http10-close", "keep-alive");
    Map<Figure, List<String>> rows = rows(table);
    assertThat(rows.keySet()).containsExactlyInAnyOrder(Figure.values());

    for (int run = 0; run < 2; run++) {
      JsonNode figures = runs.get(run).get("figures");
      for (Figure figure : Figure.values()) {
        JsonNode value = figures.path(figure.group()).get(figure.field());
        String cell = rows.get(figure).get(run);
        assertThat(value).as("%s in the JSON", figure.key()).isNotNull();
        if (value.isNull()) {
          assertThat(haproxy ? MAY_BE_EMPTY : withoutHaproxy())
              .as("%s may be n/a", figure.key())
              .contains(figure);
          assertThat(cell).as(figure.label()).isEqualTo("n/a");
        } else {
          assertThat(new BigDecimal(cell))
              .as("%s: table %s, JSON %s", figure.label(), cell, value)
              .isEqualByComparingTo(value.decimalValue());
        }
      }
      double asked = number(figures, Figure.POLLS_ASKED);
      double achieved = number(figures, Figure.POLLS_ACHIEVED);
      assertThat(asked).isEqualTo(9.0);
      assertThat(achieved).isGreaterThan(0).isLessThanOrEqualTo(asked * 2);
      assertThat(number(figures, Figure.TICKS)).isPositive();
      assertThat(number(figures, Figure.CONTROLLER_MICROS_PER_POLL)).isPositive();
      assertThat(number(figures, Figure.CONTROLLER_KERNEL_MICROS_PER_POLL))
          .isBetween(0.0, number(figures, Figure.CONTROLLER_MICROS_PER_POLL));
      assertThat(number(figures, Figure.CONTROLLER_JIT_MILLIS_PER_SECOND)).isNotNegative();
      assertThat(number(figures, Figure.CONTROLLER_MICROS_PER_POLL_FROM_START)).isPositive();
      assertThat(number(figures, Figure.CONTROLLER_CORES)).isPositive();
      assertThat(number(figures, Figure.WATCHES)).isPositive();
      if (haproxy) {
        assertThat(number(figures, Figure.HAPROXY_CHECKS)).isPositive();
        assertThat(number(figures, Figure.HAPROXY_MICROS_PER_CHECK)).isNotNegative();
        assertThat(number(figures, Figure.HAPROXY_KERNEL_MICROS_PER_CHECK))
            .isBetween(0.0, number(figures, Figure.HAPROXY_MICROS_PER_CHECK));
      }
      assertThat(number(figures, Figure.HEAP_AFTER)).isPositive();
      assertThat(number(figures, Figure.STEADY_DR)).isZero();
      assertThat(number(figures, Figure.STEADY_VS)).isZero();
    }
    assertThat(report.get("settings").get("members").asInt()).isEqualTo(9);
    // Unless told otherwise, the controller runs with the deployment's JVM options.
    List<String> jvmOptions = new ArrayList<>();
    report.get("settings").get("controllerJvmOptions").forEach(o -> jvmOptions.add(o.asText()));
    assertThat(jvmOptions).containsExactly(BenchSettings.DEPLOYED_JVM_OPTIONS.split(" "));
    assertThat(table).contains("controller JVM options: " + BenchSettings.DEPLOYED_JVM_OPTIONS);
    assertThat(report.get("controllerCpu").asText()).contains("controller CPU");
  }

  @Test
  void keepAliveRunWithTheSimulatorSplitOverTwoProcessesSaysSoAndCountsTheirCpu() throws Exception {
    Path json = dir.resolve("split.json");
    bench(
        "--gates=3",
        "--members-per-gate=3",
        "--mode=keep-alive",
        "--simulator-processes=2",
        "--duration=5s",
        "--warmup=3s",
        "--flip-every=1s",
        "--haproxy-for=0s",
        "--json-out=" + json);

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.get("settings").get("simulatorProcesses").asInt()).isEqualTo(2);
    JsonNode run = report.get("runs").get(0);
    assertThat(run.get("notes").toString()).contains("simulator split over 2 child processes");
    // The warm-up's second half flipped replicas, and they were settled before measuring.
    assertThat(run.get("notes").toString())
        .containsPattern("warm-up: [1-9][0-9]* flips in its second half");
    JsonNode figures = run.get("figures");
    assertThat(number(figures, Figure.POLLS_ACHIEVED)).isPositive();
    assertThat(number(figures, Figure.TICKS)).isPositive();
    // Two JVMs serving polls spend more than /proc's 10 ms resolution in 5 s.
    assertThat(number(figures, Figure.SIMULATOR_CORES)).isPositive();
  }

  /**
   * Runs {@code syncgate bench} with {@code args}, checks it exits 0, prints and returns stdout.
   */
  private static String bench(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new SyncgateCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] command = new String[args.length + 1];
    command[0] = "bench";
    System.arraycopy(args, 0, command, 1, args.length);

    int exit = cli.execute(command);

    assertThat(exit).as("exit code; stderr:%n%s", err).isZero();
    System.out.print(out);
    return out.toString();
  }

  private static Set<Figure> withoutHaproxy() {
    Set<Figure> empty = EnumSet.copyOf(MAY_BE_EMPTY);
    empty.addAll(
        EnumSet.of(
            Figure.HAPROXY_CHECKS,
            Figure.HAPROXY_MICROS_PER_CHECK,
            Figure.HAPROXY_KERNEL_MICROS_PER_CHECK,
            Figure.HAPROXY_CORES));
    return empty;
  }

  private static double number(JsonNode figures, Figure figure) {
    return figures.path(figure.group()).get(figure.field()).asDouble();
  }

  private static List<String> headerCells(String table) {
    for (String line : table.split("\n")) {
      if (line.startsWith("figure ")) {
        return List.of(line.substring(BenchReport.LABEL_WIDTH).strip().split("\\s+"));
      }
    }
    throw new AssertionError("no header row in:\n" + table);
  }

  /** Each figure's row, found by its label, split into one cell per run. */
  private static Map<Figure, List<String>> rows(String table) {
    Map<Figure, List<String>> rows = new LinkedHashMap<>();
    for (String line : table.split("\n")) {
      if (line.length() <= BenchReport.LABEL_WIDTH) {
        continue;
      }
      String label = line.substring(0, BenchReport.LABEL_WIDTH).strip();
      for (Figure figure : Figure.values()) {
        if (figure.label().equals(label)) {
          rows.put(
              figure,
              new ArrayList<>(
                  List.of(line.substring(BenchReport.LABEL_WIDTH).strip().split("\\s+"))));
        }
      }
    }
    return rows;
  }
}
