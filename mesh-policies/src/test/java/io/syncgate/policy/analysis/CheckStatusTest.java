package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckStatusTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static CheckResult result(int second, boolean passed) {
    return new CheckResult("c", T0.plusSeconds(second), passed, passed ? "c: ok" : "c: bad");
  }

  @Test
  void failuresCountInARowAndAPassResets() {
    CheckStatus status = CheckStatus.next(null, result(0, false));
    assertThat(status.consecutiveFailures()).isEqualTo(1);
    status = status.then(result(1, false));
    assertThat(status).isEqualTo(new CheckStatus(result(1, false), 2));
    status = status.then(result(2, true));
    assertThat(status).isEqualTo(new CheckStatus(result(2, true), 0));
    status = status.then(result(3, false));
    assertThat(status).isEqualTo(new CheckStatus(result(3, false), 1));
    assertThat(CheckStatus.next(null, result(4, true)))
        .isEqualTo(new CheckStatus(result(4, true), 0));
  }

  @Test
  void theCountAgreesWithTheLatestResult() {
    assertThatThrownBy(() -> new CheckStatus(result(0, true), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a passed check has no consecutive failure, not 1");
    assertThatThrownBy(() -> new CheckStatus(result(0, false), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a failed check has at least one consecutive failure, not 0");
    assertThatThrownBy(() -> new CheckStatus(null, 0)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theCountStopsAtTheLargestInt() {
    CheckStatus many = new CheckStatus(result(0, false), Integer.MAX_VALUE);
    assertThat(many.then(result(1, false)).consecutiveFailures()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aResultsReasonIsBoundedAndPrintable() {
    CheckResult result = new CheckResult("c", T0, false, "a\nb" + "x".repeat(5000));
    assertThat(result.reason()).startsWith("a?b").hasSize(512);
    assertThatThrownBy(() -> new CheckResult("c", T0, false, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new CheckResult("c", null, false, "r"))
        .isInstanceOf(NullPointerException.class);
  }
}
