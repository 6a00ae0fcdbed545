package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code syncgate demo --scenario rollout} in-process with small figures: three replicas 768 MiB,
 * 1.5 GiB and 2.25 GiB behind, replaying 512 MiB/s, 1 s stable, 2 s per ramp step; about 20 s of
 * story. The facts are asserted from what the demo printed, in the order it printed them, never
 * from how long anything took: the joiners enter one at a time, the hold keeps the step, the
 * promote reaches a full share, the refused promote says why, and the exit status is 0.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DemoRolloutIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> JOINERS = List.of("hippo-3", "hippo-4", "hippo-5");

  /** Every event type the rollout prints. */
  private static final List<String> TYPES =
      List.of(
          "started", "route", "replica", "rollout", "scale", "request", "action", "waiting", "hold",
          "table", "summary");

  /**
   * A quick rollout. Step intervals of 2 s leave the hold, asked for at 25 %, two steps of room
   * before its replica would serve; the farthest joiner is 4.5 s from caught up when the refused
   * promote is asked for.
   */
  private static final List<String> QUICK =
      List.of(
          "demo",
          "--scenario",
          "rollout",
          "--backlog",
          "3Gi",
          "--catch-up-rate",
          "512Mi",
          "--write-rate",
          "2Mi",
          "--stable-for",
          "1s",
          "--step-interval",
          "2s",
          "--poll-interval",
          "200ms",
          "--timeout",
          "90s");

  private static SyncgateCommandTest.Result demo(String... more) {
    List<String> args = new ArrayList<>(QUICK);
    args.addAll(List.of(more));
    return SyncgateCommandTest.run(args.toArray(String[]::new));
  }

  @Test
  void jsonLinesTellTheRolloutAndEveryFactHolds() throws Exception {
    // As Patroni 4.1: its /readiness is lag-aware, which changes nothing of what syncgate does.
    SyncgateCommandTest.Result result = demo("--output", "json", "--patroni-version", "4.1");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    List<JsonNode> events = new ArrayList<>();
    for (String line : result.out().lines().toList()) {
      events.add(JSON.readTree(line)); // every line is one JSON object, nothing else is on stdout
    }
    assertThat(events).allMatch(JsonNode::isObject);
    assertThat(events).extracting(e -> e.get("event").asText()).allMatch(TYPES::contains);
    JsonNode started = events.get(0);
    assertThat(started.get("event").asText()).isEqualTo("started");
    assertThat(started.get("scenario").asText()).isEqualTo("rollout");
    assertThat(started.get("maxRamping").asInt()).isEqualTo(1);
    assertThat(started.get("joiners"))
        .extracting(j -> j.get("name").asText())
        .containsExactlyElementsOf(JOINERS);
    assertThat(started.get("patroniVersion").asText()).isEqualTo("4.1");
    JsonNode summary = events.get(events.size() - 1);
    assertThat(summary.get("event").asText()).isEqualTo("summary");
    assertThat(summary.get("scenario").asText()).isEqualTo("rollout");
    assertThat(summary.get("staleReadPercentSeconds").asDouble()).isZero();
    // hippo-5 joins far behind: Patroni 4.1's /readiness answers 503 as it is first gated.
    JsonNode lastGated =
        events.get(
            indexOf(events, e -> is(e, "replica") && replica(e, "hippo-5") && change(e, "gated")));
    assertThat(lastGated.get("readiness").asInt()).isEqualTo(503);
    assertThat(lastGated.get("lagBytes").asLong()).isGreaterThan(1L << 20);

    // The joiners enter one at a time, in the order they caught up: each is admitted only after
    // the one before serves, and no status ever names two of them ramping.
    List<Integer> admitted = new ArrayList<>();
    List<Integer> serving = new ArrayList<>();
    for (String j : JOINERS) {
      admitted.add(
          indexOf(events, e -> is(e, "replica") && replica(e, j) && change(e, "admitted")));
      serving.add(indexOf(events, e -> is(e, "replica") && replica(e, j) && change(e, "serving")));
    }
    assertThat(admitted).doesNotContain(-1);
    assertThat(serving).doesNotContain(-1);
    assertThat(
            List.of(
                admitted.get(0),
                serving.get(0),
                admitted.get(1),
                serving.get(1),
                admitted.get(2),
                serving.get(2)))
        .isSorted();
    assertThat(events)
        .filteredOn(e -> is(e, "rollout"))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.get("rollout").asText().split(" ramping", -1).length - 1)
                    .as("replicas ramping in %s", e.get("rollout"))
                    .isLessThanOrEqualTo(1));
    assertThat(summary.get("mostRampingAtOnce").asInt()).isEqualTo(1);
    assertThat(summary.get("violation").isNull()).isTrue();
    assertThat(summary.get("entered").fieldNames()).toIterable().containsExactlyElementsOf(JOINERS);
    assertThat(events)
        .anyMatch(e -> is(e, "waiting") && text(e, "waitingFor").startsWith("its turn"));

    // The refused promote: hippo-5 while far behind, with the controller's reason.
    JsonNode refused = action(events, "promote", "hippo-5", "Refused");
    assertThat(text(refused, "message"))
        .matches("refused: lag .+ > 1 MiB(, .+)?, not within admission limits");
    assertThat(summary.get("refused").get("id").asText()).isEqualTo(text(refused, "id"));

    // The hold: applied while hippo-4 ramps, and its step does not move until the resume.
    JsonNode hold = action(events, "hold", "hippo-4", "Applied");
    assertThat(text(hold, "message")).startsWith("held at ramp step ");
    ObjectNode check = (ObjectNode) first(events, e -> is(e, "hold"));
    assertThat(check.get("kept").asBoolean()).isTrue();
    assertThat(text(check, "phase")).isEqualTo("Ramping");
    assertThat(text(check, "waitingFor")).isEqualTo("resume (held)");
    assertThat(text(hold, "message"))
        .isEqualTo(
            "held at ramp step "
                + check.get("step").asInt()
                + " ("
                + check.get("stepPercent").asInt()
                + "%)");
    // It lasted two step intervals, by the story's own timer: longer than one step.
    assertThat(check.get("heldSeconds").asDouble()).isGreaterThan(2.0);
    JsonNode resume = action(events, "resume", "hippo-4", "Applied");
    assertThat(
            events.subList(events.indexOf(hold), events.indexOf(resume)).stream()
                .filter(e -> is(e, "replica") && replica(e, "hippo-4")))
        .as("hippo-4's phase or step changed while held")
        .isEmpty();
    assertThat(events.indexOf(check)).isBetween(events.indexOf(hold), events.indexOf(resume));
    assertThat(summary.get("hold")).isEqualTo(check.deepCopy().without("event"));

    // The promote: hippo-5 while it ramps, straight to a full share.
    JsonNode promote = action(events, "promote", "hippo-5", "Applied");
    assertThat(text(promote, "message")).startsWith("promoted at ramp step ");
    assertThat(events.indexOf(promote)).isGreaterThan(admitted.get(2)).isLessThan(serving.get(2));
    JsonNode promoted = summary.get("promote");
    assertThat(promoted.get("replica").asText()).isEqualTo("hippo-5");
    assertThat(promoted.get("weight").asInt()).isEqualTo(20);
    assertThat(JSON.convertValue(summary.get("weights"), Map.class))
        .isEqualTo(
            Map.of("hippo-1", 20, "hippo-2", 20, "hippo-3", 20, "hippo-4", 20, "hippo-5", 20));

    // Each request is the annotation kubectl syncgate adds, and each was recorded.
    List<JsonNode> requests = events.stream().filter(e -> is(e, "request")).toList();
    assertThat(requests)
        .extracting(e -> text(e, "action") + " " + text(e, "replica"))
        .containsExactly("promote hippo-5", "hold hippo-4", "resume hippo-4", "promote hippo-5");
    for (JsonNode request : requests) {
      assertThat(text(request, "annotation"))
          .isEqualTo("request.syncgate.io/" + text(request, "id"));
      JsonNode value = JSON.readTree(text(request, "value"));
      assertThat(value.get("action").asText()).isEqualTo(text(request, "action"));
      assertThat(value.get("replica").asText()).isEqualTo(text(request, "replica"));
      assertThat(value.get("by").asText()).isEqualTo("operator");
      assertThat(value.has("at")).isTrue();
    }
    assertThat(summary.get("requests").asInt()).isEqualTo(4);
  }

  @Test
  void textTellsTheRolloutLineByLineAndEndsWithTheTableAndSummary() {
    SyncgateCommandTest.Result result = demo();

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(result.out())
        .contains("syncgate demo --scenario rollout:")
        .contains("at most 1 replica ramping at a time (ramp.maxRamping: 1)");
    int scaled =
        indexOf(lines, "scale    3 -> 6 members: hippo-3 (768 MiB behind), hippo-4 (1.5 GiB");
    int refused =
        indexOf(lines, "operator promote hippo-5 refused: lag ", "not within admission limits");
    int waiting = indexOf(lines, "waiting for   its turn (ramp.maxRamping)");
    int held = indexOf(lines, "operator hold hippo-4 applied: held at ramp step ");
    int heldWaiting = indexOf(lines, "hippo-4  waiting for   resume (held), at ramp step ");
    int check = indexOf(lines, "hippo-4  held ", "the step did not move");
    int resumed = indexOf(lines, "operator resume hippo-4 applied: resumed: no longer held");
    int promoted = indexOf(lines, "operator promote hippo-5 applied: promoted at ramp step ");
    int table =
        indexOf(lines, "replica  phase    step      weight  lag        catch-up  ", "waiting for");
    int summary = indexOf(lines, "The new replicas serve after ");
    assertThat(
            List.of(scaled, refused, held, heldWaiting, check, resumed, promoted, table, summary))
        .doesNotContain(-1)
        .isSorted();
    assertThat(waiting).isBetween(scaled, promoted);
    assertThat(lines.subList(summary, lines.size()))
        .anyMatch(l -> l.startsWith("  entered        hippo-3 at "))
        .contains(
            "  ramping        at most 1 at once in every status seen (ramp.maxRamping: 1)",
            "  requests       4, each recorded in status.lastActions and its annotation removed",
            "  final weights  hippo-1 20, hippo-2 20, hippo-3 20, hippo-4 20, hippo-5 20")
        .anyMatch(l -> l.startsWith("  hold           hippo-4 held ") && l.endsWith("move"))
        .anyMatch(l -> l.startsWith("  promote        hippo-5 from ramp step "))
        .anyMatch(l -> l.startsWith("  refused        promote hippo-5: lag "));
    assertThat(lines.subList(table + 1, table + 6))
        .allMatch(l -> l.contains("Serving") && l.contains(" 0 B"));
  }

  private static boolean is(JsonNode e, String type) {
    return type.equals(e.get("event").asText());
  }

  private static boolean replica(JsonNode e, String name) {
    return name.equals(text(e, "replica"));
  }

  private static boolean change(JsonNode e, String change) {
    return change.equals(text(e, "change"));
  }

  private static String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static JsonNode action(List<JsonNode> events, String verb, String name, String result) {
    return first(
        events,
        e ->
            is(e, "action")
                && verb.equals(text(e, "action"))
                && replica(e, name)
                && result.equals(text(e, "result")));
  }

  private static JsonNode first(List<JsonNode> events, Predicate<JsonNode> match) {
    int i = indexOf(events, match);
    assertThat(i).as("an event matching the test's predicate").isNotNegative();
    return events.get(i);
  }

  private static int indexOf(List<JsonNode> events, Predicate<JsonNode> match) {
    for (int i = 0; i < events.size(); i++) {
      if (match.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(List<String> lines, String... parts) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (List.of(parts).stream().allMatch(line::contains)) {
        return i;
      }
    }
    return -1;
  }
}
