package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator action the gate took or refused, as {@code status.lastActions} keeps it.
 *
 * @param id the request's id
 * @param action the action's word (hold, resume, ...), or what the malformed request said
 * @param replica the replica it was about, or null when the request named none
 * @param by who asked, as the client said, or null
 * @param requestedAt when, as the client said (wall time), or null
 * @param appliedAt when the gate took it (the core's clock)
 * @param applied true when applied, false when refused
 * @param message what it did, or why it was refused
 */
public record ActionRecord(
    String id,
    String action,
    String replica,
    String by,
    Instant requestedAt,
    Instant appliedAt,
    boolean applied,
    String message) {

  public ActionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
    message = SafeText.of(message, SafeText.MAX_REASON_CHARS);
  }

  static ActionRecord of(OperatorAction a, Instant at, boolean applied, String message) {
    return new ActionRecord(
        a.id(), a.verb().word(), a.replica(), a.by(), a.requestedAt(), at, applied, message);
  }

  /** A request that could not be read: refused with why. */
  public static ActionRecord malformed(String id, Instant at, String why) {
    return new ActionRecord(id, "unknown", null, null, null, at, false, "refused: " + why);
  }

  /** A request the gate took. */
  public static ActionRecord applied(OperatorAction a, Instant at, String message) {
    return of(a, at, true, message);
  }

  /** A request the gate refused. */
  public static ActionRecord refused(OperatorAction a, Instant at, String why) {
    return of(a, at, false, "refused: " + why);
  }
}
