package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void nearestRankPercentilesInMilliseconds() {
    Latencies latencies = new Latencies();
    for (int i = 100; i >= 1; i--) {
      latencies.add(i * 1_000_000L); // 1..100 ms, added out of order
    }

    Latencies.Summary summary = latencies.summary();

    assertThat(summary.count()).isEqualTo(100);
    assertThat(summary.p50Millis()).isEqualTo(50.0);
    assertThat(summary.p99Millis()).isEqualTo(99.0);
    assertThat(summary.maxMillis()).isEqualTo(100.0);
  }

  @Test
  void oneValueIsEveryPercentileAndNoneIsNaN() {
    Latencies latencies = new Latencies();
    assertThat(latencies.summary().p50Millis()).isNaN();
    latencies.add(2_500_000L);
    assertThat(latencies.summary()).isEqualTo(new Latencies.Summary(1, 2.5, 2.5, 2.5));
    latencies.clear();
    assertThat(latencies.count()).isZero();
  }

  @Test
  void growsPastItsFirstArray() {
    Latencies latencies = new Latencies();
    for (int i = 1; i <= 5000; i++) {
      latencies.add(i);
    }
    assertThat(latencies.count()).isEqualTo(5000);
    assertThat(latencies.summary().maxMillis()).isEqualTo(5000 / 1e6);
  }
}
