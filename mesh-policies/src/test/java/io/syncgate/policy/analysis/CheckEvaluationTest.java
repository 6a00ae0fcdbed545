package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.gating.SafeText;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckEvaluationTest {

  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  private static CheckDefinition latency(Comparison comparison, double threshold) {
    return new CheckDefinition("read-latency", "q", comparison, threshold, Duration.ofSeconds(10));
  }

  private static final CheckDefinition LATENCY = latency(Comparison.LT, 0.25);

  @Test
  void aValueThatHoldsPasses() {
    assertThat(CheckEvaluation.of(LATENCY, AT, QueryAnswer.of(0.12)))
        .isEqualTo(new CheckResult("read-latency", AT, true, "read-latency: 0.12 < 0.25"));
  }

  @Test
  void aValueThatDoesNotHoldFailsSayingWhatIsNeeded() {
    assertThat(CheckEvaluation.of(LATENCY, AT, QueryAnswer.of(0.31)))
        .isEqualTo(new CheckResult("read-latency", AT, false, "read-latency: 0.31, needs < 0.25"));
    assertThat(CheckEvaluation.of(LATENCY, AT, QueryAnswer.of(0.25)))
        .isEqualTo(new CheckResult("read-latency", AT, false, "read-latency: 0.25, needs < 0.25"));
  }

  @Test
  void everyComparisonShowsItsSymbol() {
    assertThat(CheckEvaluation.of(latency(Comparison.LE, 0.25), AT, QueryAnswer.of(0.25)).reason())
        .isEqualTo("read-latency: 0.25 <= 0.25");
    assertThat(CheckEvaluation.of(latency(Comparison.GT, 0.99), AT, QueryAnswer.of(0.5)).reason())
        .isEqualTo("read-latency: 0.5, needs > 0.99");
    assertThat(CheckEvaluation.of(latency(Comparison.GE, 1), AT, QueryAnswer.of(3)).reason())
        .isEqualTo("read-latency: 3 >= 1");
  }

  @Test
  void infinitiesCompare() {
    assertThat(CheckEvaluation.of(LATENCY, AT, QueryAnswer.of(Double.POSITIVE_INFINITY)))
        .isEqualTo(new CheckResult("read-latency", AT, false, "read-latency: +Inf, needs < 0.25"));
    assertThat(CheckEvaluation.of(LATENCY, AT, QueryAnswer.of(Double.NEGATIVE_INFINITY)))
        .isEqualTo(new CheckResult("read-latency", AT, true, "read-latency: -Inf < 0.25"));
  }

  @Test
  void nanIsAFailureOfTheQueryNotAValue() {
    assertThat(CheckEvaluation.of(LATENCY, AT, QueryAnswer.of(Double.NaN)))
        .isEqualTo(new CheckResult("read-latency", AT, false, "read-latency: query returned NaN"));
    // Whatever the comparison: NaN passes none.
    for (Comparison c : Comparison.values()) {
      assertThat(CheckEvaluation.of(latency(c, 0), AT, QueryAnswer.of(Double.NaN)).passed())
          .isFalse();
    }
  }

  @Test
  void everyFailureOfTheAnswerFailsTheCheckWithTheCheckNamedFirst() {
    assertThat(reason(QueryAnswer.unreachable("Connection refused")))
        .isEqualTo("read-latency: Prometheus unreachable: Connection refused");
    assertThat(reason(QueryAnswer.noSeries())).isEqualTo("read-latency: query returned no series");
    assertThat(reason(QueryAnswer.seriesCount(3)))
        .isEqualTo("read-latency: query returned 3 series, a check needs exactly one");
    assertThat(reason(QueryAnswer.seriesCount(0)))
        .isEqualTo("read-latency: query returned no series");
    assertThat(reason(QueryAnswer.prometheusError("bad_data", "parse error at char 5: unexpected")))
        .isEqualTo("read-latency: Prometheus error bad_data: parse error at char 5: unexpected");
    assertThat(reason(QueryAnswer.httpStatus(503)))
        .isEqualTo("read-latency: HTTP 503 from Prometheus");
    assertThat(reason(QueryAnswer.timedOut(Duration.ofSeconds(2))))
        .isEqualTo("read-latency: timed out after 2s");
    assertThat(reason(QueryAnswer.timedOut(Duration.ofMillis(500))))
        .isEqualTo("read-latency: timed out after 500ms");
    assertThat(reason(QueryAnswer.timedOut(Duration.ofMillis(1500))))
        .isEqualTo("read-latency: timed out after 1500ms");
    assertThat(reason(QueryAnswer.badAnswer("not JSON")))
        .isEqualTo("read-latency: bad answer from Prometheus: not JSON");
  }

  private static String reason(QueryAnswer answer) {
    CheckResult result = CheckEvaluation.of(LATENCY, AT, answer);
    assertThat(result.passed()).isFalse();
    assertThat(result.at()).isEqualTo(AT);
    assertThat(result.check()).isEqualTo("read-latency");
    return result.reason();
  }

  @Test
  void hostileTextFromPrometheusEndsPrintableAndBounded() {
    String hostile = "\u001b[31mred\nforged log line\u202e" + "x".repeat(100_000);
    CheckResult result =
        CheckEvaluation.of(LATENCY, AT, QueryAnswer.prometheusError(hostile, hostile));
    assertThat(SafeText.printable(result.reason())).isTrue();
    assertThat(result.reason()).startsWith("read-latency: Prometheus error ?[31mred?forged");
    assertThat(result.reason().length()).isLessThanOrEqualTo(SafeText.MAX_REASON_CHARS);
    String longName = "n".repeat(1000);
    CheckResult longNamed =
        CheckEvaluation.of(
            new CheckDefinition(longName, "q", Comparison.LT, 1, Duration.ofSeconds(1)),
            AT,
            QueryAnswer.failed(hostile));
    assertThat(longNamed.reason()).hasSize(SafeText.MAX_REASON_CHARS).endsWith("…");
  }

  @Test
  void numbersReadBackAsTheSameDoubleWithoutNoise() {
    assertThat(CheckEvaluation.number(0.12)).isEqualTo("0.12");
    assertThat(CheckEvaluation.number(5)).isEqualTo("5");
    assertThat(CheckEvaluation.number(-5)).isEqualTo("-5");
    assertThat(CheckEvaluation.number(0)).isEqualTo("0");
    assertThat(CheckEvaluation.number(-0.0)).isEqualTo("0");
    assertThat(CheckEvaluation.number(1234.5)).isEqualTo("1234.5");
    assertThat(CheckEvaluation.number(1e14)).isEqualTo("100000000000000");
    assertThat(CheckEvaluation.number(1e15)).isEqualTo("1E+15");
    assertThat(CheckEvaluation.number(0.000001)).isEqualTo("0.000001");
    assertThat(CheckEvaluation.number(1e-7)).isEqualTo("1E-7");
    assertThat(CheckEvaluation.number(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(CheckEvaluation.number(Double.MAX_VALUE)).isEqualTo("1.7976931348623157E+308");
    assertThat(CheckEvaluation.number(Double.MIN_VALUE)).isEqualTo("4.9E-324");
    assertThat(CheckEvaluation.number(Double.NaN)).isEqualTo("NaN");
    for (double v : new double[] {0.12, 1234.5, 1e-7, 0.1 + 0.2, Double.MAX_VALUE, 7e22}) {
      assertThat(Double.parseDouble(CheckEvaluation.number(v))).isEqualTo(v);
    }
  }
}
