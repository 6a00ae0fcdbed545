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
      case LEADER -> majorVersion(patroniVersion) >= 4 ? "primary" : "master";
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

  private static int majorVersion(String version) {
    int end = version.indexOf('.');
    try {
      return Integer.parseInt(end < 0 ? version : version.substring(0, end));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
