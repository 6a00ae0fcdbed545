package io.syncgate.controller.bench;

/**
 * One figure of a benchmark run: its key in the JSON report ({@code group.name}), its label in the
 * table, and how many decimals both show (the JSON holds the same rounded number as the table).
 */
enum Figure {
  POLLS_ASKED("polls.askedPerSecond", "members polled/s, asked", 0),
  POLLS_ACHIEVED("polls.achievedPerSecond", "members polled/s, achieved", 1),
  POLL_ERRORS("polls.failed", "polls without a usable answer", 0),
  TICKS("ticks.count", "gate ticks", 0),
  TICK_P50("ticks.p50Millis", "tick duration p50 (ms)", 2),
  TICK_P99("ticks.p99Millis", "tick duration p99 (ms)", 2),
  TICK_MAX("ticks.maxMillis", "tick duration max (ms)", 2),
  CONTROLLER_MICROS_PER_POLL(
      "cpu.controllerMicrosPerPoll", "controller CPU per poll, steady (us)", 1),
  CONTROLLER_KERNEL_MICROS_PER_POLL(
      "cpu.controllerKernelMicrosPerPoll", "controller kernel CPU per poll, steady (us)", 1),
  CONTROLLER_JIT_MILLIS_PER_SECOND(
      "cpu.controllerJitMillisPerSecond", "controller JIT compiling, steady (ms/s)", 1),
  CONTROLLER_MICROS_PER_POLL_MEASURED(
      "cpu.controllerMicrosPerPollMeasured", "controller CPU per poll, measured (us)", 1),
  CONTROLLER_MICROS_PER_POLL_FROM_START(
      "cpu.controllerMicrosPerPollFromStart", "controller CPU per poll, from start (us)", 1),
  CONTROLLER_CORES("cpu.controllerCores", "controller CPU, measured (cores)", 3),
  HAPROXY_CHECKS("haproxy.checksPerSecond", "HAProxy checks/s", 1),
  HAPROXY_MICROS_PER_CHECK("haproxy.microsPerCheck", "HAProxy CPU per check (us)", 1),
  HAPROXY_KERNEL_MICROS_PER_CHECK(
      "haproxy.kernelMicrosPerCheck", "HAProxy kernel CPU per check (us)", 1),
  HAPROXY_CORES("haproxy.cores", "HAProxy CPU (cores)", 3),
  RATIO_STEADY("haproxy.ratioSteady", "controller / HAProxy per poll, steady", 2),
  RATIO_FROM_START("haproxy.ratioFromStart", "controller / HAProxy per poll, from start", 2),
  SIMULATOR_MICROS_PER_POLL("cpu.simulatorMicrosPerPoll", "simulator CPU per poll (us)", 1),
  SIMULATOR_CORES("cpu.simulatorCores", "simulator CPU (cores)", 3),
  API_SERVER_CORES("cpu.apiServerCores", "embedded API server CPU (cores)", 3),
  BENCH_PROCESS_CORES("cpu.benchProcessCores", "bench process CPU, all (cores)", 3),
  WATCHES("api.watchesOpened", "API watches opened by the controller", 0),
  EJECTIONS("ejection.count", "ejections measured", 0),
  EJECTION_P50("ejection.p50Millis", "ejection reaction p50 (ms)", 0),
  EJECTION_P99("ejection.p99Millis", "ejection reaction p99 (ms)", 0),
  EJECTION_MAX("ejection.maxMillis", "ejection reaction max (ms)", 0),
  EJECTIONS_MISSED("ejection.missed", "ejections not reflected", 0),
  ADMISSIONS("admission.count", "admissions measured", 0),
  ADMISSION_P50("admission.p50Millis", "admission reaction p50 (ms)", 0),
  ADMISSION_P99("admission.p99Millis", "admission reaction p99 (ms)", 0),
  ADMISSION_MAX("admission.maxMillis", "admission reaction max (ms)", 0),
  ADMISSIONS_MISSED("admission.missed", "admissions not reflected", 0),
  STEADY_DR("steady.destinationRuleWritesPerMinute", "steady: DestinationRule writes/min", 1),
  STEADY_VS("steady.virtualServiceWritesPerMinute", "steady: VirtualService writes/min", 1),
  STEADY_STATUS("steady.statusWritesPerMinute", "steady: status writes/min", 1),
  STEADY_EVENTS("steady.eventWritesPerMinute", "steady: event writes/min", 1),
  STEADY_READS("steady.readsPerMinute", "steady: API reads/min (GET, not watch)", 1),
  FLAPPING_DR("flapping.destinationRuleWritesPerMinute", "flapping: DestinationRule writes/min", 1),
  FLAPPING_VS("flapping.virtualServiceWritesPerMinute", "flapping: VirtualService writes/min", 1),
  FLAPPING_STATUS("flapping.statusWritesPerMinute", "flapping: status writes/min", 1),
  FLAPPING_EVENTS("flapping.eventWritesPerMinute", "flapping: event writes/min", 1),
  FLAPPING_READS("flapping.readsPerMinute", "flapping: API reads/min (GET, not watch)", 1),
  STALE_STEADY_SUM("staleReads.steadyPercentSeconds", "steady: stale reads, all gates (pct-s)", 1),
  STALE_STEADY_MAX(
      "staleReads.steadyWorstGatePercentSeconds", "steady: stale reads, worst gate (pct-s)", 1),
  STALE_FLAPPING_SUM(
      "staleReads.flappingPercentSeconds", "flapping: stale reads, all gates (pct-s)", 1),
  STALE_FLAPPING_MAX(
      "staleReads.flappingWorstGatePercentSeconds", "flapping: stale reads, worst gate (pct-s)", 1),
  HEAP_AFTER("memory.heapAfterGcMiB", "controller heap after GC, at the end (MiB)", 1),
  RSS("memory.rssMiB", "controller RSS at the end (MiB)", 1),
  OPEN_FILES("process.maxOpenFiles", "controller open files, most seen", 0),
  WARMUP_SECONDS("process.secondsUntilAllServing", "start: all replicas serving after (s)", 1),
  LOAD_BEFORE("process.loadAverageBefore", "load average (1 min), before", 2),
  LOAD_AFTER("process.loadAverageAfter", "load average (1 min), after", 2);

  private final String key;
  private final String label;
  private final int decimals;

  Figure(String key, String label, int decimals) {
    this.key = key;
    this.label = label;
    this.decimals = decimals;
  }

  /** {@code group.name} in the JSON report. */
  String key() {
    return key;
  }

  String group() {
    return key.substring(0, key.indexOf('.'));
  }

  String field() {
    return key.substring(key.indexOf('.') + 1);
  }

  String label() {
    return label;
  }

  int decimals() {
    return decimals;
  }

  /** The value rounded to this figure's decimals (half up); null for NaN, infinite or null. */
  java.math.BigDecimal round(Double value) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return null;
    }
    return java.math.BigDecimal.valueOf(value).setScale(decimals, java.math.RoundingMode.HALF_UP);
  }

  /** The value as the table prints it: {@link #round} in plain digits, {@code n/a} for none. */
  String format(Double value) {
    java.math.BigDecimal rounded = round(value);
    return rounded == null ? "n/a" : rounded.toPlainString();
  }
}
