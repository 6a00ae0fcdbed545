package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code /replica?lag=} is read like Patroni's {@code parse_int(value, 'B')}. */
class LagParameterTest {

  @Test
  void bytesAndBinaryUnits() {
    assertThat(PatroniSimulator.parseLag("100")).isEqualTo(100);
    assertThat(PatroniSimulator.parseLag("0MB")).isZero();
    assertThat(PatroniSimulator.parseLag("1kB")).isEqualTo(1024);
    assertThat(PatroniSimulator.parseLag("1MB")).isEqualTo(1L << 20);
    assertThat(PatroniSimulator.parseLag("1.5MB")).isEqualTo(3L << 19);
    assertThat(PatroniSimulator.parseLag("2GB")).isEqualTo(2L << 30);
    assertThat(PatroniSimulator.parseLag(" 16 MB ")).isEqualTo(16L << 20);
  }

  @Test
  void whatPatroniCannotParseMeansNoLimit() {
    assertThat(PatroniSimulator.parseLag(null)).isEqualTo(Long.MAX_VALUE);
    assertThat(PatroniSimulator.parseLag("1mb"))
        .isEqualTo(Long.MAX_VALUE); // units are case-sensitive
    assertThat(PatroniSimulator.parseLag("lots")).isEqualTo(Long.MAX_VALUE);
    assertThat(PatroniSimulator.parseLag("-1MB")).isEqualTo(Long.MAX_VALUE);
  }
}
