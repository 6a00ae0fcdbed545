package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.SortedMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class WeightsProperties {

  @Property
  void weightsSumTo100AndStayWithinOneOfTheExactValue(
      @ForAll("shares") Map<String, BigDecimal> shares) {
    BigDecimal sum = shares.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    if (sum.signum() == 0) {
      return;
    }
    SortedMap<String, Integer> weights = Weights.largestRemainder(shares);
    assertThat(weights.keySet()).containsExactlyInAnyOrderElementsOf(shares.keySet());
    assertThat(weights.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    shares.forEach(
        (name, share) -> {
          BigDecimal exact =
              share.multiply(BigDecimal.valueOf(100)).divide(sum, MathContext.DECIMAL128);
          BigDecimal off = BigDecimal.valueOf(weights.get(name)).subtract(exact).abs();
          assertThat(off)
              .as("%s: weight %d, exact %s", name, weights.get(name), exact)
              .isLessThan(BigDecimal.ONE);
          if (share.signum() == 0) {
            assertThat(weights.get(name)).as("zero share of %s", name).isZero();
          }
        });
  }

  @Property
  void aLargerShareNeverGetsLessWeight(@ForAll("shares") Map<String, BigDecimal> shares) {
    if (shares.values().stream().allMatch(s -> s.signum() == 0)) {
      return;
    }
    SortedMap<String, Integer> weights = Weights.largestRemainder(shares);
    shares.forEach(
        (a, sa) ->
            shares.forEach(
                (b, sb) -> {
                  if (sa.compareTo(sb) > 0) {
                    assertThat(weights.get(a)).isGreaterThanOrEqualTo(weights.get(b));
                  }
                  if (sa.compareTo(sb) == 0 && a.compareTo(b) < 0) {
                    // Equal shares: the earlier name gets the spare unit, never the later one.
                    assertThat(weights.get(a)).isBetween(weights.get(b), weights.get(b) + 1);
                  }
                }));
  }

  @Provide
  Arbitrary<Map<String, BigDecimal>> shares() {
    Arbitrary<BigDecimal> rampShare =
        Arbitraries.integers().between(0, 100).map(p -> BigDecimal.valueOf(p, 2));
    Arbitrary<BigDecimal> anyShare =
        Arbitraries.doubles().between(0, 1).ofScale(6).map(BigDecimal::valueOf);
    Arbitrary<BigDecimal> share =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(50, rampShare),
            net.jqwik.api.Tuple.of(30, anyShare),
            net.jqwik.api.Tuple.of(20, Arbitraries.of(BigDecimal.ZERO, BigDecimal.ONE)));
    return Arbitraries.maps(
            Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(3), share)
        .ofMinSize(1)
        .ofMaxSize(12);
  }
}
