package io.syncgate.controller.kube;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a gate last learned about mesh objects of its own name that syncgate does not manage, and
 * when (on the monotonic clock).
 *
 * <p>The informers hold only objects labelled {@code app.kubernetes.io/managed-by: syncgate}, so a
 * foreign object of the gate's name never shows in them. It is found by a read of the kinds the
 * cache does not hold, or by a write that runs into it ({@link WriteOutcome.NotOwned}). Either
 * finding stands for {@link #RECHECK}: until then the gate keeps reporting the conflict (or keeps
 * going) without reading again, so a lasting conflict costs one read per kind every {@link
 * #RECHECK}, not one every tick.
 *
 * @param foreign the message naming the foreign objects, empty when none were found
 * @param checkedAt when they were looked for, on the monotonic clock
 */
record SameNameCheck(Optional<String> foreign, Instant checkedAt) {

  /** How long a finding stands before the objects are read again. */
  static final Duration RECHECK = Duration.ofSeconds(30);

  SameNameCheck {
    Objects.requireNonNull(foreign, "foreign");
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** Nothing foreign found at {@code now}. */
  static SameNameCheck clean(Instant now) {
    return new SameNameCheck(Optional.empty(), now);
  }

  /** Foreign objects found at {@code now}, named by {@code message}. */
  static SameNameCheck foreign(String message, Instant now) {
    return new SameNameCheck(Optional.of(message), now);
  }

  /** True when the finding is {@link #RECHECK} old or older at {@code now}. */
  boolean due(Instant now) {
    return !now.isBefore(checkedAt.plus(RECHECK));
  }
}
