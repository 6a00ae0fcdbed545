package io.syncgate.e2e.scenario;

/**
 * What one sampler tick saw of one member.
 *
 * @param name member (and pod) name
 * @param role {@code role} from {@code GET /patroni}; null when Patroni did not answer
 * @param state {@code state} from {@code GET /patroni}
 * @param timeline {@code timeline} from {@code GET /patroni}
 * @param replayPaused {@code xlog.paused} from {@code GET /patroni} (replicas)
 * @param readiness HTTP status of {@code GET /readiness}; 0 for no answer
 * @param replicaLagZero HTTP status of {@code GET /replica?lag=0MB}; 0 for no answer
 * @param walBytes asked of PostgreSQL directly: {@code pg_current_wal_lsn()} on the leader, {@code
 *     pg_last_wal_replay_lsn()} on a replica, in bytes; null when it could not be asked
 */
public record MemberView(
    String name,
    String role,
    String state,
    Long timeline,
    Boolean replayPaused,
    int readiness,
    int replicaLagZero,
    Long walBytes) {

  /** Patroni 3.x calls the leader "master", 4.x "primary". */
  public boolean leader() {
    return "master".equals(role) || "primary".equals(role);
  }

  public boolean running() {
    return "running".equals(state);
  }
}
