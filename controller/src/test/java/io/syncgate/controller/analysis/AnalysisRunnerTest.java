package io.syncgate.controller.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgate.policy.analysis.CheckDefinition;
import io.syncgate.policy.analysis.CheckResult;
import io.syncgate.policy.analysis.CheckStatus;
import io.syncgate.policy.analysis.Comparison;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link AnalysisRunner} over a fake Prometheus whose answers the test gives by hand. */
class AnalysisRunnerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static final CheckDefinition LATENCY =
      new CheckDefinition(
          "read-latency",
          "lat{pod=\"{{replica}}\",namespace=\"{{namespace}}\"}",
          Comparison.LT,
          0.25,
          Duration.ofSeconds(10));

  private static final CheckDefinition ERRORS =
      new CheckDefinition(
          "errors", "err{pod=\"{{replica}}\"}", Comparison.LE, 0, Duration.ofSeconds(30));

  /** Queries sent, in order, each with the promise the test completes. */
  private final FakePrometheus prometheus = new FakePrometheus();

  private final List<String> finished = new ArrayList<>();
  private final AnalysisRunner runner =
      new AnalysisRunner(
          prometheus, "pg", (replica, result) -> finished.add(replica + " " + result.reason()));

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private Map<String, Map<String, CheckStatus>> evaluate(
      List<CheckDefinition> checks, Map<String, Instant> stepStarts, long second) {
    prometheus.now = at(second);
    return runner.evaluate(checks, stepStarts, at(second));
  }

  private Map<String, Map<String, CheckStatus>> evaluate(long second) {
    return evaluate(List.of(LATENCY), Map.of("hippo-2", T0), second);
  }

  @Test
  void theFirstQueryOfAReplicaIsSentAtOnceWithItsNamesFilledIn() {
    Map<String, Map<String, CheckStatus>> known = evaluate(0);
    assertThat(prometheus.sent()).containsExactly("lat{pod=\"hippo-2\",namespace=\"pg\"}");
    assertThat(known).isEqualTo(Map.of("hippo-2", Map.of()));
    assertThat(runner.queriesInFlight()).isEqualTo(1);
  }

  @Test
  void aResultArrivingAfterEvaluateReturnedShowsUpInTheNextCall() {
    evaluate(0);
    prometheus.answer(0, QueryAnswer.of(0.12));
    assertThat(runner.queriesInFlight()).isZero();
    assertThat(evaluate(1))
        .isEqualTo(
            Map.of(
                "hippo-2",
                Map.of(
                    "read-latency",
                    new CheckStatus(
                        new CheckResult("read-latency", at(0), true, "read-latency: 0.12 < 0.25"),
                        0))));
    assertThat(finished).containsExactly("hippo-2 read-latency: 0.12 < 0.25");
  }

  @Test
  void anAnswerAlreadyThereWhenSentCountsInTheSameCall() {
    AnalysisRunner immediate =
        new AnalysisRunner(q -> Future.succeededFuture(QueryAnswer.of(0.31)), "pg", null);
    assertThat(immediate.evaluate(List.of(LATENCY), Map.of("hippo-2", T0), T0))
        .isEqualTo(
            Map.of(
                "hippo-2",
                Map.of(
                    "read-latency",
                    new CheckStatus(
                        new CheckResult(
                            "read-latency", T0, false, "read-latency: 0.31, needs < 0.25"),
                        1))));
    assertThat(immediate.queriesInFlight()).isZero();
  }

  @Test
  void neverMoreOftenThanTheInterval() {
    evaluate(0);
    prometheus.answer(0, QueryAnswer.of(0.12));
    for (long second = 0; second < 10; second++) {
      evaluate(second);
    }
    assertThat(prometheus.sent()).hasSize(1);
    evaluate(10);
    assertThat(prometheus.sent()).hasSize(2);
    prometheus.answer(1, QueryAnswer.of(0.12));
    evaluate(19);
    assertThat(prometheus.sent()).hasSize(2);
    evaluate(25);
    assertThat(prometheus.sent()).hasSize(3);
    assertThat(prometheus.sentAt()).isEqualTo(List.of(0L, 10L, 25L));
  }

  @Test
  void neverTwoInFlightEvenWhenTheIntervalHasPassed() {
    evaluate(0);
    evaluate(0);
    evaluate(10);
    evaluate(100);
    assertThat(prometheus.sent()).hasSize(1);
    assertThat(runner.queriesInFlight()).isEqualTo(1);
    prometheus.answer(0, QueryAnswer.timedOut(Duration.ofSeconds(5)));
    // Due again, since the last was sent long enough ago: sent at once.
    evaluate(100);
    assertThat(prometheus.sent()).hasSize(2);
    assertThat(prometheus.sentAt()).isEqualTo(List.of(0L, 100L));
  }

  @Test
  void eachCheckAndReplicaKeepsItsOwnInterval() {
    Map<String, Instant> two = Map.of("hippo-2", T0, "hippo-3", T0);
    evaluate(List.of(LATENCY, ERRORS), two, 0);
    assertThat(prometheus.sent())
        .containsExactlyInAnyOrder(
            "lat{pod=\"hippo-2\",namespace=\"pg\"}",
            "err{pod=\"hippo-2\"}",
            "lat{pod=\"hippo-3\",namespace=\"pg\"}",
            "err{pod=\"hippo-3\"}");
    prometheus.answerAll(QueryAnswer.of(0));
    evaluate(List.of(LATENCY, ERRORS), two, 10);
    assertThat(prometheus.sent()).hasSize(6);
    assertThat(prometheus.sent().subList(4, 6))
        .containsExactlyInAnyOrder(
            "lat{pod=\"hippo-2\",namespace=\"pg\"}", "lat{pod=\"hippo-3\",namespace=\"pg\"}");
    prometheus.answerAll(QueryAnswer.of(0));
    evaluate(List.of(LATENCY, ERRORS), two, 30);
    assertThat(prometheus.sent()).hasSize(10);
  }

  @Test
  void failuresCountInARowAndAPassResets() {
    assertThat(failuresAfter(QueryAnswer.of(0.31))).isEqualTo(1);
    assertThat(failuresAfter(QueryAnswer.noSeries())).isEqualTo(2);
    assertThat(failuresAfter(QueryAnswer.unreachable("connection refused"))).isEqualTo(3);
    assertThat(failuresAfter(QueryAnswer.of(0.12))).isZero();
    assertThat(failuresAfter(QueryAnswer.of(Double.NaN))).isEqualTo(1);
    CheckStatus latest = evaluate(1000).get("hippo-2").get("read-latency");
    assertThat(latest.latest().reason()).isEqualTo("read-latency: query returned NaN");
    assertThat(latest.latest().passed()).isFalse();
  }

  private long clock;

  /** Sends the next query (one interval later), answers it, returns the failure count. */
  private int failuresAfter(QueryAnswer answer) {
    int before = prometheus.sent().size();
    evaluate(clock);
    assertThat(prometheus.sent()).hasSize(before + 1);
    prometheus.answer(before, answer);
    int failures = evaluate(clock).get("hippo-2").get("read-latency").consecutiveFailures();
    clock += 10;
    return failures;
  }

  @Test
  void aNewStepDropsTheResultsOfEarlierOnes() {
    evaluate(List.of(LATENCY), Map.of("hippo-2", T0), 0);
    prometheus.answer(0, QueryAnswer.of(0.31));
    evaluate(List.of(LATENCY), Map.of("hippo-2", T0), 10);
    prometheus.answer(1, QueryAnswer.of(0.31));
    assertThat(
            evaluate(List.of(LATENCY), Map.of("hippo-2", T0), 11)
                .get("hippo-2")
                .get("read-latency")
                .consecutiveFailures())
        .isEqualTo(2);
    // The next step begins at 15: nothing known for it, and no query before the interval.
    Map<String, Instant> stepTwo = Map.of("hippo-2", at(15));
    assertThat(evaluate(List.of(LATENCY), stepTwo, 15)).isEqualTo(Map.of("hippo-2", Map.of()));
    assertThat(prometheus.sent()).hasSize(2);
    evaluate(List.of(LATENCY), stepTwo, 20);
    assertThat(prometheus.sent()).hasSize(3);
    prometheus.answer(2, QueryAnswer.of(0.31));
    CheckStatus status = evaluate(List.of(LATENCY), stepTwo, 21).get("hippo-2").get("read-latency");
    assertThat(status.consecutiveFailures()).isEqualTo(1);
    assertThat(status.latest().at()).isEqualTo(at(20));
  }

  @Test
  void anAnswerToAQuerySentBeforeTheStepStartIsNotCounted() {
    evaluate(List.of(LATENCY), Map.of("hippo-2", T0), 0);
    // The step changes while the query is in flight: its answer belongs to the earlier step.
    Map<String, Instant> stepTwo = Map.of("hippo-2", at(5));
    evaluate(List.of(LATENCY), stepTwo, 5);
    assertThat(prometheus.sent()).hasSize(1);
    prometheus.answer(0, QueryAnswer.of(0.12));
    assertThat(evaluate(List.of(LATENCY), stepTwo, 6)).isEqualTo(Map.of("hippo-2", Map.of()));
    assertThat(finished).containsExactly("hippo-2 read-latency: 0.12 < 0.25");
    // A query sent at the step's very start counts.
    evaluate(List.of(LATENCY), Map.of("hippo-2", at(10)), 10);
    prometheus.answer(1, QueryAnswer.of(0.12));
    assertThat(evaluate(List.of(LATENCY), Map.of("hippo-2", at(10)), 11).get("hippo-2"))
        .containsOnlyKeys("read-latency");
  }

  @Test
  void retainDropsReplicasThatLeftTheRamp() {
    Map<String, Instant> two = new LinkedHashMap<>();
    two.put("hippo-2", T0);
    two.put("hippo-3", T0);
    evaluate(List.of(LATENCY), two, 0);
    prometheus.answerAll(QueryAnswer.of(0.31));
    evaluate(List.of(LATENCY), two, 10);
    assertThat(prometheus.sent()).hasSize(4);
    runner.retain(Set.of("hippo-3"));
    // hippo-2's answer in flight is dropped when it arrives.
    prometheus.answer(2, QueryAnswer.of(0.31));
    prometheus.answer(3, QueryAnswer.of(0.31));
    Map<String, Map<String, CheckStatus>> known = evaluate(List.of(LATENCY), two, 11);
    // hippo-2 comes back as new: its first query is due at once, and nothing is known of it.
    assertThat(prometheus.sent()).hasSize(5);
    assertThat(prometheus.sent().get(4)).contains("hippo-2");
    assertThat(known.get("hippo-2")).isEmpty();
    assertThat(known.get("hippo-3").get("read-latency").consecutiveFailures()).isEqualTo(2);
    assertThat(known.keySet()).containsExactly("hippo-2", "hippo-3");
  }

  @Test
  void onlyTheReplicasAskedForAreReturned() {
    evaluate(List.of(LATENCY), Map.of("hippo-2", T0, "hippo-3", T0), 0);
    prometheus.answerAll(QueryAnswer.of(0.12));
    assertThat(evaluate(List.of(LATENCY), Map.of("hippo-3", T0), 1)).containsOnlyKeys("hippo-3");
    // hippo-2 is still held (only retain drops it): no new query before its interval.
    evaluate(List.of(LATENCY), Map.of("hippo-2", T0), 2);
    assertThat(prometheus.sent()).hasSize(2);
    assertThat(evaluate(List.of(LATENCY), Map.of("hippo-2", T0), 3).get("hippo-2"))
        .containsOnlyKeys("read-latency");
  }

  @Test
  void aChangedCheckStartsOverAndARemovedOneIsForgotten() {
    evaluate(List.of(LATENCY, ERRORS), Map.of("hippo-2", T0), 0);
    prometheus.answerAll(QueryAnswer.of(0.12));
    assertThat(evaluate(List.of(LATENCY, ERRORS), Map.of("hippo-2", T0), 1).get("hippo-2"))
        .containsOnlyKeys("read-latency", "errors");
    CheckDefinition stricter =
        new CheckDefinition(
            LATENCY.name(), LATENCY.query(), Comparison.LT, 0.1, LATENCY.interval());
    Map<String, CheckStatus> known =
        evaluate(List.of(stricter), Map.of("hippo-2", T0), 2).get("hippo-2");
    assertThat(known).isEmpty();
    assertThat(prometheus.sent()).hasSize(3);
    prometheus.answer(2, QueryAnswer.of(0.12));
    assertThat(evaluate(List.of(stricter), Map.of("hippo-2", T0), 3).get("hippo-2"))
        .containsOnlyKeys("read-latency")
        .extractingByKey("read-latency")
        .extracting(s -> s.latest().reason())
        .isEqualTo("read-latency: 0.12, needs < 0.1");
    // ERRORS comes back as a new check: due at once.
    evaluate(List.of(stricter, ERRORS), Map.of("hippo-2", T0), 4);
    assertThat(prometheus.sent()).hasSize(4);
  }

  @Test
  void aReplicaNameThatCannotGoInAQueryFailsItsChecksWithoutAQuery() {
    Map<String, Map<String, CheckStatus>> known =
        evaluate(List.of(LATENCY), Map.of("Hippo\"}", T0), 0);
    assertThat(prometheus.sent()).isEmpty();
    CheckStatus status = known.get("Hippo\"}").get("read-latency");
    assertThat(status.latest().passed()).isFalse();
    assertThat(status.latest().reason())
        .startsWith("read-latency: query not sent: the replica name may hold only a-z");
    assertThat(runner.queriesInFlight()).isZero();
    // Still no more often than the interval.
    evaluate(List.of(LATENCY), Map.of("Hippo\"}", T0), 5);
    assertThat(finished).hasSize(1);
  }

  @Test
  void aQueryFunctionThatThrowsOrFailsGivesAFailedResult() {
    AnalysisRunner throwing =
        new AnalysisRunner(
            q -> {
              throw new IllegalStateException("boom");
            },
            "pg",
            null);
    assertThat(
            throwing
                .evaluate(List.of(LATENCY), Map.of("hippo-2", T0), T0)
                .get("hippo-2")
                .get("read-latency")
                .latest()
                .reason())
        .isEqualTo("read-latency: query not sent: java.lang.IllegalStateException: boom");
    AnalysisRunner failing = new AnalysisRunner(q -> Future.failedFuture("broken"), "pg", null);
    assertThat(
            failing
                .evaluate(List.of(LATENCY), Map.of("hippo-2", T0), T0)
                .get("hippo-2")
                .get("read-latency")
                .latest()
                .reason())
        .startsWith("read-latency: query failed: ");
    AnalysisRunner nothing = new AnalysisRunner(q -> null, "pg", null);
    assertThat(
            nothing
                .evaluate(List.of(LATENCY), Map.of("hippo-2", T0), T0)
                .get("hippo-2")
                .get("read-latency")
                .latest()
                .reason())
        .isEqualTo("read-latency: query not sent: no answer to wait for");
    assertThat(throwing.queriesInFlight()).isZero();
    assertThat(failing.queriesInFlight()).isZero();
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheRunner() {
    AnalysisRunner withBadListener =
        new AnalysisRunner(
            q -> Future.succeededFuture(QueryAnswer.of(0.12)),
            "pg",
            (replica, result) -> {
              throw new IllegalStateException("listener broke");
            });
    assertThat(withBadListener.evaluate(List.of(LATENCY), Map.of("hippo-2", T0), T0).get("hippo-2"))
        .containsOnlyKeys("read-latency");
  }

  @Test
  void checksMustHaveUniqueNames() {
    assertThatThrownBy(() -> evaluate(List.of(LATENCY, LATENCY), Map.of("hippo-2", T0), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two checks are named read-latency");
  }

  @Test
  void theResultIsInTheOrderOfTheChecksAndCannotBeChanged() {
    AnalysisRunner immediate =
        new AnalysisRunner(q -> Future.succeededFuture(QueryAnswer.of(0)), "pg", null);
    Map<String, Map<String, CheckStatus>> known =
        immediate.evaluate(List.of(ERRORS, LATENCY), Map.of("hippo-2", T0), T0);
    assertThat(known.get("hippo-2").keySet()).containsExactly("errors", "read-latency");
    assertThatThrownBy(() -> known.get("hippo-2").clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> known.clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  /** Records each query and hands back a future the test completes. */
  private final class FakePrometheus implements Function<String, Future<QueryAnswer>> {
    private final List<String> queries = new ArrayList<>();
    private final List<Long> sentAt = new ArrayList<>();
    private final List<Promise<QueryAnswer>> answers = new ArrayList<>();
    private Instant now = T0;

    @Override
    public Future<QueryAnswer> apply(String promql) {
      queries.add(promql);
      sentAt.add(Duration.between(T0, now).toSeconds());
      Promise<QueryAnswer> promise = Promise.promise();
      answers.add(promise);
      return promise.future();
    }

    List<String> sent() {
      return queries;
    }

    /** When each query was sent, in seconds after T0. */
    List<Long> sentAt() {
      return sentAt;
    }

    void answer(int index, QueryAnswer answer) {
      answers.get(index).complete(answer);
    }

    void answerAll(QueryAnswer answer) {
      answers.forEach(p -> p.tryComplete(answer));
    }
  }
}
