package io.syncgate.policy.gating;

/**
 * Something that happened in one step, worth an event: a replica changed phase or ramp step, or the
 * leader changed. {@code replica} is null for leader changes. The reason is made printable and cut
 * to {@link SafeText#MAX_REASON_CHARS}, as a replica's is: it goes to log lines and events.
 */
public record Transition(Kind kind, String replica, Phase from, Phase to, int step, String reason) {

  public Transition {
    reason = SafeText.of(reason, SafeText.MAX_REASON_CHARS);
  }

  public enum Kind {
    /** Gated/Unknown → Ramping(0). */
    ADMITTED,
    /** Ramping(k) → Ramping(k+1). */
    RAMP_STEP,
    /** Ramping → Serving. */
    SERVING,
    /** Ramping/Serving → Ejected. */
    EJECTED,
    /** Any other phase change (Unknown → Gated, Ejected → Gated, …). */
    PHASE,
    /** A different member is leader than in the previous step. */
    LEADER_CHANGED,
    /** An operator action was taken (hold, resume, promote, abort, approve). */
    ACTION_APPLIED,
    /** An operator action was refused, with why. */
    ACTION_REFUSED,
    /** A check failed {@code analysis.failureLimit} times in a row: stepped back or aborted. */
    ANALYSIS_FAILED,
    /**
     * The lag of a Ramping replica grew faster than {@code ramp.maxLagGrowth} for {@code
     * maxLagGrowthFor}: Ramping(k) → Ramping(k-1), or kept at Ramping(0).
     */
    STEPPED_BACK
  }
}
