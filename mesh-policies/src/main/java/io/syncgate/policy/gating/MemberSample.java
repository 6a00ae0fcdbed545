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
 *
 * <p>The texts a Patroni answer supplies ({@code state}, {@code replicationState}, {@code
 * patroniVersion}) and the reason are made safe here, whoever builds the sample: printable
 * characters only, at most {@link SafeText#MAX_FIELD_CHARS} and {@link
 * SafeText#MAX_SAMPLE_REASON_CHARS} characters. They end up in replica reasons, log lines, events
 * and status.
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
    state = SafeText.field(state);
    replicationState = SafeText.field(replicationState);
    patroniVersion = SafeText.field(patroniVersion);
    reason = SafeText.of(reason, SafeText.MAX_SAMPLE_REASON_CHARS);
    if (failure != null) {
      Objects.requireNonNull(reason, "a failed sample needs a reason");
    }
  }

  public boolean usable() {
    return failure == null;
  }

  /** A sample of a leader ({@code master}/{@code primary}) at WAL position {@code location}. */
  public static MemberSample leader(String member, long timeline, long location) {
    return builder(member)
        .role(PatroniRole.LEADER)
        .state("running")
        .timeline(timeline)
        .location(location)
        .build();
  }

  /** A streaming replica sample. */
  public static MemberSample replica(
      String member, long timeline, long received, long replayed, Instant replayedTimestamp) {
    return builder(member)
        .role(PatroniRole.REPLICA)
        .state("running")
        .replicationState("streaming")
        .timeline(timeline)
        .receivedLocation(received)
        .replayedLocation(replayed)
        .replayedTimestamp(replayedTimestamp)
        .build();
  }

  /** A member whose Patroni gave no usable answer. */
  public static MemberSample failed(String member, SampleFailure failure, String reason) {
    return builder(member).failure(Objects.requireNonNull(failure, "failure"), reason).build();
  }

  /** A builder for a sample of {@code member}; what is not set is null, 0 or false. */
  public static Builder builder(String member) {
    return new Builder(member);
  }

  /** A builder that starts from this sample's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public MemberSample withState(String newState, String newReplicationState) {
    return toBuilder().state(newState).replicationState(newReplicationState).build();
  }

  public MemberSample withReplayPaused(boolean paused) {
    return toBuilder().replayPaused(paused).build();
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

  /** Names for the values of one sample; the record's constructor checks them in {@link #build}. */
  public static final class Builder {
    private final String member;
    private SampleFailure failure;
    private String reason;
    private PatroniRole role;
    private String state;
    private String replicationState;
    private long timeline;
    private Long location;
    private Long receivedLocation;
    private Long replayedLocation;
    private Instant replayedTimestamp;
    private boolean replayPaused;
    private String patroniVersion;

    private Builder(String member) {
      this.member = member;
    }

    private Builder(MemberSample sample) {
      member = sample.member;
      failure = sample.failure;
      reason = sample.reason;
      role = sample.role;
      state = sample.state;
      replicationState = sample.replicationState;
      timeline = sample.timeline;
      location = sample.location;
      receivedLocation = sample.receivedLocation;
      replayedLocation = sample.replayedLocation;
      replayedTimestamp = sample.replayedTimestamp;
      replayPaused = sample.replayPaused;
      patroniVersion = sample.patroniVersion;
    }

    /** Why the member's answer was not usable; a failure needs a reason. */
    public Builder failure(SampleFailure failure, String reason) {
      this.failure = failure;
      this.reason = reason;
      return this;
    }

    public Builder role(PatroniRole value) {
      role = value;
      return this;
    }

    public Builder state(String value) {
      state = value;
      return this;
    }

    public Builder replicationState(String value) {
      replicationState = value;
      return this;
    }

    public Builder timeline(long value) {
      timeline = value;
      return this;
    }

    /** {@code xlog.location}: a leader's write position. */
    public Builder location(Long value) {
      location = value;
      return this;
    }

    /** {@code xlog.received_location}. */
    public Builder receivedLocation(Long value) {
      receivedLocation = value;
      return this;
    }

    /** {@code xlog.replayed_location}. */
    public Builder replayedLocation(Long value) {
      replayedLocation = value;
      return this;
    }

    /** {@code xlog.replayed_timestamp}. */
    public Builder replayedTimestamp(Instant value) {
      replayedTimestamp = value;
      return this;
    }

    /** {@code xlog.paused}. */
    public Builder replayPaused(boolean value) {
      replayPaused = value;
      return this;
    }

    /** {@code patroni.version}. */
    public Builder patroniVersion(String value) {
      patroniVersion = value;
      return this;
    }

    public MemberSample build() {
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
          replayPaused,
          patroniVersion);
    }
  }
}
