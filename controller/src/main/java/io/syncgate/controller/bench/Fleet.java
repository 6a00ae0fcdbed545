package io.syncgate.controller.bench;

import java.util.concurrent.CompletableFuture;

/**
 * The simulated Patroni fleet the benchmark polls, wherever it runs: in the benchmark's process
 * ({@link FleetSimulator}) or split over child processes ({@link SplitFleet}). Gates are numbered
 * over the whole fleet; member {@code m} of gate {@code g} listens on {@link
 * FleetSimulator#address}{@code (subnet, g × membersPerGate + m)}, port {@value
 * FleetSimulator#PATRONI_PORT}, either way.
 */
interface Fleet extends AutoCloseable {

  /** The loopback subnet {@code 127.<subnet>/16} every member listens on. */
  int subnet();

  /** The pod IP of member {@code member} of gate {@code gate}. */
  String host(int gate, int member);

  /** {@code GET /patroni} requests answered so far, by the whole fleet. */
  long polls();

  /**
   * Makes a replica report lag enough to be ejected, or none. Completes with {@link
   * System#nanoTime()} taken right after its answer changed, comparable with this process's.
   */
  CompletableFuture<Long> setLagging(int gate, int replica, boolean lagging);

  /**
   * CPU time the simulator has spent so far (ns): its event-loop threads' in this process, the
   * whole child processes' (every thread, GC and JIT, from {@code /proc}) when split.
   */
  long cpuNanos();

  /** Where it runs, for the benchmark's progress and notes. */
  String describe();

  /** Stops every member. */
  @Override
  void close();
}
