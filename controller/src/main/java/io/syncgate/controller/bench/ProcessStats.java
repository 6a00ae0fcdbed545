package io.syncgate.controller.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What Linux's {@code /proc} says about a whole process, whichever program it runs: the CPU time it
 * has spent (user + system, all threads, GC and JIT included) and its resident set. The benchmark
 * measures the controller and HAProxy the same way, from outside, so their figures compare.
 */
final class ProcessStats {

  /** Clock ticks per second of {@code /proc/<pid>/stat}: 100 on every Linux the JDK runs on. */
  static final long CLOCK_TICKS_PER_SECOND = clockTicks();

  private ProcessStats() {}

  /**
   * CPU time the process has spent so far, in nanoseconds (10 ms resolution), or -1 when it cannot
   * be read (not Linux, the process is gone).
   */
  static long cpuNanos(long pid) {
    Cpu cpu = cpu(pid);
    return cpu == null ? -1 : cpu.totalNanos();
  }

  /**
   * CPU time a process has spent, in user space and in the kernel (system calls, and the network
   * stack's work done on its behalf), in nanoseconds.
   */
  record Cpu(long userNanos, long kernelNanos) {
    long totalNanos() {
      return userNanos + kernelNanos;
    }
  }

  /** The CPU time the process has spent so far (10 ms resolution), or null when unreadable. */
  static Cpu cpu(long pid) {
    try {
      return cpu(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * utime and stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line in nanoseconds. The
   * command name (field 2) is in parentheses and may hold spaces and parentheses itself: count
   * fields from the last ')'.
   */
  static Cpu cpu(String stat) {
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long nanosPerTick = TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
    return new Cpu(
        Long.parseLong(fields[11]) * nanosPerTick, Long.parseLong(fields[12]) * nanosPerTick);
  }

  /** The resident set size of a process in MiB, or NaN when it cannot be read. */
  static double rssMib(long pid) {
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          String kib = line.substring("VmRSS:".length()).replace("kB", "").strip();
          return Long.parseLong(kib) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** Files this JVM has open now, or -1 when unknown. */
  static long openFiles() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return -1;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
        return Long.parseLong(out.strip());
      }
    } catch (IOException | RuntimeException e) {
      // fall through to Linux's fixed USER_HZ
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
