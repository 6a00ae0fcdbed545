package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgate.policy.gating.SafeText;
import org.junit.jupiter.api.Test;

class QueryAnswerTest {

  @Test
  void aValueHasNoFailure() {
    QueryAnswer answer = QueryAnswer.of(0.12);
    assertThat(answer.hasValue()).isTrue();
    assertThat(answer.value()).isEqualTo(0.12);
    assertThat(answer.failure()).isNull();
    assertThat(QueryAnswer.of(Double.POSITIVE_INFINITY).hasValue()).isTrue();
  }

  @Test
  void nanIsNoValue() {
    QueryAnswer answer = QueryAnswer.of(Double.NaN);
    assertThat(answer.hasValue()).isFalse();
    assertThat(answer.failure()).isEqualTo("query returned NaN");
    assertThatThrownBy(() -> new QueryAnswer(Double.NaN, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailureHasNoValue() {
    QueryAnswer answer = new QueryAnswer(0.5, "query returned no series");
    assertThat(answer.hasValue()).isFalse();
    assertThat(answer.value()).isNaN();
    assertThat(answer).isEqualTo(QueryAnswer.noSeries());
    assertThat(QueryAnswer.failed("").failure()).isEqualTo("failed without a reason");
  }

  @Test
  void failuresArePrintableAndBounded() {
    QueryAnswer answer = QueryAnswer.unreachable("reset\r\n" + "y".repeat(10_000));
    assertThat(answer.failure()).startsWith("Prometheus unreachable: reset??yyy");
    assertThat(answer.failure()).hasSize("Prometheus unreachable: ".length() + 160);
    assertThat(QueryAnswer.failed("z".repeat(10_000)).failure())
        .hasSize(QueryAnswer.MAX_FAILURE_CHARS);
    assertThat(SafeText.printable(QueryAnswer.badAnswer("\u0000").failure())).isTrue();
    assertThat(QueryAnswer.prometheusError(null, null).failure())
        .isEqualTo("Prometheus error null: null");
  }
}
