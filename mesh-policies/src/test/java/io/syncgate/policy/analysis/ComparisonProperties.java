package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ComparisonProperties {

  @Property
  void forFiniteValuesExactlyOneOfLtAndGeHolds(
      @ForAll("finite") double value, @ForAll("finite") double threshold) {
    assertThat(Comparison.LT.holds(value, threshold))
        .isNotEqualTo(Comparison.GE.holds(value, threshold));
  }

  @Property
  void forFiniteValuesExactlyOneOfGtAndLeHolds(
      @ForAll("finite") double value, @ForAll("finite") double threshold) {
    assertThat(Comparison.GT.holds(value, threshold))
        .isNotEqualTo(Comparison.LE.holds(value, threshold));
  }

  @Property
  void strictImpliesLooseAndLooseWithoutEqualityImpliesStrict(
      @ForAll("anyDouble") double value, @ForAll("anyDouble") double threshold) {
    boolean equal = value == threshold;
    assertThat(!Comparison.LT.holds(value, threshold) || Comparison.LE.holds(value, threshold))
        .isTrue();
    assertThat(!Comparison.GT.holds(value, threshold) || Comparison.GE.holds(value, threshold))
        .isTrue();
    assertThat(Comparison.LE.holds(value, threshold))
        .isEqualTo(Comparison.LT.holds(value, threshold) || equal);
    assertThat(Comparison.GE.holds(value, threshold))
        .isEqualTo(Comparison.GT.holds(value, threshold) || equal);
  }

  @Property
  void swappingTheSidesMirrorsTheComparison(
      @ForAll("anyDouble") double a, @ForAll("anyDouble") double b) {
    assertThat(Comparison.LT.holds(a, b)).isEqualTo(Comparison.GT.holds(b, a));
    assertThat(Comparison.LE.holds(a, b)).isEqualTo(Comparison.GE.holds(b, a));
  }

  @Property
  void nanHoldsForNoComparison(@ForAll("anyDouble") double other) {
    for (Comparison c : Comparison.values()) {
      assertThat(c.holds(Double.NaN, other)).isFalse();
      assertThat(c.holds(other, Double.NaN)).isFalse();
    }
  }

  @Property
  void equalFiniteValuesHoldForTheLooseComparisonsOnly(@ForAll("finite") double value) {
    assertThat(Comparison.LE.holds(value, value)).isTrue();
    assertThat(Comparison.GE.holds(value, value)).isTrue();
    assertThat(Comparison.LT.holds(value, value)).isFalse();
    assertThat(Comparison.GT.holds(value, value)).isFalse();
  }

  @Provide
  Arbitrary<Double> finite() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().between(-1e6, 1e6),
        Arbitraries.doubles().between(-1.0, 1.0),
        Arbitraries.of(0.0, -0.0, 0.25, Double.MIN_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE),
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite));
  }

  @Provide
  Arbitrary<Double> anyDouble() {
    return Arbitraries.oneOf(
        finite(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
        Arbitraries.longs().map(Double::longBitsToDouble));
  }
}
