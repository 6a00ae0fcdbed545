package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgate.controller.demo.PatroniSimulator.Mode;
import io.syncgate.controller.demo.SimulatedMember.Behaviour;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.controller.testing.Ports;
import io.syncgate.policy.gating.PatroniRole;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator against real clients on loopback: a raw socket for the exact bytes, Vert.x's
 * WebClient for what the controller's Patroni client will see.
 */
class PatroniSimulatorIT {

  private static final long MB = 1L << 20;
  // A loopback block of its own, so parallel builds of other modules do not collide.
  private static final String LEADER_HOST = "127.0.73.2";
  private static final String REPLICA_HOST = "127.0.73.3";
  private static final Clock RECORDED_AT =
      Clock.fixed(Instant.parse("2026-11-28T16:40:48Z"), ZoneOffset.UTC);

  @RegisterExtension final BlockedThreadWatch blockedThreads = new BlockedThreadWatch();

  private Vertx vertx;
  private WebClient client;
  private final List<PatroniSimulator> simulators = new ArrayList<>();
  private SimulatedMember leader;
  private SimulatedMember replica;

  /**
   * Serves every route once before any test is watched, so first-use class loading (Jackson, our
   * own classes) does not count against the 200 ms event-loop budget on a busy machine.
   */
  @BeforeAll
  static void warmUp() {
    BlockedThreadWatch.warmUpOnce();
    Vertx vertx = Vertx.vertx();
    try {
      WebClient client = WebClient.create(vertx);
      for (Mode mode : Mode.values()) {
        SimulatedMember a = SimulatedMember.leader("a", "127.0.73.9", 0);
        SimulatedMember b = SimulatedMember.replica("b", "127.0.73.9", 0);
        PatroniSimulator simulator =
            Await.result(PatroniSimulator.start(vertx, List.of(a, b), mode));
        for (String uri : List.of("/patroni", "/replica?lag=1MB", "/readiness", "/cluster", "/x")) {
          SocketAddress address = simulator.address(b);
          Await.result(client.get(address.port(), address.host(), uri).send());
        }
        Await.result(simulator.close());
      }
    } finally {
      Await.result(vertx.close());
    }
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    leader =
        SimulatedMember.leader("hippo-0", LEADER_HOST, 0)
            .setLocation(739162424)
            .setPostmasterStartTime(Instant.parse("2026-11-28T16:40:16.991697Z"));
    replica =
        SimulatedMember.replica("hippo-1", REPLICA_HOST, 0)
            .setReceived(670795960)
            .setReplayed(670795960)
            .setReplayedTimestamp(Instant.parse("2026-11-28T16:40:28.985406Z"))
            .setPostmasterStartTime(Instant.parse("2026-11-28T16:40:43.635116Z"));
  }

  @AfterEach
  void tearDown() {
    for (PatroniSimulator s : simulators) {
      Await.result(s.close());
    }
    client.close();
    Await.result(vertx.close());
  }

  private PatroniSimulator start(Mode mode, SimulatedMember... members) {
    PatroniSimulator simulator =
        Await.result(
            PatroniSimulator.start(
                vertx,
                List.of(members),
                PatroniSimulator.Options.defaults().withMode(mode).withClock(RECORDED_AT)));
    simulators.add(simulator);
    return simulator;
  }

  private HttpResponse<Buffer> get(PatroniSimulator simulator, SimulatedMember member, String uri) {
    SocketAddress address = simulator.address(member);
    return Await.result(client.get(address.port(), address.host(), uri).timeout(5000).send());
  }

  @Test
  void http10AnswerHasPatronisExactFramingAndClosesTheConnection() {
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);

    String answer =
        RawHttpConnection.open(vertx, simulator.address(replica)).get("/patroni").readUntilClosed();

    assertThat(answer)
        .isEqualTo(
            "HTTP/1.0 200 OK\r\n"
                + "Server: BaseHTTP/0.6 Python/3.11.2\r\n"
                + "Date: Sat, 28 Nov 2026 16:40:48 GMT\r\n"
                + "Content-Type: application/json\r\n"
                + "\r\n"
                + "{\"state\": \"running\", \"postmaster_start_time\": \"2026-11-28"
                + " 16:40:43.635116+00:00\", \"role\": \"replica\", \"server_version\": 150018,"
                + " \"xlog\": {\"received_location\": 670795960, \"replayed_location\": 670795960,"
                + " \"replayed_timestamp\": \"2026-11-28 16:40:28.985406+00:00\", \"paused\":"
                + " false}, \"timeline\": 1, \"dcs_last_seen\": 1795884048,"
                + " \"database_system_identifier\": \"7713263116900777059\", \"patroni\":"
                + " {\"version\": \"3.0.2\", \"scope\": \"demo\"}}");
  }

  @Test
  void readinessAndLivenessAreBareStatusLines() {
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);
    SocketAddress replicaAddress = simulator.address(replica);

    assertThat(RawHttpConnection.open(vertx, replicaAddress).get("/readiness").readUntilClosed())
        .isEqualTo("HTTP/1.0 200 OK\r\n\r\n");
    assertThat(RawHttpConnection.open(vertx, replicaAddress).get("/liveness").readUntilClosed())
        .isEqualTo("HTTP/1.0 200 OK\r\n\r\n");

    replica.setState("starting");
    assertThat(RawHttpConnection.open(vertx, replicaAddress).get("/readiness").readUntilClosed())
        .isEqualTo("HTTP/1.0 503 Service Unavailable\r\n\r\n");
    assertThat(RawHttpConnection.open(vertx, replicaAddress).get("/nope").readUntilClosed())
        .isEqualTo("HTTP/1.0 404 Not Found\r\n\r\n");
  }

  @Test
  void webClientReadsTheCloseDelimitedJson() {
    PatroniSimulator simulator =
        Await.result(
            PatroniSimulator.start(
                vertx,
                List.of(leader, replica),
                PatroniSimulator.Options.defaults().withScope("hippo")));
    simulators.add(simulator);

    HttpResponse<Buffer> leaderAnswer = get(simulator, leader, "/patroni");
    HttpResponse<Buffer> replicaAnswer = get(simulator, replica, "/patroni");

    assertThat(leaderAnswer.statusCode()).isEqualTo(200);
    assertThat(leaderAnswer.getHeader("Content-Length")).isNull();
    JsonObject leaderJson = leaderAnswer.bodyAsJsonObject();
    assertThat(leaderJson.getString("role")).isEqualTo("master");
    assertThat(leaderJson.getJsonObject("xlog").getLong("location")).isEqualTo(739162424L);
    assertThat(leaderJson.getJsonObject("patroni").getString("scope")).isEqualTo("hippo");
    JsonArray replication = leaderJson.getJsonArray("replication");
    assertThat(replication.size()).isEqualTo(1);
    assertThat(replication.getJsonObject(0).getString("application_name")).isEqualTo("hippo-1");
    assertThat(replication.getJsonObject(0).getString("client_addr")).isEqualTo(REPLICA_HOST);

    JsonObject xlog = replicaAnswer.bodyAsJsonObject().getJsonObject("xlog");
    assertThat(xlog.getLong("received_location")).isEqualTo(670795960L);
    assertThat(xlog.getLong("replayed_location")).isEqualTo(670795960L);
    assertThat(xlog.getString("replayed_timestamp")).isEqualTo("2026-11-28 16:40:28.985406+00:00");
    assertThat(xlog.getBoolean("paused")).isFalse();
    assertThat(replicaAnswer.bodyAsJsonObject().getJsonObject("patroni").getString("version"))
        .isEqualTo("3.0.2");
  }

  @Test
  void settersChangeTheNextAnswerAndOnlyThen() {
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);
    String first = get(simulator, replica, "/patroni").bodyAsString();
    assertThat(get(simulator, replica, "/patroni").bodyAsString()).isEqualTo(first);

    replica
        .setReceived(700 * MB)
        .setReplayed(650 * MB)
        .setReplayedTimestamp(null)
        .setPaused(true)
        .setTimeline(3)
        .setReplicationState("in archive recovery");
    leader.setLocation(800 * MB).setTimeline(3);

    JsonObject replicaJson = get(simulator, replica, "/patroni").bodyAsJsonObject();
    assertThat(replicaJson.getLong("timeline")).isEqualTo(3L);
    assertThat(replicaJson.getString("replication_state")).isEqualTo("in archive recovery");
    JsonObject xlog = replicaJson.getJsonObject("xlog");
    assertThat(xlog.getLong("received_location")).isEqualTo(700 * MB);
    assertThat(xlog.getLong("replayed_location")).isEqualTo(650 * MB);
    assertThat(xlog.containsKey("replayed_timestamp")).isTrue();
    assertThat(xlog.getString("replayed_timestamp")).isNull();
    assertThat(xlog.getBoolean("paused")).isTrue();
    assertThat(get(simulator, leader, "/patroni").bodyAsJsonObject().getJsonObject("xlog"))
        .isEqualTo(new JsonObject().put("location", 800 * MB));

    replica.setState("stopped");
    JsonObject stopped = get(simulator, replica, "/patroni").bodyAsJsonObject();
    assertThat(stopped.getString("state")).isEqualTo("stopped");
    assertThat(stopped.containsKey("xlog")).isFalse();
    assertThat(get(simulator, leader, "/patroni").bodyAsJsonObject().containsKey("replication"))
        .as("a stopped replica no longer streams from the leader")
        .isFalse();

    replica.setRole(PatroniRole.LEADER).setState("running");
    leader.setRole(PatroniRole.REPLICA);
    assertThat(get(simulator, replica, "/patroni").bodyAsJsonObject().getString("role"))
        .isEqualTo("master");
  }

  @Test
  void keepAliveModeAnswersTwoRequestsOnOneConnection() {
    PatroniSimulator simulator = start(Mode.KEEP_ALIVE, leader, replica);
    RawHttpConnection connection = RawHttpConnection.open(vertx, simulator.address(replica));

    String first = connection.get("/patroni").readOneResponse();
    String second = connection.get("/readiness").readOneResponse();

    assertThat(first)
        .startsWith("HTTP/1.1 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n")
        .contains("Content-Type: application/json\r\n");
    String body = first.substring(first.indexOf("\r\n\r\n") + 4);
    assertThat(first).contains("Content-Length: " + body.length() + "\r\n");
    assertThat(new JsonObject(body).getString("role")).isEqualTo("replica");
    assertThat(second).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertThat(connection.isClosed()).isFalse();
    assertThat(simulator.connectionCount(replica)).isEqualTo(1);
    assertThat(simulator.openConnectionCount(replica)).isEqualTo(1);
    assertThat(simulator.requestCount(replica)).isEqualTo(2);
    connection.close();
    Await.until("the server notices the close", () -> simulator.openConnectionCount(replica) == 0);
  }

  @Test
  void keepAliveModeClosesWhenTheClientAsks() {
    PatroniSimulator simulator = start(Mode.KEEP_ALIVE, leader);

    String answer =
        RawHttpConnection.open(vertx, simulator.address(leader))
            .send("GET /liveness HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .readUntilClosed();

    assertThat(answer)
        .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }

  @Test
  void webClientPoolReusesAConnectionOnlyInKeepAliveMode() {
    PatroniSimulator keepAlive = start(Mode.KEEP_ALIVE, leader);
    PatroniSimulator closing = start(Mode.HTTP10_CLOSE, replica);
    WebClient pooled =
        WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setMaxPoolSize(1));
    try {
      for (int i = 0; i < 2; i++) {
        SocketAddress a = keepAlive.address(leader);
        SocketAddress b = closing.address(replica);
        assertThat(Await.result(pooled.get(a.port(), a.host(), "/patroni").send()).statusCode())
            .isEqualTo(200);
        assertThat(Await.result(pooled.get(b.port(), b.host(), "/patroni").send()).statusCode())
            .isEqualTo(200);
      }
    } finally {
      pooled.close();
    }

    assertThat(keepAlive.connectionCount(leader)).isEqualTo(1);
    assertThat(closing.connectionCount(replica)).isEqualTo(2);
  }

  @Test
  void hangingMemberReadsTheRequestAndNeverAnswers() {
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);
    replica.setBehaviour(Behaviour.HANG);
    SocketAddress address = simulator.address(replica);

    Throwable failure =
        Await.failure(client.get(address.port(), address.host(), "/patroni").timeout(500).send());

    assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("500ms");
    assertThat(simulator.requestCount(replica)).isEqualTo(1);
    assertThat(get(simulator, leader, "/patroni").statusCode()).isEqualTo(200);
    // The client gave up and closed its end; the simulator must not keep its side open.
    Await.until(
        "the abandoned connection is closed", () -> simulator.openConnectionCount(replica) == 0);
    Await.until("no connection left open", () -> simulator.openConnectionCount(leader) == 0);
  }

  @Test
  void refusingMemberIsUnreachableUntilItComesBackOnTheSamePort() {
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);
    SocketAddress address = simulator.address(replica);

    replica.setBehaviour(Behaviour.REFUSE);
    Await.result(simulator.converged());
    Throwable failure =
        Await.failure(client.get(address.port(), address.host(), "/patroni").timeout(2000).send());
    assertThat(failure).isInstanceOf(ConnectException.class);

    replica.setBehaviour(Behaviour.NORMAL);
    Await.result(simulator.converged());
    assertThat(simulator.address(replica)).isEqualTo(address);
    assertThat(get(simulator, replica, "/patroni").statusCode()).isEqualTo(200);
  }

  @Test
  void memberStartedAsRefusingDoesNotListen() {
    SimulatedMember fixedPort =
        SimulatedMember.replica("hippo-2", REPLICA_HOST, Ports.free(REPLICA_HOST));
    fixedPort.setBehaviour(Behaviour.REFUSE);
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, fixedPort);
    SocketAddress address = simulator.address(fixedPort);

    Throwable failure =
        Await.failure(client.get(address.port(), address.host(), "/patroni").timeout(2000).send());

    assertThat(failure).isInstanceOf(ConnectException.class);
  }

  @Test
  void http500AndGarbageBehaviours() {
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);

    replica.setBehaviour(Behaviour.HTTP_500);
    HttpResponse<Buffer> error = get(simulator, replica, "/patroni");
    assertThat(error.statusCode()).isEqualTo(500);

    replica.setBehaviour(Behaviour.GARBAGE);
    HttpResponse<Buffer> garbage = get(simulator, replica, "/patroni");
    assertThat(garbage.statusCode()).isEqualTo(200);
    assertThat(garbage.getHeader("Content-Type")).isEqualTo("application/json");
    assertThatThrownBy(garbage::bodyAsJsonObject).isInstanceOf(DecodeException.class);

    replica.setBehaviour(Behaviour.NORMAL);
    assertThat(get(simulator, replica, "/patroni").bodyAsJsonObject().getString("role"))
        .isEqualTo("replica");
  }

  @Test
  void replicaLagCheckComparesReplayWithTheDcsLeaderPosition() {
    leader.setLocation(1000 * MB);
    replica.setReceived(1000 * MB).setReplayed(998 * MB);
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);

    assertThat(get(simulator, replica, "/replica").statusCode()).isEqualTo(200);
    assertThat(get(simulator, replica, "/replica?lag=1MB").statusCode()).isEqualTo(503);
    assertThat(get(simulator, replica, "/replica?lag=2MB").statusCode()).isEqualTo(200);
    assertThat(get(simulator, replica, "/replica?lag=2097151").statusCode()).isEqualTo(503);
    assertThat(get(simulator, replica, "/replica?lag=2097152").statusCode()).isEqualTo(200);
    assertThat(get(simulator, replica, "/replica?lag=1MB").bodyAsJsonObject().getString("role"))
        .isEqualTo("replica");
    assertThat(get(simulator, leader, "/replica").statusCode()).isEqualTo(503);

    // A DCS written before the leader moved on: Patroni sees less lag than there is.
    simulator.setDcsLeaderPosition(998 * MB);
    assertThat(simulator.dcsLeaderPosition()).hasValue(998 * MB);
    assertThat(get(simulator, replica, "/replica?lag=0MB").statusCode()).isEqualTo(200);

    // DCS unreachable: no leader position, so nothing counts as lagging.
    simulator.clearDcsLeaderPosition();
    assertThat(simulator.dcsLeaderPosition()).isEmpty();
    replica.setReplayed(10 * MB);
    assertThat(get(simulator, replica, "/replica?lag=0MB").statusCode()).isEqualTo(200);

    simulator.followLeaderInDcs();
    assertThat(simulator.dcsLeaderPosition()).hasValue(1000 * MB);
    assertThat(get(simulator, replica, "/replica?lag=0MB").statusCode()).isEqualTo(503);

    replica.setReplayed(1000 * MB).setState("starting");
    assertThat(get(simulator, replica, "/replica").statusCode()).isEqualTo(503);
  }

  @Test
  void clusterReportsReceiveLagAgainstTheDcsLikePatroni() {
    leader.setLocation(1000 * MB);
    // Replay paused 200 MB behind, everything received: Patroni's /cluster says lag 0.
    replica.setReceived(1000 * MB).setReplayed(800 * MB).setPaused(true);
    SimulatedMember restoring =
        SimulatedMember.replica("hippo-2", "127.0.73.4", 0).setReceivedAndReplayed(300 * MB);
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, restoring, replica, leader);

    JsonArray members =
        get(simulator, replica, "/cluster").bodyAsJsonObject().getJsonArray("members");

    assertThat(members.size()).isEqualTo(3);
    JsonObject first = members.getJsonObject(0);
    assertThat(first.getString("name")).isEqualTo("hippo-0");
    assertThat(first.getString("role")).isEqualTo("leader");
    assertThat(first.getString("api_url")).isEqualTo(simulator.baseUri(leader) + "/patroni");
    assertThat(first.getString("host")).isEqualTo(LEADER_HOST);
    assertThat(first.getInteger("port")).isEqualTo(5432);
    assertThat(first.containsKey("lag")).isFalse();
    assertThat(members.getJsonObject(1).getString("role")).isEqualTo("replica");
    assertThat(members.getJsonObject(1).getLong("lag")).isZero();
    assertThat(members.getJsonObject(2).getString("name")).isEqualTo("hippo-2");
    assertThat(members.getJsonObject(2).getLong("lag")).isEqualTo(700 * MB);
  }

  @Test
  void closeReleasesEveryAddressAndDropsHangingConnections() {
    replica.setBehaviour(Behaviour.HANG);
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, leader, replica);
    SocketAddress leaderAddress = simulator.address(leader);
    SocketAddress replicaAddress = simulator.address(replica);
    RawHttpConnection hanging = RawHttpConnection.open(vertx, replicaAddress).get("/patroni");
    Await.until("the hanging request is read", () -> simulator.requestCount(replica) == 1);

    Await.result(simulator.close());
    Await.result(simulator.close()); // idempotent

    hanging.readUntilClosed();
    SimulatedMember sameLeader =
        SimulatedMember.leader("hippo-0", leaderAddress.host(), leaderAddress.port());
    SimulatedMember sameReplica =
        SimulatedMember.replica("hippo-1", replicaAddress.host(), replicaAddress.port());
    PatroniSimulator again = start(Mode.HTTP10_CLOSE, sameLeader, sameReplica);
    assertThat(again.address(sameLeader)).isEqualTo(leaderAddress);
    assertThat(get(again, sameReplica, "/patroni").statusCode()).isEqualTo(200);
  }

  @Test
  void startFailsWhenAnAddressIsTakenAndReleasesTheOthers() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(REPLICA_HOST))) {
      int leaderPort = Ports.free(LEADER_HOST);
      SimulatedMember blocked =
          SimulatedMember.replica("hippo-1", REPLICA_HOST, taken.getLocalPort());
      SimulatedMember fine = SimulatedMember.leader("hippo-0", LEADER_HOST, leaderPort);

      Throwable failure =
          Await.failure(PatroniSimulator.start(vertx, List.of(fine, blocked), Mode.HTTP10_CLOSE));

      assertThat(failure).hasMessageContaining("Address already in use");
      try (ServerSocket again =
          new ServerSocket(leaderPort, 1, InetAddress.getByName(LEADER_HOST))) {
        assertThat(again.getLocalPort()).isEqualTo(leaderPort);
      }
    }
  }

  @Test
  void largeFleetOnOneAddressGetsOnePortPerMember() {
    List<SimulatedMember> fleet = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fleet.add(SimulatedMember.replica("member-" + i, "127.0.0.1", 0));
    }
    PatroniSimulator simulator = start(Mode.HTTP10_CLOSE, fleet.toArray(SimulatedMember[]::new));

    for (SimulatedMember m : fleet) {
      assertThat(get(simulator, m, "/patroni").statusCode()).isEqualTo(200);
    }

    assertThat(fleet.stream().map(simulator::address).distinct()).hasSize(50);
    assertThat(fleet).allSatisfy(m -> assertThat(simulator.requestCount(m)).isEqualTo(1));
    assertThat(simulator.totalRequestCount()).isEqualTo(50);
  }

  @Test
  void rejectsBadMembers() {
    assertThatThrownBy(() -> SimulatedMember.replica("x", "10.0.0.1", 8008))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
    assertThatThrownBy(() -> SimulatedMember.replica("x", "localhost", 8008))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback IP literal");
    assertThatThrownBy(() -> replica.setReplayed(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replayed location must be >= 0");

    Throwable sameName =
        Await.failure(
            PatroniSimulator.start(
                vertx,
                List.of(leader, SimulatedMember.replica("hippo-0", REPLICA_HOST, 0)),
                Mode.HTTP10_CLOSE));
    assertThat(sameName)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hippo-0");

    Throwable sameAddress =
        Await.failure(
            PatroniSimulator.start(
                vertx,
                List.of(
                    SimulatedMember.leader("a", LEADER_HOST, 18008),
                    SimulatedMember.replica("b", LEADER_HOST, 18008)),
                Mode.HTTP10_CLOSE));
    assertThat(sameAddress).hasMessageContaining("two members listen on 127.0.73.2:18008");
  }
}
