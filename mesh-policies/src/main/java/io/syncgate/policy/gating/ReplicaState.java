package io.syncgate.policy.gating;

import java.time.Instant;

/**
 * Everything the gating core remembers about one replica between steps.
 *
 * @param name member (pod) name
 * @param phase current phase
 * @param step index into the ramp steps while {@link Phase#RAMPING}; otherwise 0
 * @param since when the phase last changed
 * @param stepSince when the current ramp step began (equals {@code since} on admission)
 * @param admissibleSince start of the current unbroken run of admissible samples, or null
 * @param lastUsableSample time of the last usable sample of this member, or null if none yet
 * @param lagBytes last known replay lag in bytes, or null
 * @param lagSeconds last known replay lag in seconds, or null
 * @param reason human-readable reason for the current phase ("lag 5.2 GiB > 1 MiB"); made printable
 *     and cut to {@link SafeText#MAX_REASON_CHARS}, since the status holds one per replica
 * @param control what operators (or a failed analysis) set: held, aborted, approved
 * @param waitingFor what the replica waits for before its next change ("stableFor: 3s of 10s",
 *     "approval", "its turn (ramp.maxRamping)"), or null when it waits for nothing
 */
public record ReplicaState(
    String name,
    Phase phase,
    int step,
    Instant since,
    Instant stepSince,
    Instant admissibleSince,
    Instant lastUsableSample,
    Long lagBytes,
    Double lagSeconds,
    String reason,
    Control control,
    String waitingFor) {

  public ReplicaState {
    reason = SafeText.of(reason, SafeText.MAX_REASON_CHARS);
    control = control == null ? Control.NONE : control;
    waitingFor = waitingFor == null ? null : SafeText.of(waitingFor, SafeText.MAX_REASON_CHARS);
  }

  /** A replica no operator has touched, waiting for nothing in particular. */
  public ReplicaState(
      String name,
      Phase phase,
      int step,
      Instant since,
      Instant stepSince,
      Instant admissibleSince,
      Instant lastUsableSample,
      Long lagBytes,
      Double lagSeconds,
      String reason) {
    this(
        name,
        phase,
        step,
        since,
        stepSince,
        admissibleSince,
        lastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        Control.NONE,
        null);
  }

  /**
   * What operators (or the gate itself) set on a replica, kept until changed by another action.
   *
   * @param held keep phase and step (kubectl syncgate hold); ejection still applies
   * @param aborted out of reads until resumed (kubectl syncgate abort, or analysis with {@code
   *     onFailure: Abort})
   * @param approved its next approval point may pass (kubectl syncgate approve); used up by passing
   *     it
   * @param steppedBack its lag grew too fast for too long ({@code ramp.maxLagGrowth}): it went back
   *     one ramp step and takes no further step until its lag is flat again
   */
  public record Control(boolean held, boolean aborted, boolean approved, boolean steppedBack) {
    public static final Control NONE = new Control(false, false, false, false);

    /** A control that was not stepped back. */
    public Control(boolean held, boolean aborted, boolean approved) {
      this(held, aborted, approved, false);
    }

    public Control withHeld(boolean value) {
      return new Control(value, aborted, approved, steppedBack);
    }

    public Control withAborted(boolean value) {
      return new Control(held, value, approved, steppedBack);
    }

    public Control withApproved(boolean value) {
      return new Control(held, aborted, value, steppedBack);
    }

    public Control withSteppedBack(boolean value) {
      return new Control(held, aborted, approved, value);
    }
  }

  public ReplicaState withControl(Control newControl) {
    return new ReplicaState(
        name,
        phase,
        step,
        since,
        stepSince,
        admissibleSince,
        lastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        newControl,
        waitingFor);
  }

  public ReplicaState withWaitingFor(String newWaitingFor) {
    return new ReplicaState(
        name,
        phase,
        step,
        since,
        stepSince,
        admissibleSince,
        lastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        control,
        newWaitingFor);
  }

  /** The phase alone: {@code since} and {@code reason} stay as they are. */
  public ReplicaState withPhase(Phase newPhase) {
    return new ReplicaState(
        name,
        newPhase,
        step,
        since,
        stepSince,
        admissibleSince,
        lastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        control,
        waitingFor);
  }

  /** The ramp step and when it began. */
  public ReplicaState withStep(int newStep, Instant newStepSince) {
    return new ReplicaState(
        name,
        phase,
        newStep,
        since,
        newStepSince,
        admissibleSince,
        lastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        control,
        waitingFor);
  }

  public ReplicaState withAdmissibleSince(Instant newAdmissibleSince) {
    return new ReplicaState(
        name,
        phase,
        step,
        since,
        stepSince,
        newAdmissibleSince,
        lastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        control,
        waitingFor);
  }

  public ReplicaState withLastUsableSample(Instant newLastUsableSample) {
    return new ReplicaState(
        name,
        phase,
        step,
        since,
        stepSince,
        admissibleSince,
        newLastUsableSample,
        lagBytes,
        lagSeconds,
        reason,
        control,
        waitingFor);
  }
}
