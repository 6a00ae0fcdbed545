package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ComparisonTest {

  @Test
  void eachComparisonHoldsExactlyWhereItsSymbolSays() {
    assertThat(Comparison.LT.holds(0.12, 0.25)).isTrue();
    assertThat(Comparison.LT.holds(0.25, 0.25)).isFalse();
    assertThat(Comparison.LT.holds(0.31, 0.25)).isFalse();
    assertThat(Comparison.LE.holds(0.12, 0.25)).isTrue();
    assertThat(Comparison.LE.holds(0.25, 0.25)).isTrue();
    assertThat(Comparison.LE.holds(0.31, 0.25)).isFalse();
    assertThat(Comparison.GT.holds(0.12, 0.25)).isFalse();
    assertThat(Comparison.GT.holds(0.25, 0.25)).isFalse();
    assertThat(Comparison.GT.holds(0.31, 0.25)).isTrue();
    assertThat(Comparison.GE.holds(0.12, 0.25)).isFalse();
    assertThat(Comparison.GE.holds(0.25, 0.25)).isTrue();
    assertThat(Comparison.GE.holds(0.31, 0.25)).isTrue();
  }

  @Test
  void nanNeverHolds() {
    for (Comparison c : Comparison.values()) {
      assertThat(c.holds(Double.NaN, 0.25)).as(c.symbol()).isFalse();
      assertThat(c.holds(0.25, Double.NaN)).as(c.symbol()).isFalse();
      assertThat(c.holds(Double.NaN, Double.NaN)).as(c.symbol()).isFalse();
    }
  }

  @Test
  void infinitiesAreValuesThatCompare() {
    assertThat(Comparison.LT.holds(Double.POSITIVE_INFINITY, 0.25)).isFalse();
    assertThat(Comparison.GT.holds(Double.POSITIVE_INFINITY, 0.25)).isTrue();
    assertThat(Comparison.LT.holds(Double.NEGATIVE_INFINITY, 0.25)).isTrue();
    assertThat(Comparison.GE.holds(Double.NEGATIVE_INFINITY, 0.25)).isFalse();
    assertThat(Comparison.LE.holds(-0.0, 0.0)).isTrue();
    assertThat(Comparison.LT.holds(-0.0, 0.0)).isFalse();
  }

  @Test
  void symbolsReadBack() {
    assertThat(Comparison.LT.symbol()).isEqualTo("<");
    assertThat(Comparison.LE.symbol()).isEqualTo("<=");
    assertThat(Comparison.GT.symbol()).isEqualTo(">");
    assertThat(Comparison.GE.symbol()).isEqualTo(">=");
    for (Comparison c : Comparison.values()) {
      assertThat(Comparison.fromSymbol(c.symbol())).isSameAs(c);
    }
  }

  @Test
  void anyOtherSymbolIsRefusedNamingTheAllowedOnes() {
    for (String bad : new String[] {"==", "=", "!=", "=<", "< ", "lt", "LT", "", "<<"}) {
      assertThatThrownBy(() -> Comparison.fromSymbol(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("comparison must be one of <, <=, >, >=, not \"" + bad + "\"");
    }
    assertThatThrownBy(() -> Comparison.fromSymbol(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("comparison must be one of <, <=, >, >=, not null");
  }

  @Test
  void aHostileSymbolIsShownPrintableAndShort() {
    assertThatThrownBy(() -> Comparison.fromSymbol("<\n" + "x".repeat(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("\n")
        .hasSizeLessThan(120);
  }
}
