package io.syncgate.controller.demo;

import java.util.OptionalLong;

/**
 * What a Patroni member answers to {@code GET /readiness}, by release: the rules of Patroni's own
 * {@code api.py}, as pure functions of what the member knows. Pure: the simulator feeds them a
 * member's state.
 *
 * <ul>
 *   <li>3.0.2 ({@code do_GET_readiness}): 200 for the leader and for any member whose PostgreSQL is
 *       running, however far behind; 503 otherwise.
 *   <li>4.1 ({@code _readiness} at tag v4.1.4): 200 for the leader. A replica: 503 when PostgreSQL
 *       is not running, or its {@code replication_state} is not {@code streaming}, or neither the
 *       DCS nor the WAL receiver gives a leader position ("DCS is not accessible"; failsafe mode,
 *       which answers 200 there, is not simulated). Otherwise its lag is the leader position, the
 *       larger of the DCS's {@code last_lsn} (written by the leader once per {@code loop_wait}) and
 *       the WAL receiver's {@code latest_end_lsn}, minus its replayed position ({@code
 *       ?mode=write}: its received position); 503 when that lag is above {@code ?lag=} or, without
 *       a readable one, above {@code maximum_lag_on_failover}.
 * </ul>
 */
final class PatroniReadiness {

  /** Patroni's default {@code maximum_lag_on_failover}: 1 MiB. */
  static final long DEFAULT_MAXIMUM_LAG_ON_FAILOVER = 1048576;

  /** One answer: the HTTP status, and the reason Patroni logs for a 503 (null for 200). */
  record Answer(int status, String reason) {
    static final Answer READY = new Answer(200, null);

    static Answer notReady(String reason) {
      return new Answer(503, reason);
    }
  }

  /** What a member knows when it is asked. */
  record Member(
      boolean leader,
      String state,
      String replicationState,
      OptionalLong dcsLastLsn,
      long latestEndLsn,
      long receivedLocation,
      long replayedLocation) {}

  private PatroniReadiness() {}

  /** Patroni 3.0.2. */
  static Answer v302(boolean leader, String state) {
    return leader || "running".equals(state)
        ? Answer.READY
        : Answer.notReady("PostgreSQL is not running");
  }

  /**
   * Patroni 4.1.
   *
   * @param lagParameter the {@code lag} query parameter, or null
   * @param modeParameter the {@code mode} query parameter, or null
   */
  static Answer v41(
      Member m, String lagParameter, String modeParameter, long maximumLagOnFailover) {
    if (m.leader()) {
      return Answer.READY;
    }
    if (!"running".equals(m.state())) {
      return Answer.notReady("PostgreSQL is not running");
    }
    if (!"streaming".equals(m.replicationState())) {
      return Answer.notReady("PostgreSQL replication state is not streaming");
    }
    if (m.dcsLastLsn().isEmpty() && m.latestEndLsn() == 0) {
      return Answer.notReady("DCS is not accessible");
    }
    long leaderPosition = Math.max(m.dcsLastLsn().orElse(0), m.latestEndLsn());
    boolean write = "write".equals(modeParameter);
    long lag = leaderPosition - (write ? m.receivedLocation() : m.replayedLocation());
    Long parsed = PatroniSimulator.parseLagOrNull(lagParameter);
    long maxLag = parsed == null ? maximumLagOnFailover : parsed;
    if (lag > maxLag) {
      return Answer.notReady(
          "Replication "
              + (write ? "write" : "apply")
              + " lag "
              + lag
              + " exceeds maximum allowable "
              + maxLag);
    }
    return Answer.READY;
  }

  /** Whether a Patroni release's {@code /readiness} is lag-aware: 4.1 and later. */
  static boolean lagAware(String patroniVersion) {
    String[] parts = patroniVersion.split("\\.");
    int major = number(parts, 0);
    int minor = number(parts, 1);
    return major > 4 || (major == 4 && minor >= 1);
  }

  /** The major release of a Patroni version: 3 for 3.0.2; 0 when unreadable. */
  static int major(String patroniVersion) {
    return number(patroniVersion.split("\\."), 0);
  }

  private static int number(String[] parts, int index) {
    if (index >= parts.length) {
      return 0;
    }
    try {
      return Integer.parseInt(parts[index]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
