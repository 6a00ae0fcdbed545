package io.syncgate.policy.gating;

/**
 * The role a member reports in {@code GET /patroni}. Patroni says {@code master} up to 3.x and
 * {@code primary} from 4.0; both mean {@link #LEADER}.
 */
public enum PatroniRole {
  /** {@code master}, {@code primary} or {@code leader}: the read-write leader. */
  LEADER,
  /** {@code standby_leader}: leader of a standby cluster, itself in recovery. */
  STANDBY_LEADER,
  /** {@code replica}. */
  REPLICA,
  /** Any other value Patroni may report (e.g. {@code uninitialized}); never admissible. */
  OTHER;

  public boolean isLeader() {
    return this == LEADER || this == STANDBY_LEADER;
  }
}
