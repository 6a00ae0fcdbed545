package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The estimator's quickselect median is the median a sort gives, duplicates and order whatever. */
class CatchUpMedianProperties {

  @Property(tries = 2000)
  void theMedianIsWhatSortingGives(
      @ForAll @Size(min = 1, max = 500) List<@DoubleRange(min = -1e9, max = 1e9) Double> values,
      @ForAll @IntRange(min = 0, max = 3) int duplicates) {
    double[] a = new double[values.size()];
    for (int i = 0; i < a.length; i++) {
      // Few distinct values too: slopes of a flat lag are all 0.
      a[i] = duplicates == 0 ? values.get(i) : Math.floor(values.get(i) / 1e8) * duplicates;
    }
    double[] sorted = a.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    double expected = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;

    assertThat(CatchUp.median(a, a.length)).isEqualTo(expected);
  }

  @Property(tries = 200)
  void onlyTheFirstCountValuesCount(
      @ForAll @Size(min = 2, max = 100) List<@DoubleRange(min = -1e6, max = 1e6) Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
    int count = a.length - 1;
    double[] sorted = Arrays.copyOf(a, count);
    Arrays.sort(sorted);
    int mid = count / 2;
    double expected = count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;

    assertThat(CatchUp.median(a, count)).isEqualTo(expected);
  }
}
