package io.syncgate.controller.demo;

import io.syncgate.policy.PatroniSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's Patroni cluster: a leader under write load, replicas that keep up with it, and one
 * replica restored from an old backup that starts far behind and replays its backlog ({@link
 * CatchUp}). Each member's REST API listens on its own loopback address on Patroni's port, like a
 * pod IP; a timer moves the WAL positions forward in real time.
 */
public final class DemoCluster {

  /** How often the simulated positions move: fine enough that caught-up replicas stay close. */
  static final Duration UPDATE_INTERVAL = Duration.ofMillis(50);

  /** Where the leader's WAL is when the demo starts (a cluster of about 20 GB). */
  static final long LEADER_START = 20L << 30;

  private final Vertx vertx;
  private final PatroniSimulator simulator;
  private final CatchUp catchUp;
  private final Clock clock;
  // Time zero of the catch-up: set by begin(); until then the positions stay at time zero.
  private volatile Instant startedAt;
  private volatile long startedNanos;
  private volatile boolean begun;
  private final long writeBytesPerSecond;
  private final SimulatedMember leader;
  private final List<SimulatedMember> caughtUp;
  private final SimulatedMember joiner;
  private final long timer;

  private DemoCluster(
      Vertx vertx,
      PatroniSimulator simulator,
      CatchUp catchUp,
      Clock clock,
      long writeBytesPerSecond,
      SimulatedMember leader,
      List<SimulatedMember> caughtUp,
      SimulatedMember joiner) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.catchUp = catchUp;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.writeBytesPerSecond = writeBytesPerSecond;
    this.leader = leader;
    this.caughtUp = caughtUp;
    this.joiner = joiner;
    update();
    this.timer = vertx.setPeriodic(UPDATE_INTERVAL.toMillis(), id -> update());
  }

  /**
   * Starts the simulated members on a free loopback subnet, positions as at time 0; completes when
   * all listen.
   */
  public static Future<DemoCluster> start(Vertx vertx, DemoSettings settings, Clock clock) {
    int port = PatroniSpec.DEFAULT_PORT;
    int subnet = LoopbackSubnet.pick(settings.replicas() + 2, port);
    SimulatedMember leader =
        SimulatedMember.leader(settings.leaderName(), LoopbackSubnet.address(subnet, 0), port);
    List<SimulatedMember> caughtUp = new ArrayList<>();
    for (int i = 1; i <= settings.replicas(); i++) {
      caughtUp.add(
          SimulatedMember.replica(DemoSettings.member(i), LoopbackSubnet.address(subnet, i), port));
    }
    SimulatedMember joiner =
        SimulatedMember.replica(
            settings.joinerName(), LoopbackSubnet.address(subnet, settings.replicas() + 1), port);
    CatchUp catchUp =
        new CatchUp(
            Math.max(LEADER_START, settings.backlogBytes()),
            settings.backlogBytes(),
            settings.catchUpBytesPerSecond(),
            settings.writeBytesPerSecond());
    List<SimulatedMember> all = new ArrayList<>();
    all.add(leader);
    all.addAll(caughtUp);
    all.add(joiner);
    PatroniSimulator.Options options =
        PatroniSimulator.Options.defaults().withScope(DemoSettings.CLUSTER).withClock(clock);
    // No pod names these addresses yet, so nobody asks before the first update() sets positions.
    return PatroniSimulator.start(vertx, all, options)
        .map(
            simulator ->
                new DemoCluster(
                    vertx,
                    simulator,
                    catchUp,
                    clock,
                    settings.writeBytesPerSecond(),
                    leader,
                    List.copyOf(caughtUp),
                    joiner));
  }

  /** Every member's name and pod IP, leader first, the joining replica last. */
  public Map<String, String> addresses() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(leader.name(), leader.host());
    for (SimulatedMember m : caughtUp) {
      out.put(m.name(), m.host());
    }
    out.put(joiner.name(), joiner.host());
    return out;
  }

  /** {@code http://ip:port} of a member's REST API. */
  public String baseUri(String member) {
    return simulator.baseUri(simulator.member(member));
  }

  /**
   * Starts the clock (once): the leader starts writing and the joining replica replaying now.
   * Before, the positions stay where they are at time zero, so a controller that takes a while to
   * start and sync does not find the backlog already partly replayed.
   */
  public synchronized void begin() {
    if (begun) {
      return;
    }
    startedAt = clock.instant();
    startedNanos = System.nanoTime();
    begun = true;
  }

  /** Stops moving the positions and closes every member's socket. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return simulator.close();
  }

  private Duration elapsed() {
    return begun ? Duration.ofNanos(Math.max(0, System.nanoTime() - startedNanos)) : Duration.ZERO;
  }

  /**
   * Moves every member to where it is now: the leader and the joining replica from the catch-up
   * model, caught-up replicas at the leader's position. Received equals replayed (replay keeps up
   * with receiving, which is not what holds a restored replica back).
   */
  private void update() {
    CatchUp.Positions now = catchUp.at(elapsed());
    leader.setLocation(now.leaderLocation());
    for (SimulatedMember m : caughtUp) {
      m.setReceivedAndReplayed(now.leaderLocation());
      m.setReplayedTimestamp(writtenAt(now.leaderLocation()));
    }
    joiner.setReceivedAndReplayed(now.replayedLocation());
    joiner.setReplayedTimestamp(writtenAt(now.replayedLocation()));
  }

  /**
   * When the leader wrote the WAL at {@code position}, from its steady write rate: what Patroni
   * reports as {@code replayed_timestamp} (the commit time of the last replayed transaction).
   */
  private Instant writtenAt(long position) {
    if (writeBytesPerSecond <= 0) {
      return null;
    }
    double seconds = (double) (position - catchUp.leaderStart()) / writeBytesPerSecond;
    Instant now = clock.instant();
    Instant at = (begun ? startedAt : now).plusNanos((long) (seconds * 1e9));
    return at.isAfter(now) ? now : at;
  }
}
