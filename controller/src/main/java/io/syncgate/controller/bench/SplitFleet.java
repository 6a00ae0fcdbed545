package io.syncgate.controller.bench;

import io.syncgate.controller.demo.PatroniSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The fleet split over child processes ({@link SimulatorProcess}), each serving a slice of
 * consecutive gates, all on one loopback subnet: what the in-process {@link FleetSimulator} would
 * serve, with the listening sockets and kept connections spread over several processes' open-file
 * limits. The subnet is chosen here, at random, and every child binds its slice on it; when one
 * finds an address taken, all stop and the next subnet is tried.
 */
final class SplitFleet implements Fleet {

  /** How long a child may take to start its JVM and bind its members. */
  private static final Duration READY = Duration.ofSeconds(120);

  private final List<SimulatorChild> children;
  private final int subnet;
  private final int membersPerGate;

  private SplitFleet(List<SimulatorChild> children, int subnet, int membersPerGate) {
    this.children = List.copyOf(children);
    this.subnet = subnet;
    this.membersPerGate = membersPerGate;
  }

  /**
   * Starts {@code gates × membersPerGate} members over {@code processes} child processes ({@code
   * threads} event loops each); child {@code i} logs to {@code log.apply(i)}.
   */
  static SplitFleet start(
      int processes,
      int gates,
      int membersPerGate,
      PatroniSimulator.Mode mode,
      FleetSimulator.Script script,
      int threads,
      IntFunction<Path> log)
      throws IOException {
    if (processes < 1 || processes > gates) {
      throw new IllegalArgumentException(
          "need 1 to " + gates + " simulator processes, got " + processes);
    }
    for (int attempt = 0; attempt < FleetSimulator.SUBNET_ATTEMPTS; attempt++) {
      int subnet = FleetSimulator.randomSubnet();
      List<SimulatorChild> children = new ArrayList<>();
      boolean bound = true;
      try {
        // All start at once; then each is waited for.
        for (int i = 0; i < processes; i++) {
          int first = (int) ((long) gates * i / processes);
          int next = (int) ((long) gates * (i + 1) / processes);
          children.add(
              SimulatorChild.start(
                  first,
                  next - first,
                  membersPerGate,
                  mode,
                  script,
                  threads,
                  subnet,
                  log.apply(i)));
        }
        for (SimulatorChild child : children) {
          bound &= child.awaitReady(READY);
        }
      } catch (IOException | RuntimeException e) {
        children.forEach(SimulatorChild::close);
        throw e;
      }
      if (bound) {
        return new SplitFleet(children, subnet, membersPerGate);
      }
      children.forEach(SimulatorChild::close);
    }
    throw new BindException(
        "no free loopback subnet for the simulator after "
            + FleetSimulator.SUBNET_ATTEMPTS
            + " tries");
  }

  @Override
  public int subnet() {
    return subnet;
  }

  @Override
  public String host(int gate, int member) {
    return FleetSimulator.address(subnet, gate * membersPerGate + member);
  }

  @Override
  public long polls() {
    long polls = 0;
    try {
      for (SimulatorChild child : children) {
        polls += child.polls();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return polls;
  }

  @Override
  public CompletableFuture<Long> setLagging(int gate, int replica, boolean lagging) {
    for (SimulatorChild child : children) {
      if (child.holds(gate)) {
        try {
          return CompletableFuture.completedFuture(child.setLagging(gate, replica, lagging));
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
    }
    throw new IllegalArgumentException("no simulator process holds gate " + gate);
  }

  /** The sum of the child processes' whole CPU time (ns): every thread, GC and JIT. */
  @Override
  public long cpuNanos() {
    long total = 0;
    for (SimulatorChild child : children) {
      total += Math.max(0, child.cpuNanos());
    }
    return total;
  }

  @Override
  public String describe() {
    return "split over " + children.size() + " child processes";
  }

  int processes() {
    return children.size();
  }

  @Override
  public void close() {
    children.forEach(SimulatorChild::close);
  }
}
