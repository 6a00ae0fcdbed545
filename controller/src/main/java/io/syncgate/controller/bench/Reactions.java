package io.syncgate.controller.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reaction latency: from the moment the simulator changed a replica's answer to the first
 * VirtualService write the API server took that reflects it — weight 0 after the replica fell
 * behind ejection.maxLag, a weight above 0 after it caught up again. Not thread-safe: the
 * benchmark's driver thread feeds it both the flips and the writes.
 */
final class Reactions {

  /** Which way a replica was flipped. */
  enum Direction {
    /** Fell behind {@code ejection.maxLag}: expect weight 0. */
    EJECT,
    /** Caught up below {@code admission.maxLag}: expect a weight above 0. */
    ADMIT
  }

  /** One flip of one replica, at {@code nanos} ({@link System#nanoTime()}). */
  record Flip(Direction direction, int gate, int replica, String replicaName, long nanos) {}

  private final Map<String, List<Flip>> pending = new HashMap<>();
  private final Map<Direction, Latencies> latencies = new HashMap<>();
  private final List<Flip> ejected = new ArrayList<>();

  Reactions() {
    for (Direction direction : Direction.values()) {
      latencies.put(direction, new Latencies());
    }
  }

  /** A flip took effect in the simulator; its reaction is awaited. */
  void flipped(String gate, Flip flip) {
    pending.computeIfAbsent(gate, g -> new ArrayList<>()).add(flip);
  }

  /**
   * The API server took a VirtualService write of {@code gate} with these weights at {@code nanos}:
   * settles every pending flip of the gate (made before the write) that it reflects.
   */
  void written(String gate, Map<String, Integer> weights, long nanos) {
    List<Flip> flips = pending.get(gate);
    if (flips == null) {
      return;
    }
    for (Iterator<Flip> it = flips.iterator(); it.hasNext(); ) {
      Flip flip = it.next();
      if (flip.nanos() > nanos) {
        continue;
      }
      int weight = weights.getOrDefault(flip.replicaName(), 0);
      boolean reflected = flip.direction() == Direction.EJECT ? weight == 0 : weight > 0;
      if (reflected) {
        it.remove();
        latencies.get(flip.direction()).add(nanos - flip.nanos());
        if (flip.direction() == Direction.EJECT) {
          ejected.add(flip);
        }
      }
    }
    if (flips.isEmpty()) {
      pending.remove(gate);
    }
  }

  /** Whether this replica has a flip still waiting for its reaction. */
  boolean isPending(String gate, String replicaName) {
    List<Flip> flips = pending.get(gate);
    return flips != null && flips.stream().anyMatch(f -> f.replicaName().equals(replicaName));
  }

  /** The oldest replica whose ejection was seen and that was not flipped back yet, or null. */
  Flip takeEjected() {
    return ejected.isEmpty() ? null : ejected.remove(0);
  }

  /**
   * Forgets every flip and latency seen so far; returns the replicas flipped to lagging and not
   * flipped back (ejected or not), so that they can be.
   */
  List<Flip> forget() {
    List<Flip> lagging = new ArrayList<>(ejected);
    pending.values().stream()
        .flatMap(List::stream)
        .filter(f -> f.direction() == Direction.EJECT)
        .forEach(lagging::add);
    pending.clear();
    ejected.clear();
    for (Direction direction : Direction.values()) {
      latencies.put(direction, new Latencies());
    }
    return lagging;
  }

  int pendingCount() {
    return pending.values().stream().mapToInt(List::size).sum();
  }

  /** Flips of this direction still without a reaction. */
  int missed(Direction direction) {
    return (int)
        pending.values().stream()
            .flatMap(List::stream)
            .filter(f -> f.direction() == direction)
            .count();
  }

  Latencies.Summary summary(Direction direction) {
    return latencies.get(direction).summary();
  }
}
