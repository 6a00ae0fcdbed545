package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckDefinitionTest {

  private static final String LATENCY =
      "histogram_quantile(0.99, sum by (le)"
          + " (rate(pg_read_seconds_bucket{pod=\"{{replica}}\", namespace=\"{{namespace}}\"}[1m])))";

  private static CheckDefinition check(String query) {
    return new CheckDefinition("read-latency", query, Comparison.LT, 0.25, Duration.ofSeconds(10));
  }

  @Test
  void placeholdersAreReplacedEverywhere() {
    assertThat(check(LATENCY).queryFor("hippo-2", "pg"))
        .isEqualTo(
            "histogram_quantile(0.99, sum by (le)"
                + " (rate(pg_read_seconds_bucket{pod=\"hippo-2\", namespace=\"pg\"}[1m])))");
    assertThat(
            check("a{pod=\"{{replica}}\"} / b{pod=\"{{replica}}\",ns=\"{{namespace}}\"}")
                .queryFor("db-0.x", "team-a"))
        .isEqualTo("a{pod=\"db-0.x\"} / b{pod=\"db-0.x\",ns=\"team-a\"}");
  }

  @Test
  void aQueryWithoutPlaceholdersIsTheSameForEveryReplica() {
    assertThat(check("vector(1)").queryFor("hippo-2", "pg")).isEqualTo("vector(1)");
  }

  @Test
  void otherBracesAreLeftAlone() {
    assertThat(check("x{pod=\"{{ replica }}\"} or {{pod}}").queryFor("hippo-2", "pg"))
        .isEqualTo("x{pod=\"{{ replica }}\"} or {{pod}}");
  }

  @Test
  void namesThatCouldLeaveAStringLiteralAreRefused() {
    CheckDefinition def = check(LATENCY);
    for (String bad :
        new String[] {
          "", "Hippo", "hippo\"", "hippo\\", "hippo}", "a b", "hippo\n", "hip_po", "hippo`", "é"
        }) {
      assertThatThrownBy(() -> def.queryFor(bad, "pg"))
          .as("replica %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("replica");
      assertThatThrownBy(() -> def.queryFor("hippo-2", bad))
          .as("namespace %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("namespace");
    }
    assertThatThrownBy(() -> def.queryFor(null, "pg")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> def.queryFor("hippo-2", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRefusalQuotesTheNamePrintably() {
    assertThatThrownBy(() -> check(LATENCY).queryFor("x\"}\n", "pg"))
        .hasMessage(
            "the replica name may hold only a-z, 0-9, '.' and '-' to be put in a query,"
                + " not \"x\"}?\"");
  }

  @Test
  void theConstructorRefusesWhatCannotBeAsked() {
    Duration interval = Duration.ofSeconds(10);
    assertThatThrownBy(() -> new CheckDefinition(" ", "up", Comparison.LT, 1, interval))
        .hasMessage("a check needs a name");
    assertThatThrownBy(() -> new CheckDefinition(null, "up", Comparison.LT, 1, interval))
        .hasMessage("a check needs a name");
    assertThatThrownBy(() -> new CheckDefinition("c", "  ", Comparison.LT, 1, interval))
        .hasMessage("check c needs a query");
    assertThatThrownBy(() -> new CheckDefinition("c", null, Comparison.LT, 1, interval))
        .hasMessage("check c needs a query");
    assertThatThrownBy(() -> new CheckDefinition("c", "up", null, 1, interval))
        .isInstanceOf(NullPointerException.class);
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> new CheckDefinition("c", "up", Comparison.LT, bad, interval))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("check c: the threshold must be a finite number, not " + bad);
    }
    assertThatThrownBy(() -> new CheckDefinition("c", "up", Comparison.LT, 1, Duration.ZERO))
        .hasMessage("check c: the interval must be positive, not PT0S");
    assertThatThrownBy(
            () -> new CheckDefinition("c", "up", Comparison.LT, 1, Duration.ofSeconds(-1)))
        .hasMessage("check c: the interval must be positive, not PT-1S");
    assertThatThrownBy(() -> new CheckDefinition("c", "up", Comparison.LT, 1, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theSmallestIntervalAndExtremeFiniteThresholdsAreFine() {
    assertThat(
            new CheckDefinition("c", "up", Comparison.GE, -Double.MAX_VALUE, Duration.ofNanos(1)))
        .extracting(CheckDefinition::threshold)
        .isEqualTo(-Double.MAX_VALUE);
  }
}
