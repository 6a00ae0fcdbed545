package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.demo.PatroniSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the benchmark runs its simulator, by the open files a fleet needs. */
class BenchRunTest {

  private static final PatroniSimulator.Mode CLOSE = PatroniSimulator.Mode.HTTP10_CLOSE;
  private static final PatroniSimulator.Mode KEEP_ALIVE = PatroniSimulator.Mode.KEEP_ALIVE;

  @Test
  void autoKeepsTheFleetInProcessWhenItFitsAndSplitsItOverTheFewestProcessesOtherwise() {
    BenchSettings tenThousand = settings(1000, BenchSettings.AUTO);

    assertThat(BenchRun.openFilesNeeded(tenThousand, CLOSE, 0)).isEqualTo(11_000);
    assertThat(BenchRun.openFilesNeeded(tenThousand, KEEP_ALIVE, 0)).isEqualTo(21_000);
    assertThat(BenchRun.openFilesNeeded(tenThousand, KEEP_ALIVE, 2)).isEqualTo(11_000);
    assertThat(BenchRun.openFilesNeeded(tenThousand, KEEP_ALIVE, 3)).isEqualTo(7_680);

    assertThat(BenchRun.simulatorProcesses(tenThousand, CLOSE, 20_000)).isZero();
    assertThat(BenchRun.simulatorProcesses(tenThousand, KEEP_ALIVE, 20_000)).isEqualTo(2);
    assertThat(BenchRun.simulatorProcesses(tenThousand, KEEP_ALIVE, 8_000)).isEqualTo(3);
    assertThat(BenchRun.simulatorProcesses(tenThousand, KEEP_ALIVE, -1)).isZero();
    // Not even one gate per process fits: every gate in a process of its own, and the run skips.
    assertThat(BenchRun.simulatorProcesses(tenThousand, KEEP_ALIVE, 1_000)).isEqualTo(1000);
  }

  @Test
  void aNumberOfProcessesGivenIsTaken() {
    assertThat(BenchRun.simulatorProcesses(settings(100, 2), CLOSE, 20_000)).isEqualTo(2);
    assertThat(BenchRun.simulatorProcesses(settings(100, 0), KEEP_ALIVE, 1_500)).isZero();
  }

  private static BenchSettings settings(int gates, int processes) {
    return new BenchSettings(
        gates,
        10,
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        List.of(CLOSE, KEEP_ALIVE),
        Duration.ofSeconds(2),
        Duration.ofSeconds(10),
        1,
        processes,
        0,
        Duration.ZERO,
        List.of(),
        Path.of("bench.json"));
  }
}
