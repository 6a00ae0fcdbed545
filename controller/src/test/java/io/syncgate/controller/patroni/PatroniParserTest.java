package io.syncgate.controller.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.GatePolicy;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.gating.SampleFailure;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PatroniParserTest {

  private static MemberSample fixture(String member, String path) {
    return PatroniParser.parse(member, Fixtures.bytes(path));
  }

  private static MemberSample parse(String json) {
    return PatroniParser.parse("pg-1", json);
  }

  /** A running replica as Patroni {@code version} reports it; the test adds the rest. */
  private static MemberSample.Builder runningReplica(String member, String version) {
    return MemberSample.builder(member)
        .role(PatroniRole.REPLICA)
        .state("running")
        .patroniVersion(version);
  }

  private static MemberSample leader(
      String member, PatroniRole role, long timeline, long location, String version) {
    return MemberSample.builder(member)
        .role(role)
        .state("running")
        .timeline(timeline)
        .location(location)
        .patroniVersion(version)
        .build();
  }

  private static void assertBad(MemberSample sample, String reason) {
    assertThat(sample.usable()).isFalse();
    assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
    assertThat(sample.reason()).isEqualTo(reason);
    assertThat(sample.member()).isEqualTo("pg-1");
  }

  @Nested
  class RecordedFromPatroni302 {

    @Test
    void leaderSaysMasterAndItsWritePosition() {
      assertThat(fixture("nodeA", "3.0.2/leader.json"))
          .isEqualTo(leader("nodeA", PatroniRole.LEADER, 1, 69_731_984L, "3.0.2"));
    }

    @Test
    void caughtUpReplica() {
      assertThat(fixture("nodeB", "3.0.2/replica-caught-up.json"))
          .isEqualTo(
              runningReplica("nodeB", "3.0.2")
                  .timeline(1)
                  .receivedLocation(69_731_984L)
                  .replayedLocation(69_731_984L)
                  .replayedTimestamp(Instant.parse("2026-11-28T17:32:54.905319Z"))
                  .build());
    }

    @Test
    void replicaWithReplayPausedHasReceivedButNotReplayed() {
      assertThat(fixture("nodeB", "3.0.2/replica-replay-paused.json"))
          .isEqualTo(
              runningReplica("nodeB", "3.0.2")
                  .timeline(1)
                  .receivedLocation(89_003_776L)
                  .replayedLocation(69_731_984L)
                  .replayedTimestamp(Instant.parse("2026-11-28T17:32:54.905319Z"))
                  .replayPaused(true)
                  .build());
    }

    @Test
    void leaderInMaintenanceMode() {
      assertThat(fixture("nodeA", "3.0.2/leader-while-paused.json"))
          .isEqualTo(leader("nodeA", PatroniRole.LEADER, 1, 89_003_776L, "3.0.2"));
    }

    @Test
    void restoringReplicaOfTheLaggingCluster() {
      assertThat(fixture("nodeC", "3.0.2/lagging-cluster-replica-restoring.json"))
          .isEqualTo(
              runningReplica("nodeC", "3.0.2")
                  .timeline(1)
                  .receivedLocation(670_795_960L)
                  .replayedLocation(670_795_960L)
                  .replayedTimestamp(Instant.parse("2026-11-28T16:40:28.985406Z"))
                  .build());
      assertThat(fixture("nodeA", "3.0.2/lagging-cluster-leader.json"))
          .isEqualTo(leader("nodeA", PatroniRole.LEADER, 1, 739_162_424L, "3.0.2"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "3.0.2/cluster-caught-up.json",
          "3.0.2/cluster-replay-paused.json",
          "3.0.2/lagging-cluster-cluster.json"
        })
    void aClusterAnswerIsNotAMemberAnswer(String path) {
      MemberSample sample = PatroniParser.parse("pg-1", Fixtures.bytes(path));
      assertBad(sample, "missing role");
    }
  }

  @Nested
  class LagFromRecordedAnswers {

    private final Instant tick = Instant.parse("2026-11-28T17:33:10Z");

    @Test
    void replayPausedReplicaIsBehindByWhatItReceivedButDidNotReplay() {
      ClusterSnapshot snapshot =
          ClusterSnapshot.of(
              List.of(
                  fixture("nodeA", "3.0.2/leader-while-paused.json"),
                  fixture("nodeB", "3.0.2/replica-replay-paused.json")),
              tick);
      assertThat(snapshot.leader()).isEqualTo("nodeA");
      assertThat(snapshot.leaderTimeline()).isEqualTo(1L);
      // /cluster said "lag": 0 at this very moment (receive lag); replay lag is what counts.
      // Time lag: 17:33:10 - 17:32:54.905319, to the millisecond.
      assertThat(snapshot.lags())
          .containsExactlyEntriesOf(
              java.util.Map.of(
                  "nodeB", new ClusterSnapshot.Lag(89_003_776L - 69_731_984L, 15.094)));
    }

    @Test
    void caughtUpReplicaHasNoLagInBytesOrTime() {
      ClusterSnapshot snapshot =
          ClusterSnapshot.of(
              List.of(
                  fixture("nodeB", "3.0.2/replica-caught-up.json"),
                  fixture("nodeA", "3.0.2/leader.json")),
              tick);
      assertThat(snapshot.lags())
          .containsExactlyEntriesOf(java.util.Map.of("nodeB", new ClusterSnapshot.Lag(0, 0.0)));
    }

    @Test
    void restoringReplicaOfTheLaggingCluster() {
      ClusterSnapshot snapshot =
          ClusterSnapshot.of(
              List.of(
                  fixture("nodeA", "3.0.2/lagging-cluster-leader.json"),
                  fixture("nodeC", "3.0.2/lagging-cluster-replica-restoring.json")),
              Instant.parse("2026-11-28T16:40:48.032Z"));
      assertThat(snapshot.lags().get("nodeC"))
          .isEqualTo(new ClusterSnapshot.Lag(739_162_424L - 670_795_960L, 19.046));
    }
  }

  /**
   * Answers of a real Patroni 4.1.4 cluster (see 4.1.4/README.md): a member restored from an older
   * backup replays from the archive ({@code in archive recovery}) and switches to streaming once it
   * has caught up; Patroni's own {@code /readiness} said 503 all that time.
   */
  @Nested
  class RecordedFromPatroni414 {

    private static final long CAUGHT_UP = 1_675_511_544L;

    @Test
    void leaderSaysPrimary() {
      assertThat(fixture("hippo-0", "4.1.4/leader.json"))
          .isEqualTo(leader("hippo-0", PatroniRole.LEADER, 1, 204_171_216L, "4.1.4"));
    }

    @Test
    void streamingReplica() {
      assertThat(fixture("hippo-1", "4.1.4/replica-streaming.json"))
          .isEqualTo(
              runningReplica("hippo-1", "4.1.4")
                  .replicationState("streaming")
                  .timeline(1)
                  .receivedLocation(204_171_216L)
                  .replayedLocation(204_171_216L)
                  .replayedTimestamp(Instant.parse("2026-12-07T14:02:48.726573Z"))
                  .build());
    }

    @Test
    void restoredReplicaInArchiveRecovery() {
      assertThat(fixture("hippo-2", "4.1.4/restored-archive-recovery.json"))
          .isEqualTo(restoring(259_106_968L));
      // /replica?lag=1MB answered 503 with the same status body, half a MiB further on.
      assertThat(fixture("hippo-2", "4.1.4/restored-archive-recovery-replica-lag-1MB.json"))
          .isEqualTo(restoring(259_629_256L));
    }

    @Test
    void restoredReplicaCaughtUpStreams() {
      MemberSample expected =
          runningReplica("hippo-2", "4.1.4")
              .replicationState("streaming")
              .timeline(1)
              .receivedLocation(CAUGHT_UP)
              .replayedLocation(CAUGHT_UP)
              .replayedTimestamp(Instant.parse("2026-12-07T14:04:14.739802Z"))
              .build();
      assertThat(fixture("hippo-2", "4.1.4/restored-caught-up.json")).isEqualTo(expected);
      assertThat(fixture("hippo-2", "4.1.4/restored-caught-up-replica-lag-1MB.json"))
          .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "4.1.4/cluster-two-members.json",
          "4.1.4/restored-archive-recovery-cluster.json",
          "4.1.4/restored-caught-up-cluster.json"
        })
    void aClusterAnswerIsNotAMemberAnswer(String path) {
      assertBad(PatroniParser.parse("pg-1", Fixtures.bytes(path)), "missing role");
    }

    /**
     * Tick by tick with the default policy: the restored replica in archive recovery stays Gated
     * even against a leader position it has already replayed (lag 0), for longer than {@code
     * stableFor}; its caught-up, streaming answer is admitted once it has been admissible for
     * {@code stableFor}.
     */
    @Test
    void archiveRecoveryIsNotAdmissibleStreamingIsAdmitted() {
      GatePolicy policy = policy();
      MemberSample recordedLeader = fixture("hippo-0", "4.1.4/leader.json");
      MemberSample restoring = fixture("hippo-2", "4.1.4/restored-archive-recovery.json");
      MemberSample caughtUp = fixture("hippo-2", "4.1.4/restored-caught-up.json");
      Instant now = Instant.parse("2026-12-07T14:03:50Z");
      GateState state = GateState.empty();
      for (int s = 0; s <= 3 * policy.stableFor().toSeconds(); s++) {
        MemberSample leaderThen =
            recordedLeader.toBuilder().location(restoring.replayedLocation()).build();
        state = tick(state, now, leaderThen, restoring);
        assertThat(state.replicas().get("hippo-2"))
            .as("after %d s in archive recovery", s)
            .satisfies(
                r -> {
                  assertThat(r.phase()).isEqualTo(Phase.GATED);
                  assertThat(r.reason()).isEqualTo("replication state in archive recovery");
                });
        now = now.plusSeconds(1);
      }
      Instant streamingFrom = now;
      MemberSample leaderLater = recordedLeader.toBuilder().location(CAUGHT_UP).build();
      while (state.replicas().get("hippo-2").phase() == Phase.GATED) {
        assertThat(Duration.between(streamingFrom, now))
            .as("still Gated while streaming and caught up")
            .isLessThanOrEqualTo(policy.stableFor());
        state = tick(state, now, leaderLater, caughtUp);
        now = now.plusSeconds(1);
      }
      assertThat(state.replicas().get("hippo-2").phase()).isEqualTo(Phase.RAMPING);
      assertThat(Duration.between(streamingFrom, now.minusSeconds(1)))
          .isEqualTo(policy.stableFor());
    }

    private static GateState tick(GateState state, Instant now, MemberSample... samples) {
      return GatingStep.step(state, ClusterSnapshot.of(List.of(samples), now), policy(), now)
          .state();
    }

    private static GatePolicy policy() {
      return GatePolicy.defaults();
    }

    private static MemberSample restoring(long position) {
      return runningReplica("hippo-2", "4.1.4")
          .replicationState("in archive recovery")
          .timeline(1)
          .receivedLocation(position)
          .replayedLocation(position)
          .replayedTimestamp(Instant.parse("2026-12-07T14:03:01.522287Z"))
          .build();
    }
  }

  @Nested
  class DocumentedPatroni4Shapes {

    @Test
    void primaryRoleIsTheLeaderAndTheBodyNameDoesNotRenameTheMember() {
      assertThat(fixture("pod-a", "4.x/primary.json"))
          .isEqualTo(leader("pod-a", PatroniRole.LEADER, 2, 83_886_080L, "4.0.4"));
    }

    @Test
    void streamingReplicaKeepsItsReplicationState() {
      assertThat(fixture("pg-1", "4.x/replica-streaming.json"))
          .isEqualTo(
              runningReplica("pg-1", "4.0.4")
                  .replicationState("streaming")
                  .timeline(2)
                  .receivedLocation(83_886_080L)
                  .replayedLocation(83_820_544L)
                  .replayedTimestamp(Instant.parse("2026-11-28T09:20:11.004512Z"))
                  .build());
    }

    @Test
    void replicaInArchiveRecovery() {
      assertThat(fixture("pg-2", "4.x/replica-archive-recovery.json"))
          .isEqualTo(
              runningReplica("pg-2", "4.0.4")
                  .replicationState("in archive recovery")
                  .timeline(2)
                  .receivedLocation(50_331_648L)
                  .replayedLocation(50_331_648L)
                  .replayedTimestamp(Instant.parse("2026-11-28T08:58:47.500Z"))
                  .build());
    }

    @Test
    void synchronousStandbyIsAReplicaWithoutReplayTimestamp() {
      assertThat(fixture("pg-1", "4.x/replica-sync-standby.json"))
          .isEqualTo(
              runningReplica("pg-1", "4.1.0")
                  .replicationState("streaming")
                  .timeline(2)
                  .receivedLocation(83_886_080L)
                  .replayedLocation(83_886_080L)
                  .build());
    }

    @Test
    void standbyLeaderIsInRecoveryAndItsReplayedPositionIsTheReference() {
      MemberSample standbyLeader = fixture("standby-0", "4.x/standby-leader.json");
      assertThat(standbyLeader)
          .isEqualTo(
              MemberSample.builder("standby-0")
                  .role(PatroniRole.STANDBY_LEADER)
                  .state("running")
                  .replicationState("streaming")
                  .timeline(2)
                  .receivedLocation(92_274_688L)
                  .replayedLocation(92_209_152L)
                  .replayedTimestamp(Instant.parse("2026-11-28T10:05:40.218733Z"))
                  .patroniVersion("4.0.4")
                  .build());
      assertThat(standbyLeader.referencePosition()).isEqualTo(92_209_152L);

      MemberSample follower = MemberSample.replica("standby-1", 2, 92_274_688L, 92_143_616L, null);
      ClusterSnapshot snapshot =
          ClusterSnapshot.of(
              List.of(standbyLeader, follower), Instant.parse("2026-11-28T10:06:00Z"));
      assertThat(snapshot.leader()).isEqualTo("standby-0");
      assertThat(snapshot.lags().get("standby-1"))
          .isEqualTo(new ClusterSnapshot.Lag(92_209_152L - 92_143_616L, null));
    }

    @Test
    void stoppedReplicaIsAUsableSampleWithoutPositions() {
      assertThat(fixture("pg-2", "4.x/replica-stopped.json"))
          .isEqualTo(
              MemberSample.builder("pg-2")
                  .role(PatroniRole.REPLICA)
                  .state("stopped")
                  .patroniVersion("4.0.4")
                  .build());
    }

    @Test
    void unknownTimelineBecomesZeroWhichMatchesNoLeader() {
      MemberSample sample = fixture("pg-2", "4.x/replica-timeline-unknown.json");
      assertThat(sample.usable()).isTrue();
      assertThat(sample.timeline()).isZero();
      assertThat(sample.replayedLocation()).isEqualTo(16_777_216L);
    }

    @Test
    void documentationExampleOfAReplicaWithALeaderXlogIsRejected() {
      MemberSample sample = fixture("pg-1", "4.x/docs-replica-with-leader-xlog.json");
      assertBad(sample, "missing xlog.replayed_location");
    }
  }

  @Nested
  class Roles {

    @ParameterizedTest
    @CsvSource({
      "master, LEADER",
      "primary, LEADER",
      "leader, LEADER",
      "standby_leader, STANDBY_LEADER",
      "replica, REPLICA",
      "uninitialized, OTHER",
      "demoted, OTHER",
      "MASTER, OTHER"
    })
    void rolesMapToPatroniRole(String role, PatroniRole expected) {
      assertThat(PatroniParser.roleOf(role)).isEqualTo(expected);
    }

    @Test
    void unknownRoleWithAWritePositionIsKeptButIsNoLeader() {
      MemberSample sample =
          parse(
              "{\"state\":\"running\",\"role\":\"demoted\",\"timeline\":3,\"xlog\":{\"location\":5}}");
      assertThat(sample.usable()).isTrue();
      assertThat(sample.role()).isEqualTo(PatroniRole.OTHER);
      assertThat(sample.location()).isEqualTo(5L);
    }
  }

  /**
   * Strings meant to harm what they reach: reasons, log lines, events, status. Whatever the answer,
   * every text of the sample is printable and short; the values Patroni really sends are kept.
   */
  @Nested
  class HostileStrings {

    private static final String HUGE = "h".repeat(60 * 1024);

    private static void assertSafe(MemberSample sample) {
      for (String text :
          new String[] {
            sample.state(), sample.replicationState(), sample.patroniVersion(), sample.reason()
          }) {
        if (text != null) {
          assertThat(SafeText.printable(text)).as("printable: %s", text).isTrue();
          assertThat(text.length()).isLessThanOrEqualTo(SafeText.MAX_SAMPLE_REASON_CHARS);
        }
      }
    }

    private static byte[] concat(String before, byte[] middle, String after) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
      out.writeBytes(middle);
      out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }

    @Test
    void controlAndFormatCharactersBecomeQuestionMarksAndTheRestIsKept() {
      MemberSample sample = fixture("pg-1", "hostile/replica-control-characters.json");

      assertThat(sample)
          .isEqualTo(
              runningReplica("pg-1", "4.0.4?????")
                  .state("running?2026-12-07 10:00:00 ERROR io.syncgate forged line")
                  .replicationState("?[31mstreaming?[0m")
                  .timeline(2)
                  .receivedLocation(83_886_080L)
                  .replayedLocation(83_820_544L)
                  .replayedTimestamp(Instant.parse("2026-11-28T09:20:11.004512Z"))
                  .build());
      assertSafe(sample);
    }

    @Test
    void sixtyKibibyteValuesAreCutToTheFieldCap() {
      MemberSample sample =
          parse(
              "{\"role\":\"replica\",\"state\":\""
                  + HUGE
                  + "\",\"replication_state\":\""
                  + HUGE
                  + "\",\"patroni\":{\"version\":\""
                  + HUGE
                  + "\"},\"timeline\":1,\"xlog\":{\"replayed_location\":5}}");

      assertThat(sample.usable()).isTrue();
      String cut = "h".repeat(SafeText.MAX_FIELD_CHARS - 1) + "…";
      assertThat(sample.state()).isEqualTo(cut);
      assertThat(sample.replicationState()).isEqualTo(cut);
      assertThat(sample.patroniVersion()).isEqualTo(cut);
    }

    @Test
    void aSixtyKibibyteRoleIsJustAnotherRole() {
      MemberSample sample =
          parse(
              "{\"role\":\"replica\\n"
                  + HUGE
                  + "\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5}}");
      assertThat(sample.usable()).isTrue();
      assertThat(sample.role()).isEqualTo(PatroniRole.OTHER);
    }

    @Test
    void aHostileValueQuotedInAReasonIsShortAndPrintable() {
      MemberSample sample =
          parse(
              "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,"
                  + "\"replayed_timestamp\":\"\\u001b[2J\\r\\nyesterday"
                  + HUGE
                  + "\"}}");
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason())
          .startsWith("xlog.replayed_timestamp is not a timestamp: ?[2J yesterdayhhh")
          .endsWith("…");
      assertSafe(sample);
    }

    @Test
    void aParserMessageQuotingTheBodyIsPrintable() {
      MemberSample duplicate =
          parse(
              "{\"\\u001b[31m\\u0007\":1,\"\\u001b[31m\\u0007\":2,"
                  + "\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":1}}");
      assertThat(duplicate.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(duplicate.reason()).isEqualTo("not JSON: Duplicate field '?[31m?'");

      assertSafe(parse("\u001b]0;owned\u0007\r\nHTTP/1.1 200 OK"));
      assertSafe(parse("{\"role\":\"master\",\"state\":\"running\u0000\"}"));
    }

    @Test
    void escapedNulAndLoneSurrogatesBecomeQuestionMarks() {
      MemberSample sample =
          parse(
              "{\"role\":\"replica\",\"state\":\"running\\u0000\",\"replication_state\":"
                  + "\"\\ud800streaming\\udfff\",\"xlog\":{\"replayed_location\":5}}");
      assertThat(sample.state()).isEqualTo("running?");
      assertThat(sample.replicationState()).isEqualTo("?streaming?");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "ff", // never valid in UTF-8
          "c080", // an overlong NUL
          "eda080", // a surrogate encoded as if it were a character (CESU-8)
          "e9", // Latin-1 é
          "f4908080", // above U+10FFFF
          "1b5b324a0d0a" // ESC [ 2 J CR LF, raw
        })
    void bytesThatAreNotUtf8OrNotPrintableNeverReachAReasonRaw(String hex) {
      byte[] raw = java.util.HexFormat.of().parseHex(hex);
      MemberSample inState =
          PatroniParser.parse(
              "pg-1",
              concat(
                  "{\"role\":\"replica\",\"state\":\"",
                  raw,
                  "\",\"xlog\":{\"replayed_location\":5}}"));
      MemberSample outsideStrings = PatroniParser.parse("pg-1", concat("{", raw, "}"));

      assertSafe(inState);
      assertSafe(outsideStrings);
      assertThat(outsideStrings.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
    }
  }

  @Nested
  class HostileInput {

    @Test
    void emptyBody() {
      assertBad(PatroniParser.parse("pg-1", new byte[0]), "empty body");
      assertBad(PatroniParser.parse("pg-1", (byte[]) null), "empty body");
      assertBad(parse("   \n"), "empty body");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "null | JSON of the wrong shape: expected an object, got null",
          "[] | JSON of the wrong shape: expected an object, got array",
          "[{\"role\":\"master\"}] | JSON of the wrong shape: expected an object, got array",
          "42 | JSON of the wrong shape: expected an object, got number",
          "\"running\" | JSON of the wrong shape: expected an object, got string",
          "true | JSON of the wrong shape: expected an object, got boolean",
          "{} | missing role",
          "{\"role\":\"replica\"} | missing state",
          "{\"role\":7,\"state\":\"running\"} | role is not a string (got number)",
          "{\"role\":\"replica\",\"state\":[]} | state is not a string (got array)",
          "{\"role\":\"replica\",\"state\":\"running\"} | missing xlog while state is running",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":[]} | xlog is not an object (got array)",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":\"0/3000000\"} | xlog is not an object (got string)",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{}} | missing xlog.replayed_location",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{}} | missing xlog.location",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":null}} | missing xlog.location",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":\"123\"}} | xlog.location is not a number (got string)",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":\"0/3000000\"}} | xlog.location is not a number (got string)",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":-1}} | xlog.location is negative",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":1.5}} | xlog.location is not an integer",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":1e400}} | xlog.location is not an integer",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":9223372036854775808}} | xlog.location is out of range",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":123456789012345678901234567890}} | xlog.location is out of range",
          "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":{}}} | xlog.location is not a number (got object)",
          "{\"role\":\"master\",\"state\":\"running\",\"timeline\":\"1\",\"xlog\":{\"location\":1}} | timeline is not a number (got string)",
          "{\"role\":\"master\",\"state\":\"running\",\"timeline\":-3,\"xlog\":{\"location\":1}} | timeline is negative",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":-5}} | xlog.replayed_location is negative",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,\"received_location\":true}} | xlog.received_location is not a number (got boolean)",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,\"paused\":\"false\"}} | xlog.paused is not a boolean (got string)",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,\"replayed_timestamp\":1795884047}} | xlog.replayed_timestamp is not a string (got number)",
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,\"replayed_timestamp\":\"yesterday\"}} | xlog.replayed_timestamp is not a timestamp: yesterday",
          "{\"role\":\"replica\",\"state\":\"running\",\"replication_state\":1,\"xlog\":{\"replayed_location\":5}} | replication_state is not a string (got number)",
          "{\"role\":\"replica\",\"state\":\"running\",\"patroni\":\"3.0.2\",\"xlog\":{\"replayed_location\":5}} | patroni is not an object (got string)",
        })
    void wrongShapesAndValuesSayWhatIsWrong(String body, String reason) {
      assertBad(parse(body), reason);
    }

    @Test
    void notJsonSaysSoBriefly() {
      MemberSample sample = parse("<html><body>502 Bad Gateway</body></html>");
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Unexpected character ('<'");
    }

    @Test
    void trailingGarbageAfterTheObjectIsRejected() {
      MemberSample sample =
          parse("{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":1}} {\"x\":1}");
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Trailing token");
    }

    @Test
    void duplicatedKeysAreRejectedNotResolvedByOrder() {
      MemberSample sample =
          parse(
              "{\"role\":\"replica\",\"role\":\"master\",\"state\":\"running\","
                  + "\"xlog\":{\"location\":1}}");
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Duplicate field 'role'");
    }

    @Test
    void deeplyNestedJunkStopsAtTheDepthLimit() {
      String deep = "[".repeat(100_000) + "]".repeat(100_000);
      MemberSample sample = parse(deep);
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Document nesting depth");

      String deepInside =
          "{\"role\":\"master\",\"state\":\"running\",\"x\":"
              + "{\"a\":".repeat(1000)
              + "1"
              + "}".repeat(1000)
              + ",\"xlog\":{\"location\":1}}";
      assertThat(parse(deepInside).reason()).startsWith("not JSON: Document nesting depth");
    }

    @Test
    void oneMebibyteOfJunkIsABadAnswerWithAShortReason() {
      byte[] junk = new byte[1024 * 1024];
      java.util.Arrays.fill(junk, (byte) 'x');
      MemberSample sample = PatroniParser.parse("pg-1", junk);
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Unrecognized token 'xxx");
      assertThat(sample.reason().length()).isLessThanOrEqualTo("not JSON: ".length() + 121);
    }

    @Test
    void oneMebibyteValidAnswerParses() {
      // The size cap lives in the client; the parser reads what it is given.
      String padding = "p".repeat(1024 * 1024);
      MemberSample sample =
          parse(
              "{\"role\":\"master\",\"state\":\"running\",\"padding\":\""
                  + padding
                  + "\",\"timeline\":4,\"xlog\":{\"location\":77}}");
      assertThat(sample).isEqualTo(leader("pg-1", PatroniRole.LEADER, 4, 77, null));
    }

    @Test
    void oneMebibyteStringOfDigitsWhereANumberBelongs() {
      MemberSample sample =
          parse(
              "{\"role\":\"master\",\"state\":\"running\",\"xlog\":{\"location\":"
                  + "9".repeat(1024 * 1024)
                  + "}}");
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Number value length");
    }

    @Test
    void invalidUtf8IsRejected() {
      byte[] prefix = "{\"role\":\"replica\",\"state\":\"".getBytes(StandardCharsets.UTF_8);
      byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
      byte[] body = new byte[prefix.length + 2 + suffix.length];
      System.arraycopy(prefix, 0, body, 0, prefix.length);
      body[prefix.length] = (byte) 0xC3; // a two-byte lead ...
      body[prefix.length + 1] = (byte) 0x28; // ... followed by no continuation byte
      System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
      MemberSample sample = PatroniParser.parse("pg-1", body);
      assertThat(sample.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(sample.reason()).startsWith("not JSON: Invalid UTF-8");
    }

    @Test
    void aTimestampWithoutFractionAndAnIsoTimestampBothParse() {
      String python =
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,"
              + "\"replayed_timestamp\":\"2026-11-28 16:40:28+01:00\"}}";
      String iso =
          "{\"role\":\"replica\",\"state\":\"running\",\"xlog\":{\"replayed_location\":5,"
              + "\"replayed_timestamp\":\"2026-11-28T15:40:28Z\"}}";
      assertThat(parse(python).replayedTimestamp()).isEqualTo("2026-11-28T15:40:28Z");
      assertThat(parse(iso).replayedTimestamp()).isEqualTo("2026-11-28T15:40:28Z");
    }
  }

  @Test
  void theQuickReadingOfPythonTimestampsAgreesWithTheIsoParser() {
    List<String> shapes =
        List.of(
            "2026-11-28 16:40:28.985406+00:00",
            "2026-11-28 16:40:28+01:00",
            "2026-11-28 16:40:28.000000-05:30",
            "1970-01-01 00:00:00+00:00",
            "2024-02-29 23:59:59.999999+18:00",
            "2023-12-31 23:59:59.999999-18:00");
    for (String text : shapes) {
      assertThat(PatroniParser.pythonTimestamp(text))
          .as(text)
          .isEqualTo(java.time.OffsetDateTime.parse(text.replace(' ', 'T')).toInstant());
    }
    // Out of range or another shape: left to the ISO parser, which reads or refuses it.
    List<String> others =
        List.of(
            "2023-02-29 10:00:00+00:00",
            "2026-13-01 10:00:00+00:00",
            "2026-04-31 10:00:00+00:00",
            "2026-11-28 24:00:00+00:00",
            "2026-11-28 16:60:00+00:00",
            "2026-11-28 16:40:60+00:00",
            "2026-11-28 16:40:28+18:30",
            "2026-11-28 16:40:28.98540+00:00",
            "2026-11-28T16:40:28+00:00",
            "2026-11-28 16:40:28Z",
            "2026-11-28 16:40:28.98540a+00:00",
            "+026-11-28 16:40:28+00:00");
    for (String text : others) {
      assertThat(PatroniParser.pythonTimestamp(text)).as(text).isNull();
    }
  }
}
