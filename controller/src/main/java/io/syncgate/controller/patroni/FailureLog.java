package io.syncgate.controller.patroni;

import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SampleFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a member's unusable Patroni answers, each (member, failure kind) at most once per {@link
 * #INTERVAL}: a member that is down for an hour gives 60 lines, not 3,600. Time is passed in (the
 * tick's time), so the rate limit is testable. Lines carry the gate, member, kind and the sample's
 * short reason, never credentials or bodies.
 */
public final class FailureLog {

  /** At most one line per (member, kind) in this interval. */
  public static final Duration INTERVAL = Duration.ofMinutes(1);

  private static final Logger DEFAULT_LOGGER = LoggerFactory.getLogger(FailureLog.class);

  private final String gate;
  private final Logger logger;
  private final Map<Key, Instant> lastLogged = new HashMap<>();
  private Instant lastPruned = Instant.MIN;

  private record Key(String member, SampleFailure kind) {}

  /**
   * @param gate the gate's identity on every line, e.g. {@code ReplicaGate(db/hippo-reads)}
   */
  public FailureLog(String gate) {
    this(gate, DEFAULT_LOGGER);
  }

  FailureLog(String gate, Logger logger) {
    this.gate = Objects.requireNonNull(gate, "gate");
    this.logger = Objects.requireNonNull(logger, "logger");
  }

  /**
   * Whether a failure of this kind for this member should be logged at {@code now}; records it as
   * logged when it should.
   */
  public synchronized boolean shouldLog(String member, SampleFailure kind, Instant now) {
    pruneOlderThan(now);
    Key key = new Key(member, kind);
    Instant last = lastLogged.get(key);
    if (last != null && now.isBefore(last.plus(INTERVAL))) {
      return false;
    }
    lastLogged.put(key, now);
    return true;
  }

  /** Logs a failed sample if its (member, kind) was not logged in the last interval. */
  public void log(MemberSample sample, Instant now) {
    if (sample.usable() || !shouldLog(sample.member(), sample.failure(), now)) {
      return;
    }
    logger.warn(
        "{}: Patroni of member {} gave no usable answer ({}): {}",
        gate,
        sample.member(),
        sample.failure().label(),
        sample.reason());
  }

  /** Forgets entries that can no longer suppress anything, so departed pods do not pile up. */
  private void pruneOlderThan(Instant now) {
    if (now.isBefore(lastPruned.plus(INTERVAL))) {
      return;
    }
    lastPruned = now;
    Instant horizon = now.minus(INTERVAL);
    for (Iterator<Instant> it = lastLogged.values().iterator(); it.hasNext(); ) {
      if (!it.next().isAfter(horizon)) {
        it.remove();
      }
    }
  }

  synchronized int size() {
    return lastLogged.size();
  }
}
