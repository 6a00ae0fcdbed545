package io.syncgate.controller.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU time of this process over a window, split by who spent it. Each live Java thread's CPU time
 * (user + system, {@link ThreadMXBean#getThreadCpuTime}) is sampled at the start, at every {@link
 * #sample()} and at the end, and its growth is booked to one {@link Part}:
 *
 * <ul>
 *   <li>{@link Part#SIMULATOR}: threads named {@value FleetSimulator#THREAD_PREFIX}…;
 *   <li>{@link Part#API_SERVER}: the threads the embedded API server dispatched requests on;
 *   <li>{@link Part#BENCH}: the benchmark's own driver thread;
 *   <li>{@link Part#OTHER}: every other Java thread (the set-up client, the JVM's own); the
 *       controller runs in a process of its own ({@link ControllerProcess}).
 * </ul>
 *
 * {@link #jvmNanos()} is the rest of the process's CPU time ({@code getProcessCpuTime}): garbage
 * collection, JIT compilation and other VM threads, which are not Java threads, plus whatever a
 * thread that ended between two samples spent since the earlier one.
 */
final class CpuMeter {

  /** Who spent CPU time. */
  enum Part {
    OTHER,
    SIMULATOR,
    API_SERVER,
    BENCH
  }

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Set<Long> apiServerThreads;
  private final Set<Long> benchThreads;
  private final Map<Long, Long> last = new HashMap<>();
  private final Map<Long, Part> parts = new HashMap<>();
  private final EnumMap<Part, Long> spent = new EnumMap<>(Part.class);
  private long processStart;
  private long processEnd;

  /**
   * @param apiServerThreads ids of the API server's threads (may still grow while measuring)
   * @param benchThreads ids of the benchmark's own threads
   */
  CpuMeter(Set<Long> apiServerThreads, Set<Long> benchThreads) {
    if (!threads.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure per-thread CPU time");
    }
    threads.setThreadCpuTimeEnabled(true);
    this.apiServerThreads = apiServerThreads;
    this.benchThreads = benchThreads;
  }

  /** Starts the window: what every thread has spent so far is not counted. */
  void start() {
    last.clear();
    parts.clear();
    for (Part part : Part.values()) {
      spent.put(part, 0L);
    }
    processStart = os.getProcessCpuTime();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        last.put(id, cpu);
      }
    }
  }

  /** Books what every thread spent since the last sample; call about once a second. */
  void sample() {
    long[] ids = threads.getAllThreadIds();
    for (long id : ids) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu < 0) {
        continue; // ended meanwhile
      }
      long before = last.getOrDefault(id, 0L); // a thread born in the window started at 0
      last.put(id, cpu);
      if (cpu > before) {
        spent.merge(part(id), cpu - before, Long::sum);
      }
    }
  }

  /** Ends the window with a last sample. */
  void stop() {
    sample();
    processEnd = os.getProcessCpuTime();
  }

  long nanos(Part part) {
    return spent.getOrDefault(part, 0L);
  }

  /** The whole process's CPU time in the window. */
  long processNanos() {
    return processEnd - processStart;
  }

  /** Process CPU time not spent by any sampled Java thread (GC, JIT, VM, threads that ended). */
  long jvmNanos() {
    long threadsTotal = 0;
    for (long nanos : spent.values()) {
      threadsTotal += nanos;
    }
    return Math.max(0, processNanos() - threadsTotal);
  }

  private Part part(long id) {
    Part known = parts.get(id);
    if (known != null && known != Part.OTHER) {
      return known;
    }
    Part part;
    if (apiServerThreads.contains(id)) {
      part = Part.API_SERVER;
    } else if (benchThreads.contains(id)) {
      part = Part.BENCH;
    } else {
      ThreadInfo info = threads.getThreadInfo(id);
      String name = info == null ? "" : info.getThreadName();
      part = name.startsWith(FleetSimulator.THREAD_PREFIX) ? Part.SIMULATOR : Part.OTHER;
    }
    parts.put(id, part);
    return part;
  }
}
