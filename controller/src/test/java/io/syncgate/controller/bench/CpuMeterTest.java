package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** CPU time is booked to whoever spent it, by thread name or id. */
class CpuMeterTest {

  private static final long BURN_NANOS = 50_000_000L;

  private final CountDownLatch release = new CountDownLatch(1);

  @Test
  void simulatorThreadsAreToldApartByNameAndOthersByTheirIds() throws Exception {
    CpuMeter meter = new CpuMeter(Set.of(), Set.of(Thread.currentThread().getId()));
    meter.start();
    Thread simulator = new Thread(this::burn, FleetSimulator.THREAD_PREFIX + "-test");
    Thread controller = new Thread(this::burn, "vert.x-eventloop-thread-test");
    simulator.start();
    controller.start();
    // A thread's time is only seen while it lives: sample before letting them end.
    waitForCpu(simulator);
    waitForCpu(controller);
    meter.stop();
    release.countDown();
    simulator.join();
    controller.join();

    assertThat(meter.nanos(CpuMeter.Part.SIMULATOR)).isGreaterThanOrEqualTo(BURN_NANOS);
    assertThat(meter.nanos(CpuMeter.Part.OTHER)).isGreaterThanOrEqualTo(BURN_NANOS);
    assertThat(meter.nanos(CpuMeter.Part.API_SERVER)).isZero();
    // The process total comes from another clock (the OS bean, counted in scheduler ticks of
    // 10 ms here), so it may trail the per-thread sum by up to a tick per thread.
    long tickSlack = 2 * 10_000_000L;
    assertThat(meter.processNanos())
        .isGreaterThanOrEqualTo(
            meter.nanos(CpuMeter.Part.SIMULATOR) + meter.nanos(CpuMeter.Part.OTHER) - tickSlack);
  }

  /** Spins until this thread has used {@link #BURN_NANOS} of CPU, then waits for release. */
  private void burn() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    while (threads.getCurrentThreadCpuTime() < BURN_NANOS) {
      Thread.onSpinWait();
    }
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitForCpu(Thread thread) throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    while (threads.getThreadCpuTime(thread.getId()) < BURN_NANOS) {
      thread.join(5);
    }
  }
}
