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
              new DemoEvent.Row(
                  "hippo-1",
                  200,
                  200,
                  0L,
                  new DemoEvent.CatchUpTrend("Flat", 0, 0L),
                  "Ramping",
                  50),
              new DemoEvent.Row(
                  "hippo-3",
                  200,
                  503,
                  3L << 30,
                  new DemoEvent.CatchUpTrend("CatchingUp", 248L << 20, 13L),
                  "Gated",
                  0)));

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
            "   6.8s  replica  /readiness  /replica?lag=1MB  lag        catch-up              phase"
                + "    weight",
            "         hippo-1  200         200               0 B        flat                  Ramping"
                + "      50",
            "         hippo-3  200         503               3 GiB      248 MiB/s, ETA 13s    Gated"
                + "         0  "
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
                "http://127.0.0.1:2/metrics",
                "3.0.2"))
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
                        null,
                        "Unknown",
                        0))));

    assertThat(out)
        .contains(
            "hippo-2  ---         ---               ?                                Unknown       0\n");
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
    JsonNode catchUp = table.get("rows").get(1).get("catchUp");
    assertThat(catchUp.get("lagTrend").asText()).isEqualTo("CatchingUp");
    assertThat(catchUp.get("bytesPerSecond").asLong()).isEqualTo(248L << 20);
    assertThat(catchUp.get("etaSeconds").asLong()).isEqualTo(13);
  }

  @Test
  void theCatchUpCellSaysWhichWayTheLagGoesOnceTheControllerKnows() {
    assertThat(TextReporter.catchUp(null)).isEmpty();
    assertThat(TextReporter.catchUp(new DemoEvent.CatchUpTrend("CatchingUp", 240L << 20, 17L)))
        .isEqualTo("240 MiB/s, ETA 17s");
    // Within admission.maxLag already: no ETA.
    assertThat(TextReporter.catchUp(new DemoEvent.CatchUpTrend("CatchingUp", 240L << 20, 0L)))
        .isEqualTo("240 MiB/s");
    assertThat(TextReporter.catchUp(new DemoEvent.CatchUpTrend("Flat", 0, null))).isEqualTo("flat");
    assertThat(TextReporter.catchUp(new DemoEvent.CatchUpTrend("FallingBehind", -(2L << 20), null)))
        .isEqualTo("growing 2 MiB/s");
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

  private static final DemoEvent.HoldChecked HOLD =
      new DemoEvent.HoldChecked(
          32.6, "hippo-4", 6.1, "Ramping", 1, 25, "resume (held)", "3s", true);

  private static final DemoEvent.ActionRecorded REFUSED =
      new DemoEvent.ActionRecorded(
          4.5,
          "promote-hippo-5-1",
          "promote",
          "hippo-5",
          "operator",
          "Refused",
          "refused: lag 3.5 GiB > 1 MiB, not within admission limits",
          0.4);

  private static DemoEvent.RolloutEnded ended(String violation) {
    Map<String, Double> entered = new LinkedHashMap<>();
    entered.put("hippo-3", 12.6);
    entered.put("hippo-4", 22.5);
    entered.put("hippo-5", 36.5);
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (int i = 1; i <= 5; i++) {
      weights.put("hippo-" + i, 20);
    }
    return new DemoEvent.RolloutEnded(
        37.1,
        "rollout",
        entered,
        1,
        violation == null ? 1 : 2,
        violation,
        HOLD,
        new DemoEvent.Promoted(
            "hippo-5", 0, 10, "promoted at ramp step 0 (10%) to a full share", 0.6, 20),
        REFUSED,
        4,
        weights,
        0.0);
  }

  @Test
  void theOperatorsRequestsAndTheirOutcomesAreOneLineEach() {
    List<String> lines =
        text(
                new DemoEvent.ActionRequested(
                    4.1,
                    "promote-hippo-5-1",
                    "promote",
                    "hippo-5",
                    "operator",
                    "request.syncgate.io/promote-hippo-5-1",
                    "{}"),
                REFUSED,
                new DemoEvent.Waiting(26.5, "hippo-4", "resume (held)", "Ramping", 1, 25, 7),
                new DemoEvent.RolloutChanged(
                    26.5, "3/5 serving; hippo-4 ramping, weight 7, held; hippo-5 awaits its turn"),
                HOLD)
            .lines()
            .toList();

    assertThat(lines)
        .containsExactly(
            "   4.1s  operator promote hippo-5: annotation request.syncgate.io/promote-hippo-5-1"
                + " added (JSON merge patch)",
            "   4.5s  operator promote hippo-5 refused: lag 3.5 GiB > 1 MiB, not within admission"
                + " limits  (status.lastActions, after 0.4s)",
            "  26.5s  hippo-4  waiting for   resume (held), at ramp step 1 (25%), weight 7",
            "  26.5s  rollout  3/5 serving; hippo-4 ramping, weight 7, held; hippo-5 awaits its"
                + " turn",
            "  32.6s  hippo-4  held 6.1s     Ramping at ramp step 1 (25%), waiting for resume"
                + " (held); one step is 3s: the step did not move");
  }

  @Test
  void aReplicaAdmittedStraightToAFullShareSaysSo() {
    assertThat(
            text(
                new DemoEvent.ReplicaChanged(
                    3.6, "hippo-1", "admitted", "Serving", null, null, 50, 0L, 200, "x")))
        .startsWith("   3.6s  hippo-1  admitted 100% weight  50");
  }

  @Test
  void theRolloutTableHasNoTrailingBlanksAndShowsWhatEachWaitsFor() {
    List<String> lines =
        text(new DemoEvent.RolloutTable(
                20,
                "rollout",
                List.of(
                    new DemoEvent.RolloutRow(
                        "hippo-3", "Serving", null, null, 32, 0L, null, null, false),
                    new DemoEvent.RolloutRow(
                        "hippo-4",
                        "Ramping",
                        1,
                        25,
                        7,
                        0L,
                        new DemoEvent.CatchUpTrend("Flat", 0, 0L),
                        "resume (held)",
                        true))))
            .lines()
            .toList();

    assertThat(lines)
        .containsExactly(
            "  20.0s  replica  phase    step      weight  lag        catch-up              waiting for",
            "         hippo-3  Serving                32  0 B",
            "         hippo-4  Ramping  1 (25%)        7  0 B        flat                  resume"
                + " (held)",
            "");
  }

  @Test
  void theRolloutSummarySaysWhatTheStoryShowed() {
    assertThat(text(ended(null)).lines().toList())
        .containsExactly(
            "The new replicas serve after 37.1s:",
            "  entered        hippo-3 at 12.6s, hippo-4 at 22.5s, hippo-5 at 36.5s",
            "  ramping        at most 1 at once in every status seen (ramp.maxRamping: 1)",
            "  hold           hippo-4 held 6.1s at ramp step 1 (25%), one step being 3s: the step"
                + " did not move",
            "  promote        hippo-5 from ramp step 0 (10%) to a full share (weight 20) in 0.6s",
            "  refused        promote hippo-5: lag 3.5 GiB > 1 MiB, not within admission limits",
            "  requests       4, each recorded in status.lastActions and its annotation removed",
            "  final weights  hippo-1 20, hippo-2 20, hippo-3 20, hippo-4 20, hippo-5 20",
            "  stale reads    0.0 percent-seconds of reads routed to replicas of unknown lag or over"
                + " admission.maxLag",
            "                 (syncgate_stale_read_exposure_percent_seconds_total): 0 expected,"
                + " except within the documented grace windows");
    assertThat(text(ended("hippo-3 and hippo-4 were Ramping in one status at 12.6s")))
        .contains(
            "  ramping        NOT KEPT: hippo-3 and hippo-4 were Ramping in one status at 12.6s"
                + " (ramp.maxRamping: 1)");
  }

  @Test
  void theRolloutSummaryIsOneJsonObjectWithItsFactsNested() throws Exception {
    JsonNode summary = new ObjectMapper().readTree(JsonLinesReporter.line(ended(null)));

    assertThat(summary.fieldNames().next()).isEqualTo("event");
    assertThat(summary.get("event").asText()).isEqualTo("summary");
    assertThat(summary.get("scenario").asText()).isEqualTo("rollout");
    assertThat(summary.get("entered").fieldNames())
        .toIterable()
        .containsExactly("hippo-3", "hippo-4", "hippo-5");
    assertThat(summary.get("violation").isNull()).isTrue();
    assertThat(summary.get("hold").get("kept").asBoolean()).isTrue();
    assertThat(summary.get("hold").get("step").asInt()).isEqualTo(1);
    assertThat(summary.get("hold").has("event")).isFalse();
    assertThat(summary.get("promote").get("weight").asInt()).isEqualTo(20);
    assertThat(summary.get("refused").get("result").asText()).isEqualTo("Refused");
    assertThat(summary.get("weights").get("hippo-5").asInt()).isEqualTo(20);
    assertThat(summary.get("staleReadPercentSeconds").asDouble()).isZero();
  }
}
