package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.Objects;

/**
 * What one {@code GET /patroni} said about one member in one tick, or why it said nothing usable.
 *
 * <p>A usable sample has {@code failure == null}; its positions are what Patroni reported: for a
 * leader {@code location} ({@code xlog.location}), for a replica or standby leader the received and
 * replayed positions. A failed sample carries only the member name, the failure kind and a
 * human-readable reason ("timeout after 2s", "HTTP 503", "missing field xlog.replayed_location").
 */
public record MemberSample(
    String member,
    SampleFailure failure,
    String reason,
    PatroniRole role,
    String state,
    String replicationState,
    long timeline,
    Long location,
    Long receivedLocation,
    Long replayedLocation,
    Instant replayedTimestamp,
    boolean replayPaused,
    String patroniVersion) {

  public MemberSample {
    Objects.requireNonNull(member, "member");
    if (failure != null) {
      Objects.requireNonNull(reason, "a failed sample needs a reason");
    }
  }

  public boolean usable() {
    return failure == null;
  }

  /** A sample of a leader ({@code master}/{@code primary}) at WAL position {@code location}. */
  public static MemberSample leader(String member, long timeline, long location) {
    return new MemberSample(
        member,
        null,
        null,
        PatroniRole.LEADER,
        "running",
        null,
        timeline,
        location,
        null,
        null,
        null,
        false,
        null);
  }

  /** A streaming replica sample. */
  public static MemberSample replica(
      String member, long timeline, long received, long replayed, Instant replayedTimestamp) {
    return new MemberSample(
        member,
        null,
        null,
        PatroniRole.REPLICA,
        "running",
        "streaming",
        timeline,
        null,
        received,
        replayed,
        replayedTimestamp,
        false,
        null);
  }

  /** A member whose Patroni gave no usable answer. */
  public static MemberSample failed(String member, SampleFailure failure, String reason) {
    return new MemberSample(
        member,
        Objects.requireNonNull(failure, "failure"),
        reason,
        null,
        null,
        null,
        0,
        null,
        null,
        null,
        null,
        false,
        null);
  }

  public MemberSample withState(String newState, String newReplicationState) {
    return new MemberSample(
        member,
        failure,
        reason,
        role,
        newState,
        newReplicationState,
        timeline,
        location,
        receivedLocation,
        replayedLocation,
        replayedTimestamp,
        replayPaused,
        patroniVersion);
  }

  public MemberSample withReplayPaused(boolean paused) {
    return new MemberSample(
        member,
        failure,
        reason,
        role,
        state,
        replicationState,
        timeline,
        location,
        receivedLocation,
        replayedLocation,
        replayedTimestamp,
        paused,
        patroniVersion);
  }

  /**
   * The position this member's followers are compared with when it is the leader: {@code
   * xlog.location} for a primary, its own replayed position for a standby leader (which is itself
   * in recovery and has no write position).
   */
  public Long referencePosition() {
    if (role == PatroniRole.STANDBY_LEADER) {
      return replayedLocation != null ? replayedLocation : location;
    }
    return location;
  }
}
