package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The {@code lag} parameter in Patroni's own units, which Patroni parses back to the same bytes.
 */
class PatroniProbeTest {

  @Test
  void lagParameterUsesTheLargestWholeUnit() {
    assertThat(PatroniProbe.lagParameter(1L << 20)).isEqualTo("1MB");
    assertThat(PatroniProbe.lagParameter(16L << 20)).isEqualTo("16MB");
    assertThat(PatroniProbe.lagParameter(512L << 10)).isEqualTo("512kB");
    assertThat(PatroniProbe.lagParameter(2L << 30)).isEqualTo("2GB");
    assertThat(PatroniProbe.lagParameter(1000)).isEqualTo("1000");
    assertThat(PatroniProbe.lagParameter(0)).isEqualTo("0");
  }

  @Test
  void patroniReadsTheParameterBackAsTheSameBytes() {
    for (long bytes : new long[] {0, 1000, 512L << 10, 1L << 20, 3L << 30, (1L << 20) + 1}) {
      assertThat(PatroniSimulator.parseLag(PatroniProbe.lagParameter(bytes))).isEqualTo(bytes);
    }
  }
}
