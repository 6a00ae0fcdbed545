package io.syncgate.controller.demo;

import io.syncgate.policy.gating.PatroniRole;
import java.time.Instant;

/**
 * What a {@link SimulatedMember} reports at one moment. {@code revision} grows with every change,
 * so a cached rendering can tell whether it is still current.
 */
public record MemberState(
    long revision,
    PatroniRole role,
    String state,
    String replicationState,
    long timeline,
    long location,
    long receivedLocation,
    long replayedLocation,
    Instant replayedTimestamp,
    boolean paused,
    SimulatedMember.Behaviour behaviour,
    String patroniVersion,
    int serverVersion,
    Instant postmasterStartTime) {

  /**
   * Whether Patroni would query PostgreSQL for this answer. Patroni 3.x only tries in the states
   * {@code running}, {@code restarting} and {@code starting}; otherwise it answers with state and
   * role only (no {@code xlog}, no {@code timeline}).
   */
  public boolean postgresQueried() {
    return "running".equals(state) || "restarting".equals(state) || "starting".equals(state);
  }

  /** The role string Patroni puts in {@code GET /patroni}. */
  public String patroniRoleName() {
    return switch (role) {
      case LEADER -> patroniMajorVersion() >= 4 ? "primary" : "master";
      case STANDBY_LEADER -> "standby_leader";
      case REPLICA -> "replica";
      case OTHER -> "uninitialized";
    };
  }

  /**
   * The WAL position this member publishes to the DCS: {@code location} for a leader, the furthest
   * of received and replayed for a member in recovery (what Patroni stores as {@code
   * xlog_location}).
   */
  public long publishedPosition() {
    return role == PatroniRole.LEADER ? location : Math.max(receivedLocation, replayedLocation);
  }

  /**
   * The WAL receiver's {@code latest_end_lsn}, which Patroni 4.1 reads from {@code
   * pg_stat_get_wal_receiver()} for {@code /readiness} and {@code /replica?lag}: taken as the
   * received position while streaming; 0 (no WAL receiver) otherwise and on a leader.
   */
  public long latestEndLsn() {
    return role != PatroniRole.LEADER && "streaming".equals(replicationState)
        ? receivedLocation
        : 0;
  }

  /** The major release of {@code patroniVersion}: 3 for 3.0.2; 0 when unreadable. */
  public int patroniMajorVersion() {
    return PatroniReadiness.major(patroniVersion);
  }
}
