package io.syncgate.policy.gating;

import java.util.Locale;
import java.util.Optional;

/** What an operator can ask of one replica of a gate (docs/design.md, "Operator actions"). */
public enum ActionVerb {
  /** Keep its phase and step; ejection still applies. */
  HOLD,
  /** Undo a hold or an abort. */
  RESUME,
  /** A full share now, if its lag is within admission.maxLag. */
  PROMOTE,
  /** Weight 0 now and until resumed. */
  ABORT,
  /** Pass its next approval point (admission.requireApproval, ramp.pauseAt). */
  APPROVE;

  /** The word in a request and in {@code status.lastActions[].action}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ActionVerb> fromWord(String word) {
    for (ActionVerb v : values()) {
      if (v.word().equals(word)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
