package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.metrics.SyncgateMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bench's registry keeps every tick and still serves the controller's metrics. */
class TickTimesTest {

  @Test
  void keepsEachTickAndTheScrapeStillCountsIt() {
    TickTimes registry = new TickTimes();
    SyncgateMetrics metrics = new SyncgateMetrics(registry);

    metrics.recordTick("bench", "pg-00000", Duration.ofMillis(3));
    metrics.recordTick("bench", "pg-00001", Duration.ofMillis(7));
    metrics.recordPoll("bench", "pg-00000", Duration.ofMillis(1));

    assertThat(registry.ticks().summary()).isEqualTo(new Latencies.Summary(2, 3.0, 7.0, 7.0));
    assertThat(metrics.scrape())
        .contains("syncgate_tick_seconds_count{gate=\"pg-00000\",namespace=\"bench\"} 1")
        .contains("syncgate_patroni_poll_seconds_count");
    metrics.forgetGate("bench", "pg-00000");
    assertThat(metrics.scrape()).doesNotContain("gate=\"pg-00000\"");
  }
}
