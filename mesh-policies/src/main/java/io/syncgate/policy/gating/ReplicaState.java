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
    String reason) {

  public ReplicaState {
    reason = SafeText.of(reason, SafeText.MAX_REASON_CHARS);
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
        reason);
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
        reason);
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
        reason);
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
        reason);
  }
}
