package io.syncgate.controller.demo;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

/**
 * A replica replaying a WAL backlog while the leader keeps writing: where both are after some
 * elapsed time. Pure; the demo feeds the positions into {@link SimulatedMember}s.
 *
 * <p>At time 0 the leader is at {@code leaderStart} and the replica {@code backlogBytes} behind it.
 * The leader advances at {@code leaderWriteBytesPerSecond}; the replica replays at {@code
 * catchUpBytesPerSecond} until it reaches the leader, then keeps up with it. If it replays no
 * faster than the leader writes it never catches up. Positions are whole bytes, rounded so that
 * both only ever move forward and the replica is never ahead of the leader.
 *
 * @param leaderStart the leader's {@code xlog.location} at time 0
 * @param backlogBytes how far the replica's replayed position is behind at time 0
 * @param catchUpBytesPerSecond how fast the replica replays while behind
 * @param leaderWriteBytesPerSecond how fast the leader's position grows
 */
public record CatchUp(
    long leaderStart,
    long backlogBytes,
    long catchUpBytesPerSecond,
    long leaderWriteBytesPerSecond) {

  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** Both positions at one moment. */
  public record Positions(long leaderLocation, long replayedLocation) {
    /** {@code leaderLocation − replayedLocation}, never negative. */
    public long lagBytes() {
      return leaderLocation - replayedLocation;
    }
  }

  public CatchUp {
    requireNonNegative(leaderStart, "leaderStart");
    requireNonNegative(backlogBytes, "backlogBytes");
    requireNonNegative(catchUpBytesPerSecond, "catchUpBytesPerSecond");
    requireNonNegative(leaderWriteBytesPerSecond, "leaderWriteBytesPerSecond");
    if (backlogBytes > leaderStart) {
      throw new IllegalArgumentException(
          "backlogBytes ("
              + backlogBytes
              + ") cannot exceed leaderStart ("
              + leaderStart
              + "): a replayed position is never negative");
    }
  }

  /** Positions after {@code elapsed} (not negative). */
  public Positions at(Duration elapsed) {
    if (elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must not be negative, got " + elapsed);
    }
    BigInteger nanos =
        BigInteger.valueOf(elapsed.getSeconds())
            .multiply(NANOS_PER_SECOND)
            .add(BigInteger.valueOf(elapsed.getNano()));
    long leader = saturatedAdd(leaderStart, bytesIn(leaderWriteBytesPerSecond, nanos));
    long lag;
    if (catchUpBytesPerSecond > leaderWriteBytesPerSecond) {
      // The gap closes at the difference of the rates; computing the gap (not the replica) from
      // it keeps lag non-increasing and the replica non-decreasing despite rounding.
      long closed = bytesIn(catchUpBytesPerSecond - leaderWriteBytesPerSecond, nanos);
      lag = Math.max(0, backlogBytes - closed);
    } else {
      long replayed =
          saturatedAdd(leaderStart - backlogBytes, bytesIn(catchUpBytesPerSecond, nanos));
      lag = leader - replayed;
    }
    return new Positions(leader, leader - lag);
  }

  /**
   * When the replica has replayed up to the leader: the first whole nanosecond with zero lag. Empty
   * when it replays no faster than the leader writes (and had a backlog).
   */
  public Optional<Duration> caughtUpAfter() {
    if (backlogBytes == 0) {
      return Optional.of(Duration.ZERO);
    }
    if (catchUpBytesPerSecond <= leaderWriteBytesPerSecond) {
      return Optional.empty();
    }
    BigInteger rate = BigInteger.valueOf(catchUpBytesPerSecond - leaderWriteBytesPerSecond);
    BigInteger numerator = BigInteger.valueOf(backlogBytes).multiply(NANOS_PER_SECOND);
    BigInteger[] qr = numerator.divideAndRemainder(rate);
    BigInteger nanos = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    BigInteger[] secondsAndNanos = nanos.divideAndRemainder(NANOS_PER_SECOND);
    return Optional.of(
        Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue()));
  }

  /** {@code floor(rate × nanos / 1e9)}, saturating at {@link Long#MAX_VALUE}. */
  private static long bytesIn(long bytesPerSecond, BigInteger nanos) {
    BigInteger bytes = BigInteger.valueOf(bytesPerSecond).multiply(nanos).divide(NANOS_PER_SECOND);
    return bytes.min(LONG_MAX).longValueExact();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static void requireNonNegative(long value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + value);
    }
  }
}
