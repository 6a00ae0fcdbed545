package io.syncgate.policy.gating;

import java.time.Instant;

/**
 * Builds member samples for tests: one leader at a fixed WAL position and replicas a given number
 * of bytes (and seconds) behind it.
 */
final class Samples {

  /** The leader's WAL position in every test: far from 0 so that any lag fits below it. */
  static final long LEADER_POSITION = 1L << 40;

  static final long KIB = 1L << 10;
  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;

  private Samples() {}

  static MemberSample leader(String name, long timeline) {
    return MemberSample.leader(name, timeline, LEADER_POSITION);
  }

  /** A streaming replica {@code lagBytes} behind the leader; no replay timestamp. */
  static MemberSample replica(String name, long timeline, long lagBytes) {
    long replayed = LEADER_POSITION - lagBytes;
    return MemberSample.replica(name, timeline, replayed, replayed, null);
  }

  /** A streaming replica {@code lagBytes} and {@code lagSeconds} behind at {@code now}. */
  static MemberSample replica(
      String name, long timeline, long lagBytes, double lagSeconds, Instant now) {
    long replayed = LEADER_POSITION - lagBytes;
    Instant replayedAt = now.minusMillis(Math.round(lagSeconds * 1000));
    return MemberSample.replica(name, timeline, replayed, replayed, replayedAt);
  }

  static MemberSample timeout(String name) {
    return MemberSample.failed(name, SampleFailure.TIMEOUT, "timeout after 2s");
  }
}
