package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessStatsTest {

  private static final long TICK =
      TimeUnit.SECONDS.toNanos(1) / ProcessStats.CLOCK_TICKS_PER_SECOND;

  @Test
  void readsUserPlusSystemTimeAfterTheCommandName() {
    // A real line's shape (Linux proc(5)): pid, (comm), state, ... utime (14), stime (15), ...
    String stat =
        "4242 (java) S 1 4242 4242 0 -1 4194560 90312 0 12 0 1234 567 0 0 20 0 48 0 3349 "
            + "6954016768 65432 18446744073709551615 1 1 0 0 0 0 0 4096 17613 0 0 0 17 1 0 0";

    assertThat(ProcessStats.cpu(stat).totalNanos()).isEqualTo((1234 + 567) * TICK);
    assertThat(ProcessStats.cpu(stat)).isEqualTo(new ProcessStats.Cpu(1234 * TICK, 567 * TICK));
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String stat =
        "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 100 0 0 0 0 0 0 0 0 0 0"
            + " 0 0 0 0 0 0 0 0";

    assertThat(ProcessStats.cpu(stat).totalNanos()).isEqualTo(30 * TICK);
  }

  @Test
  void thisProcessHasSpentSomeCpuAndHasAResidentSet() {
    long pid = ProcessHandle.current().pid();

    assertThat(ProcessStats.cpuNanos(pid)).isPositive();
    assertThat(ProcessStats.rssMib(pid)).isPositive();
  }

  @Test
  void aProcessThatDoesNotExistReadsAsUnknown() {
    assertThat(ProcessStats.cpuNanos(Long.MAX_VALUE)).isEqualTo(-1);
    assertThat(ProcessStats.rssMib(Long.MAX_VALUE)).isNaN();
  }
}
