package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One replica as the gate's status persists it ({@code status.replicas[]}), the input of {@link
 * GateRestore#restore}. Nullable fields are the ones a status may lack.
 *
 * @param name member (pod) name
 * @param phase stored phase; null is read as {@link Phase#UNKNOWN}
 * @param step stored ramp step index (meaningful while Ramping)
 * @param weight stored route weight, or null
 * @param since stored time of the last phase change, or null
 * @param lagBytes stored replay lag in bytes, or null
 * @param lagSeconds stored replay lag in seconds, or null
 * @param reason stored reason, or null
 * @param control stored held / aborted / approved ({@link ReplicaState.Control#NONE} when absent)
 */
public record StoredReplica(
    String name,
    Phase phase,
    int step,
    Integer weight,
    Instant since,
    Long lagBytes,
    Double lagSeconds,
    String reason,
    ReplicaState.Control control) {

  public StoredReplica {
    Objects.requireNonNull(name, "name");
    control = control == null ? ReplicaState.Control.NONE : control;
  }

  /** A stored replica no operator touched. */
  public StoredReplica(
      String name,
      Phase phase,
      int step,
      Integer weight,
      Instant since,
      Long lagBytes,
      Double lagSeconds,
      String reason) {
    this(name, phase, step, weight, since, lagBytes, lagSeconds, reason, ReplicaState.Control.NONE);
  }

  /** What status persists of {@code replica}, with its weight in {@code route} (0 if absent). */
  public static StoredReplica of(ReplicaState replica, Optional<Route> route) {
    return new StoredReplica(
        replica.name(),
        replica.phase(),
        replica.step(),
        route.map(r -> r.weightOf(replica.name())).orElse(0),
        replica.since(),
        replica.lagBytes(),
        replica.lagSeconds(),
        replica.reason(),
        replica.control());
  }
}
