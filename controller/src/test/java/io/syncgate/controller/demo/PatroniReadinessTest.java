package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code /readiness} rules by release, against Patroni's own {@code api.py}: 3.0.2's
 * {@code do_GET_readiness} and 4.1.4's {@code _readiness}.
 */
class PatroniReadinessTest {

  private static final long MIB = 1L << 20;
  private static final long LEADER = 100 * MIB;

  private static PatroniReadiness.Member replica(
      String replicationState, OptionalLong dcs, long latestEnd, long received, long replayed) {
    return new PatroniReadiness.Member(
        false, "running", replicationState, dcs, latestEnd, received, replayed);
  }

  private static int v41(PatroniReadiness.Member m) {
    return PatroniReadiness.v41(m, null, null, PatroniReadiness.DEFAULT_MAXIMUM_LAG_ON_FAILOVER)
        .status();
  }

  @Test
  void patroni302IsReadyForAnyRunningMemberHoweverFarBehind() {
    assertThat(PatroniReadiness.v302(false, "running").status()).isEqualTo(200);
    assertThat(PatroniReadiness.v302(true, "stopped").status()).isEqualTo(200);
    for (String state : List.of("starting", "stopped", "crashed", "restarting")) {
      assertThat(PatroniReadiness.v302(false, state).status()).as(state).isEqualTo(503);
    }
  }

  @Test
  void patroni41IsReadyForTheLeaderWhateverElseItKnows() {
    PatroniReadiness.Member leader =
        new PatroniReadiness.Member(true, "stopped", null, OptionalLong.empty(), 0, 0, 0);
    assertThat(PatroniReadiness.v41(leader, "0", "write", 0))
        .isEqualTo(PatroniReadiness.Answer.READY);
  }

  @Test
  void patroni41HoldsBackAReplicaThatIsNotRunningOrNotStreaming() {
    PatroniReadiness.Member stopped =
        new PatroniReadiness.Member(
            false, "starting", "streaming", OptionalLong.of(LEADER), LEADER, LEADER, LEADER);
    assertThat(PatroniReadiness.v41(stopped, null, null, MIB))
        .isEqualTo(PatroniReadiness.Answer.notReady("PostgreSQL is not running"));
    for (String state : Arrays.asList(null, "in archive recovery", "catchup")) {
      assertThat(
              PatroniReadiness.v41(
                  replica(state, OptionalLong.of(LEADER), LEADER, LEADER, LEADER), null, null, MIB))
          .as("replication_state %s", state)
          .isEqualTo(
              PatroniReadiness.Answer.notReady("PostgreSQL replication state is not streaming"));
    }
  }

  @Test
  void patroni41WithoutAnyLeaderPositionSaysTheDcsIsNotAccessible() {
    assertThat(
            PatroniReadiness.v41(
                replica("streaming", OptionalLong.empty(), 0, 0, 0), null, null, MIB))
        .isEqualTo(PatroniReadiness.Answer.notReady("DCS is not accessible"));
    // The WAL receiver alone is enough.
    assertThat(v41(replica("streaming", OptionalLong.empty(), LEADER, LEADER, LEADER)))
        .isEqualTo(200);
  }

  @Test
  void patroni41MeasuresLagFromTheFurtherOfTheDcsAndTheWalReceiver() {
    long replayed = LEADER - 2 * MIB;
    // A stale DCS (written a loop_wait ago) alone would pass it; the WAL receiver does not.
    assertThat(
            PatroniReadiness.v41(
                replica("streaming", OptionalLong.of(replayed), LEADER, LEADER, replayed),
                null,
                null,
                MIB))
        .isEqualTo(
            PatroniReadiness.Answer.notReady(
                "Replication apply lag 2097152 exceeds maximum allowable 1048576"));
    // And the other way round: the DCS is ahead of what the receiver reported.
    assertThat(v41(replica("streaming", OptionalLong.of(LEADER), replayed, replayed, replayed)))
        .isEqualTo(503);
    // At exactly maximum_lag_on_failover it is ready: only a lag above it fails.
    assertThat(v41(replica("streaming", OptionalLong.of(LEADER), 0, LEADER - MIB, LEADER - MIB)))
        .isEqualTo(200);
    assertThat(
            v41(
                replica(
                    "streaming", OptionalLong.of(LEADER), 0, LEADER - MIB - 1, LEADER - MIB - 1)))
        .isEqualTo(503);
  }

  @Test
  void patroni41TakesTheLagParameterOrElseMaximumLagOnFailoverAndModeWriteUsesReceived() {
    PatroniReadiness.Member received =
        replica("streaming", OptionalLong.of(LEADER), LEADER, LEADER, LEADER - 10 * MIB);
    assertThat(PatroniReadiness.v41(received, null, null, MIB).status()).isEqualTo(503);
    assertThat(PatroniReadiness.v41(received, "16MB", null, MIB).status()).isEqualTo(200);
    assertThat(PatroniReadiness.v41(received, "10485760", null, MIB).status()).isEqualTo(200);
    assertThat(PatroniReadiness.v41(received, "10485759", null, MIB).status()).isEqualTo(503);
    // An unreadable lag falls back to maximum_lag_on_failover.
    assertThat(PatroniReadiness.v41(received, "lots", null, 16 * MIB).status()).isEqualTo(200);
    assertThat(PatroniReadiness.v41(received, "lots", null, MIB).status()).isEqualTo(503);
    // mode=write: received, not replayed; anything else is apply.
    assertThat(PatroniReadiness.v41(received, null, "write", MIB))
        .isEqualTo(PatroniReadiness.Answer.READY);
    assertThat(PatroniReadiness.v41(received, null, "apply", MIB).status()).isEqualTo(503);
    assertThat(PatroniReadiness.v41(received, null, "WRITE", MIB).status()).isEqualTo(503);
  }

  /**
   * Every combination of role, state, replication state, DCS position, WAL receiver position,
   * replayed position and parameter, against the rule stated the other way round: ready exactly
   * when the member leads, or runs and streams with a known leader position no further than the
   * limit ahead of what it replayed.
   */
  @Test
  void patroni41EveryCombination() {
    List<OptionalLong> dcsPositions = new ArrayList<>();
    dcsPositions.add(OptionalLong.empty());
    for (long p : new long[] {0, LEADER - 3 * MIB, LEADER - MIB, LEADER}) {
      dcsPositions.add(OptionalLong.of(p));
    }
    long[] receiverPositions = {0, LEADER - 2 * MIB, LEADER};
    long[] lags = {0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB, 50 * MIB};
    String[] lagParameters = {null, "0", "1MB", "4MB", "x"};
    int cases = 0;
    for (boolean leader : new boolean[] {true, false}) {
      for (String state : new String[] {"running", "starting", "stopped"}) {
        for (String replication : new String[] {"streaming", "in archive recovery", null}) {
          for (OptionalLong dcs : dcsPositions) {
            for (long receiver : receiverPositions) {
              for (long lag : lags) {
                for (String lagParameter : lagParameters) {
                  for (String mode : new String[] {null, "write"}) {
                    long replayed = Math.max(0, LEADER - lag);
                    long received = Math.min(LEADER, replayed + MIB / 2);
                    PatroniReadiness.Member m =
                        new PatroniReadiness.Member(
                            leader, state, replication, dcs, receiver, received, replayed);
                    long limit =
                        switch (String.valueOf(lagParameter)) {
                          case "0" -> 0;
                          case "1MB" -> MIB;
                          case "4MB" -> 4 * MIB;
                          default -> MIB; // none, or unreadable: maximum_lag_on_failover
                        };
                    long position = Math.max(dcs.orElse(0), receiver);
                    boolean positionKnown = dcs.isPresent() || receiver != 0;
                    long behind = position - ("write".equals(mode) ? received : replayed);
                    boolean ready =
                        leader
                            || ("running".equals(state)
                                && "streaming".equals(replication)
                                && positionKnown
                                && behind <= limit);
                    PatroniReadiness.Answer answer =
                        PatroniReadiness.v41(m, lagParameter, mode, MIB);
                    assertThat(answer.status())
                        .as("%s, lag %s, %s", m, lagParameter, mode)
                        .isEqualTo(ready ? 200 : 503);
                    assertThat(answer.reason() == null).isEqualTo(ready);
                    cases++;
                  }
                }
              }
            }
          }
        }
      }
    }
    assertThat(cases).isEqualTo(2 * 3 * 3 * 5 * 3 * 7 * 5 * 2);
  }

  @Test
  void lagAwareFrom41() {
    assertThat(PatroniReadiness.lagAware("3.0.2")).isFalse();
    assertThat(PatroniReadiness.lagAware("4.0.7")).isFalse();
    assertThat(PatroniReadiness.lagAware("4.1.4")).isTrue();
    assertThat(PatroniReadiness.lagAware("4.1")).isTrue();
    assertThat(PatroniReadiness.lagAware("4.2.0")).isTrue();
    assertThat(PatroniReadiness.lagAware("5.0.0")).isTrue();
    assertThat(PatroniReadiness.lagAware("x")).isFalse();
  }
}
