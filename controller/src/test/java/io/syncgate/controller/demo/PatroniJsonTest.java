package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.gating.PatroniRole;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rendered bodies equal what a real Patroni 3.0.2 sent, byte for byte (the expected strings are
 * the bodies recorded with {@code curl -si} from a loopback cluster).
 */
class PatroniJsonTest {

  private static final String SYSID = "7713263116900777059";

  @Test
  void leaderBodyEqualsTheRecordedAnswer() {
    MemberState leader =
        state(
            PatroniRole.LEADER,
            "running",
            739162424,
            0,
            0,
            null,
            false,
            "3.0.2",
            Instant.parse("2026-11-28T16:40:16.991697Z"));

    String body =
        render(leader, 1795884047, List.of(new PatroniJson.Replication("nodeB", "127.0.0.1")));

    assertThat(body)
        .isEqualTo(
            "{\"state\": \"running\", \"postmaster_start_time\": \"2026-11-28 16:40:16.991697+00:00\","
                + " \"role\": \"master\", \"server_version\": 150018, \"xlog\": {\"location\":"
                + " 739162424}, \"timeline\": 1, \"replication\": [{\"usename\": \"replicator\","
                + " \"application_name\": \"nodeB\", \"client_addr\": \"127.0.0.1\", \"state\":"
                + " \"streaming\", \"sync_state\": \"async\", \"sync_priority\": 0}],"
                + " \"dcs_last_seen\": 1795884047, \"database_system_identifier\":"
                + " \"7713263116900777059\", \"patroni\": {\"version\": \"3.0.2\", \"scope\":"
                + " \"demo\"}}");
  }

  @Test
  void replicaBodyEqualsTheRecordedAnswer() {
    MemberState replica =
        state(
            PatroniRole.REPLICA,
            "running",
            0,
            670795960,
            670795960,
            Instant.parse("2026-11-28T16:40:28.985406Z"),
            false,
            "3.0.2",
            Instant.parse("2026-11-28T16:40:43.635116Z"));

    assertThat(render(replica, 1795884047, List.of()))
        .isEqualTo(
            "{\"state\": \"running\", \"postmaster_start_time\": \"2026-11-28 16:40:43.635116+00:00\","
                + " \"role\": \"replica\", \"server_version\": 150018, \"xlog\":"
                + " {\"received_location\": 670795960, \"replayed_location\": 670795960,"
                + " \"replayed_timestamp\": \"2026-11-28 16:40:28.985406+00:00\", \"paused\":"
                + " false}, \"timeline\": 1, \"dcs_last_seen\": 1795884047,"
                + " \"database_system_identifier\": \"7713263116900777059\", \"patroni\":"
                + " {\"version\": \"3.0.2\", \"scope\": \"demo\"}}");
  }

  @Test
  void clusterBodyEqualsTheRecordedAnswer() {
    byte[] body =
        PatroniJson.cluster(
            List.of(
                new PatroniJson.ClusterMember(
                    "nodeA",
                    "leader",
                    "running",
                    "http://127.0.0.1:8008/patroni",
                    "127.0.0.1",
                    5433,
                    1L,
                    null),
                new PatroniJson.ClusterMember(
                    "nodeB",
                    "replica",
                    "running",
                    "http://127.0.0.1:8009/patroni",
                    "127.0.0.1",
                    5434,
                    1L,
                    0L),
                new PatroniJson.ClusterMember(
                    "nodeC",
                    "replica",
                    "running",
                    "http://127.0.0.1:8010/patroni",
                    "127.0.0.1",
                    5435,
                    1L,
                    201659168L)));

    assertThat(new String(body, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"members\": [{\"name\": \"nodeA\", \"role\": \"leader\", \"state\": \"running\","
                + " \"api_url\": \"http://127.0.0.1:8008/patroni\", \"host\": \"127.0.0.1\","
                + " \"port\": 5433, \"timeline\": 1}, {\"name\": \"nodeB\", \"role\": \"replica\","
                + " \"state\": \"running\", \"api_url\": \"http://127.0.0.1:8009/patroni\","
                + " \"host\": \"127.0.0.1\", \"port\": 5434, \"timeline\": 1, \"lag\": 0},"
                + " {\"name\": \"nodeC\", \"role\": \"replica\", \"state\": \"running\","
                + " \"api_url\": \"http://127.0.0.1:8010/patroni\", \"host\": \"127.0.0.1\","
                + " \"port\": 5435, \"timeline\": 1, \"lag\": 201659168}]}");
  }

  @Test
  void replicaWithoutReplayTimestampRendersNull() {
    MemberState replica =
        state(
            PatroniRole.REPLICA,
            "running",
            0,
            10,
            5,
            null,
            true,
            "3.0.2",
            Instant.parse("2026-11-28T16:40:43Z"));

    assertThat(render(replica, 1, List.of()))
        .contains(
            "\"xlog\": {\"received_location\": 10, \"replayed_location\": 5,"
                + " \"replayed_timestamp\": null, \"paused\": true}")
        .contains("\"postmaster_start_time\": \"2026-11-28 16:40:43+00:00\"");
  }

  @Test
  void memberWhosePostgresIsNotQueriedReportsOnlyStateAndRole() {
    MemberState stopped =
        state(PatroniRole.REPLICA, "stopped", 0, 10, 5, null, false, "3.0.2", Instant.EPOCH);

    assertThat(render(stopped, 7, List.of()))
        .isEqualTo(
            "{\"state\": \"stopped\", \"role\": \"replica\", \"dcs_last_seen\": 7,"
                + " \"database_system_identifier\": \"7713263116900777059\", \"patroni\":"
                + " {\"version\": \"3.0.2\", \"scope\": \"demo\"}}");
  }

  @Test
  void patroniFourCallsTheLeaderPrimaryAndReportsReplicationState() {
    MemberState leader =
        state(PatroniRole.LEADER, "running", 1, 0, 0, null, false, "4.0.4", Instant.EPOCH);
    MemberState replica =
        new MemberState(
            1,
            PatroniRole.REPLICA,
            "running",
            "streaming",
            2,
            0,
            1,
            1,
            null,
            false,
            SimulatedMember.Behaviour.NORMAL,
            "4.0.4",
            170002,
            Instant.EPOCH);

    assertThat(render(leader, 1, List.of())).contains("\"role\": \"primary\"");
    assertThat(render(replica, 1, List.of()))
        .contains("\"timeline\": 2, \"replication_state\": \"streaming\", \"dcs_last_seen\"");
  }

  @Test
  void timestampsPrintLikePythonsStrOfADatetime() {
    assertThat(PatroniJson.timestamp(Instant.parse("2026-11-28T16:40:28.985406Z")))
        .isEqualTo("2026-11-28 16:40:28.985406+00:00");
    assertThat(PatroniJson.timestamp(Instant.parse("2026-01-02T03:04:05.000007Z")))
        .isEqualTo("2026-01-02 03:04:05.000007+00:00");
    // Sub-microsecond digits do not exist in PostgreSQL; they are cut, not rounded.
    assertThat(PatroniJson.timestamp(Instant.parse("2026-01-02T03:04:05.100000999Z")))
        .isEqualTo("2026-01-02 03:04:05.100000+00:00");
    assertThat(PatroniJson.timestamp(Instant.parse("2026-01-02T03:04:05Z")))
        .isEqualTo("2026-01-02 03:04:05+00:00");
  }

  private static String render(
      MemberState state, long dcsLastSeen, List<PatroniJson.Replication> replication) {
    return new String(
        PatroniJson.patroni(state, "demo", SYSID, dcsLastSeen, replication),
        StandardCharsets.UTF_8);
  }

  private static MemberState state(
      PatroniRole role,
      String state,
      long location,
      long received,
      long replayed,
      Instant replayedTimestamp,
      boolean paused,
      String version,
      Instant postmasterStart) {
    return new MemberState(
        1,
        role,
        state,
        null,
        1,
        location,
        received,
        replayed,
        replayedTimestamp,
        paused,
        SimulatedMember.Behaviour.NORMAL,
        version,
        150018,
        postmasterStart);
  }
}
