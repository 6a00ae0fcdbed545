package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How events look as text and as JSON lines. */
class DemoReportersTest {

  private static final DemoEvent.Table TABLE =
      new DemoEvent.Table(
          6.8,
          "/replica?lag=1MB",
          List.of(
              new DemoEvent.Row("hippo-1", 200, 200, 0L, "Ramping", 50),
              new DemoEvent.Row("hippo-3", 200, 503, 3L << 30, "Gated", 0)));

  private static String text(DemoEvent... events) {
    StringWriter out = new StringWriter();
    DemoReporter reporter = DemoReporter.of(DemoSettings.Output.TEXT, new PrintWriter(out));
    for (DemoEvent e : events) {
      reporter.report(e);
    }
    return out.toString();
  }

  @Test
  void theTableMarksAReplicaPatroniCallsReadyThatGetsNoReads() {
    List<String> lines = text(TABLE).lines().toList();

    assertThat(lines)
        .containsExactly(
            "   6.8s  replica  /readiness  /replica?lag=1MB  lag        phase    weight",
            "         hippo-1  200         200               0 B        Ramping      50",
            "         hippo-3  200         503               3 GiB      Gated         0  "
                + TextReporter.READY_BUT_NO_READS,
            "");
  }

  @Test
  void aReplicaLineShowsWhatChangedItsWeightLagAndReadiness() {
    String line =
        text(
            new DemoEvent.ReplicaChanged(
                24.6, "hippo-3", "admitted", "Ramping", 0, 10, 5, 0L, 200, "ramp step 0 (10%)"));

    assertThat(line)
        .isEqualTo(
            "  24.6s  hippo-3  admitted 10%  weight   5  lag 0 B        /readiness 200 "
                + " ramp step 0 (10%)"
                + System.lineSeparator());
  }

  @Test
  void theFallbackRouteNamesThePrimaryServiceFirstAndSaysWhy() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("hippo-ha", 100);
    weights.put("hippo-1", 0);
    weights.put("hippo-3", 0);

    assertThat(text(new DemoEvent.RouteChanged(0.2, weights, true)))
        .isEqualTo(
            "   0.2s  route    hippo-ha 100, hippo-1 0, hippo-3 0"
                + "  (the primary Service: no replica admitted yet)"
                + System.lineSeparator());
    assertThat(text(new DemoEvent.RouteChanged(3.5, Map.of("hippo-1", 100), false)))
        .isEqualTo("   3.5s  route    hippo-1 100" + System.lineSeparator());
  }

  @Test
  void theSetUpSaysWhichMembersEachServiceHas() {
    Map<String, String> patroni = new LinkedHashMap<>();
    patroni.put("hippo-0", "http://127.0.9.2:8008");
    patroni.put("hippo-3", "http://127.0.9.5:8008");
    List<String> lines =
        text(new DemoEvent.Started(
                0,
                "db",
                "hippo-reads",
                "hippo-0",
                List.of("hippo-1", "hippo-2"),
                "hippo-3",
                "hippo-replicas",
                "hippo-ha",
                5L << 30,
                250L << 20,
                2L << 20,
                "1Mi",
                "3s",
                List.of(10, 25, 50, 100),
                "3s",
                "500ms",
                patroni,
                "http://localhost:1",
                "http://127.0.0.1:2/metrics"))
            .lines()
            .toList();

    assertThat(lines)
        .containsSubsequence(
            "           hippo-3  replica restored from an old backup: 5 GiB behind, replaying"
                + " 250 MiB/s",
            "  services hippo-replicas  the read host's, replicas only: hippo-1, hippo-2,"
                + " hippo-3",
            "           hippo-ha        the primary's, for reads while no replica is admitted:"
                + " hippo-0",
            "  gate     db/hippo-reads: admit at lag <= 1Mi held for 3s, then ramp 10% > 25% >"
                + " 50% > 100% of a share,");
  }

  @Test
  void aMemberThatDoesNotAnswerShowsDashes() {
    String out =
        text(
            new DemoEvent.Table(
                1,
                "/replica?lag=1MB",
                List.of(
                    new DemoEvent.Row(
                        "hippo-2",
                        PatroniProbe.NO_ANSWER,
                        PatroniProbe.NO_ANSWER,
                        null,
                        "Unknown",
                        0))));

    assertThat(out).contains("hippo-2  ---         ---               ?          Unknown       0\n");
  }

  @Test
  void jsonLinesStartWithTheEventTypeAndCarryEveryField() throws Exception {
    Map<String, Integer> weights = new TreeMap<>(Map.of("hippo-2", 33, "hippo-1", 34));
    String line = JsonLinesReporter.line(new DemoEvent.RouteChanged(31.7, weights, false));

    assertThat(line)
        .isEqualTo(
            "{\"event\":\"route\",\"t\":31.7,\"weights\":{\"hippo-1\":34,\"hippo-2\":33},"
                + "\"fallback\":false}");
    Map<String, Integer> fallback = new LinkedHashMap<>();
    fallback.put("hippo-ha", 100);
    fallback.put("hippo-1", 0);
    assertThat(JsonLinesReporter.line(new DemoEvent.RouteChanged(0.2, fallback, true)))
        .isEqualTo(
            "{\"event\":\"route\",\"t\":0.2,\"weights\":{\"hippo-ha\":100,\"hippo-1\":0},"
                + "\"fallback\":true}");
    JsonNode table = new ObjectMapper().readTree(JsonLinesReporter.line(TABLE));
    assertThat(table.get("event").asText()).isEqualTo("table");
    assertThat(table.get("rows").get(1).get("replicaCheck").asInt()).isEqualTo(503);
    assertThat(table.get("rows").get(1).get("lagBytes").asLong()).isEqualTo(3L << 30);
  }

  @Test
  void theJsonReporterWritesOneLinePerEvent() {
    StringWriter out = new StringWriter();
    DemoReporter reporter = DemoReporter.of(DemoSettings.Output.JSON, new PrintWriter(out));
    reporter.report(TABLE);
    reporter.report(new DemoEvent.Emitted(40, List.of("a.yaml", "b.yaml")));

    assertThat(out.toString().lines().toList())
        .containsExactly(
            JsonLinesReporter.line(TABLE),
            "{\"event\":\"emitted\",\"t\":40.0,\"files\":[\"a.yaml\",\"b.yaml\"]}");
  }
}
