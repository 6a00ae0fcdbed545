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
 * The demo's Patroni cluster: a leader under write load, replicas that keep up with it, and
 * replicas restored from old backups that start far behind and replay their backlogs ({@link
 * CatchUp}). Each member's REST API listens on its own loopback address on Patroni's port, like a
 * pod IP; a timer moves the WAL positions forward in real time.
 *
 * <p>The leader starts writing at {@link #begin()}. The seed's joining replica starts replaying
 * then too; the rollout's start when their pods appear ({@link #startCatchingUp()}), and until then
 * stay as far behind as they started.
 */
public final class DemoCluster {

  /** How often the simulated positions move: fine enough that caught-up replicas stay close. */
  static final Duration UPDATE_INTERVAL = Duration.ofMillis(50);

  /** Where the leader's WAL is when the demo starts (a cluster of about 20 GB). */
  static final long LEADER_START = 20L << 30;

  /**
   * Patroni's default {@code loop_wait}: with a lag-aware Patroni (4.1) the simulated leader writes
   * its position to the DCS ({@code last_lsn}) once per loop, so the DCS's copy is up to this old.
   */
  static final Duration LOOP_WAIT = Duration.ofSeconds(10);

  /** A replica restored from a backup: its catch-up, and since when it replays (0: not yet). */
  private static final class Joiner {
    final SimulatedMember member;
    final CatchUp catchUp;
    volatile long replayingSinceNanos;
    volatile boolean replaying;

    Joiner(SimulatedMember member, CatchUp catchUp) {
      this.member = member;
      this.catchUp = catchUp;
    }
  }

  private final Vertx vertx;
  private final PatroniSimulator simulator;
  private final Clock clock;
  private final long leaderStart;
  // The leader's position over time: a catch-up with nothing to catch up.
  private final CatchUp leaderWrites;
  private final boolean joinersReplayFromBegin;
  // Time zero of the catch-up: set by begin(); until then the positions stay at time zero.
  private volatile Instant startedAt;
  private volatile long startedNanos;
  private volatile boolean begun;
  private final long writeBytesPerSecond;
  private final SimulatedMember leader;
  private final List<SimulatedMember> caughtUp;
  private final List<Joiner> joiners;
  // With a lag-aware Patroni: when the leader last wrote its position to the DCS (0: never).
  private final boolean dcsWrittenPerLoop;
  private long dcsWrittenNanos;
  private final long timer;

  private DemoCluster(
      Vertx vertx,
      PatroniSimulator simulator,
      Clock clock,
      long leaderStart,
      boolean joinersReplayFromBegin,
      long writeBytesPerSecond,
      SimulatedMember leader,
      List<SimulatedMember> caughtUp,
      List<Joiner> joiners,
      boolean dcsWrittenPerLoop) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.clock = clock;
    this.leaderStart = leaderStart;
    this.leaderWrites = new CatchUp(leaderStart, 0, 0, writeBytesPerSecond);
    this.joinersReplayFromBegin = joinersReplayFromBegin;
    this.startedAt = clock.instant();
    this.writeBytesPerSecond = writeBytesPerSecond;
    this.leader = leader;
    this.caughtUp = caughtUp;
    this.joiners = joiners;
    this.dcsWrittenPerLoop = dcsWrittenPerLoop;
    update();
    this.timer = vertx.setPeriodic(UPDATE_INTERVAL.toMillis(), id -> update());
  }

  /**
   * Starts the simulated members on a free loopback subnet, positions as at time 0; completes when
   * all listen.
   */
  public static Future<DemoCluster> start(Vertx vertx, DemoSettings settings, Clock clock) {
    int port = PatroniSpec.DEFAULT_PORT;
    List<String> joinerNames = settings.joinerNames();
    List<Long> backlogs = settings.joinerBacklogs();
    int subnet = LoopbackSubnet.pick(settings.replicas() + 1 + joinerNames.size(), port);
    SimulatedMember leader =
        SimulatedMember.leader(settings.leaderName(), LoopbackSubnet.address(subnet, 0), port);
    List<SimulatedMember> caughtUp = new ArrayList<>();
    for (int i = 1; i <= settings.replicas(); i++) {
      caughtUp.add(
          SimulatedMember.replica(DemoSettings.member(i), LoopbackSubnet.address(subnet, i), port));
    }
    long leaderStart = Math.max(LEADER_START, backlogs.stream().mapToLong(b -> b).max().orElse(0));
    List<Joiner> joiners = new ArrayList<>();
    for (int i = 0; i < joinerNames.size(); i++) {
      SimulatedMember member =
          SimulatedMember.replica(
              joinerNames.get(i),
              LoopbackSubnet.address(subnet, settings.replicas() + 1 + i),
              port);
      joiners.add(
          new Joiner(
              member,
              new CatchUp(
                  leaderStart,
                  backlogs.get(i),
                  settings.catchUpBytesPerSecond(),
                  settings.writeBytesPerSecond())));
    }
    List<SimulatedMember> all = new ArrayList<>();
    all.add(leader);
    all.addAll(caughtUp);
    joiners.forEach(j -> all.add(j.member));
    DemoSettings.PatroniVersion version = settings.patroniVersion();
    for (SimulatedMember m : all) {
      m.setPatroniVersion(version.reported());
      if (version.lagAwareReadiness() && m != leader) {
        // Patroni 4.x reports it for every replica; 4.1's /readiness requires it.
        m.setReplicationState("streaming");
      }
    }
    PatroniSimulator.Options options =
        PatroniSimulator.Options.defaults().withScope(DemoSettings.CLUSTER).withClock(clock);
    // No pod names these addresses yet, so nobody asks before the first update() sets positions.
    return PatroniSimulator.start(vertx, all, options)
        .map(
            simulator ->
                new DemoCluster(
                    vertx,
                    simulator,
                    clock,
                    leaderStart,
                    settings.scenario() == DemoSettings.Scenario.SEED,
                    settings.writeBytesPerSecond(),
                    leader,
                    List.copyOf(caughtUp),
                    List.copyOf(joiners),
                    version.lagAwareReadiness()));
  }

  /** Every member's name and pod IP, leader first, the joining replicas last. */
  public Map<String, String> addresses() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(leader.name(), leader.host());
    for (SimulatedMember m : caughtUp) {
      out.put(m.name(), m.host());
    }
    for (Joiner j : joiners) {
      out.put(j.member.name(), j.member.host());
    }
    return out;
  }

  /** {@code http://ip:port} of a member's REST API. */
  public String baseUri(String member) {
    return simulator.baseUri(simulator.member(member));
  }

  /**
   * Starts the clock (once): the leader starts writing now, and the seed's joining replica
   * replaying. Before, the positions stay where they are at time zero, so a controller that takes a
   * while to start and sync does not find the backlog already partly replayed.
   */
  public synchronized void begin() {
    if (begun) {
      return;
    }
    startedAt = clock.instant();
    startedNanos = System.nanoTime();
    begun = true;
    if (joinersReplayFromBegin) {
      for (Joiner j : joiners) {
        j.replayingSinceNanos = startedNanos;
        j.replaying = true;
      }
    }
  }

  /**
   * The joining replicas start replaying their backlogs now (once), counted from here: the rollout
   * calls it when their pods appear. Starts the clock first if {@link #begin()} has not.
   */
  public synchronized void startCatchingUp() {
    begin();
    long now = System.nanoTime();
    for (Joiner j : joiners) {
      if (!j.replaying) {
        j.replayingSinceNanos = now;
        j.replaying = true;
      }
    }
  }

  /** Stops moving the positions and closes every member's socket. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return simulator.close();
  }

  private Duration elapsedSince(long nanos) {
    return Duration.ofNanos(Math.max(0, System.nanoTime() - nanos));
  }

  /**
   * Moves every member to where it is now: the leader at its write rate, caught-up replicas at the
   * leader's position, each joining replica behind it by what its catch-up model leaves (its whole
   * backlog until it starts replaying). Received equals replayed (replay keeps up with receiving,
   * which is not what holds a restored replica back). With a lag-aware Patroni (4.1) the leader
   * writes its position to the DCS once per {@link #LOOP_WAIT}, as Patroni does; otherwise the
   * DCS's copy follows the leader.
   */
  private void update() {
    long leaderLocation =
        begun ? leaderWrites.at(elapsedSince(startedNanos)).leaderLocation() : leaderStart;
    leader.setLocation(leaderLocation);
    if (dcsWrittenPerLoop) {
      long now = System.nanoTime();
      if (dcsWrittenNanos == 0 || now - dcsWrittenNanos >= LOOP_WAIT.toNanos()) {
        simulator.setDcsLeaderPosition(leaderLocation);
        dcsWrittenNanos = now;
      }
    }
    for (SimulatedMember m : caughtUp) {
      m.setReceivedAndReplayed(leaderLocation);
      m.setReplayedTimestamp(writtenAt(leaderLocation));
    }
    for (Joiner j : joiners) {
      long lag =
          j.replaying
              ? j.catchUp.at(elapsedSince(j.replayingSinceNanos)).lagBytes()
              : j.catchUp.backlogBytes();
      long replayed = leaderLocation - lag;
      j.member.setReceivedAndReplayed(replayed);
      j.member.setReplayedTimestamp(writtenAt(replayed));
    }
  }

  /**
   * When the leader wrote the WAL at {@code position}, from its steady write rate: what Patroni
   * reports as {@code replayed_timestamp} (the commit time of the last replayed transaction).
   */
  private Instant writtenAt(long position) {
    if (writeBytesPerSecond <= 0) {
      return null;
    }
    double seconds = (double) (position - leaderStart) / writeBytesPerSecond;
    Instant now = clock.instant();
    Instant at = (begun ? startedAt : now).plusNanos((long) (seconds * 1e9));
    return at.isAfter(now) ? now : at;
  }
}
