package io.syncgate.controller.patroni;

import static io.syncgate.controller.patroni.LoopbackPatroni.HOST;
import static io.syncgate.controller.patroni.LoopbackPatroni.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncgate.controller.patroni.LoopbackPatroni.RawServer;
import io.syncgate.controller.patroni.PatroniClientOptions.Credentials;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SampleFailure;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** {@link PatroniPoller} over many members on loopback, some of them broken or hanging. */
class PatroniPollerIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Instant TICK = Instant.parse("2026-11-28T17:33:10Z");
  private static final Buffer LEADER =
      Buffer.buffer(Fixtures.bytes("3.0.2/leader-while-paused.json"));
  private static final Buffer CAUGHT_UP =
      Buffer.buffer(Fixtures.bytes("3.0.2/replica-caught-up.json"));
  private static final Buffer PAUSED =
      Buffer.buffer(Fixtures.bytes("3.0.2/replica-replay-paused.json"));

  @RegisterExtension final BlockedThreadWatch blockedThreads = new BlockedThreadWatch();

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    BlockedThreadWatch.warmUpOnce();
    vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  private static HttpServer answering(Buffer body) {
    return LoopbackPatroni.keepAlive(vertx, body, new AtomicInteger());
  }

  private static HttpServer hanging() {
    return await(vertx.createHttpServer().requestHandler(request -> {}).listen(0, HOST));
  }

  @Test
  void twoHundredMembersOfWhichFiftyHangFinishWithinTheTimeoutPlus250ms() {
    // Tick 0 is the cold start (connections opened, code loaded): its deadline and its hanging
    // members are checked; from tick 1 on, on pooled connections, every good member must answer.
    List<HttpServer> servers = new ArrayList<>();
    List<PatroniEndpoint> endpoints = new ArrayList<>();
    List<Integer> hangingPorts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // Every fourth member hangs; member 000 leads; the others are replicas of two kinds.
      HttpServer server =
          i % 4 == 3 ? hanging() : answering(i == 0 ? LEADER : i % 2 == 0 ? CAUGHT_UP : PAUSED);
      servers.add(server);
      if (i % 4 == 3) {
        hangingPorts.add(server.actualPort());
      }
      endpoints.add(PatroniEndpoint.http(String.format("pg-%03d", i), HOST, server.actualPort()));
    }
    PatroniClient client =
        new PatroniClient(vertx, PatroniClientOptions.defaults().withTimeout(TIMEOUT));
    PatroniPoller poller = new PatroniPoller(vertx, client, new FailureLog("ReplicaGate(t/200)"));
    try {
      for (int tick = 0; tick < 3; tick++) {
        long start = System.nanoTime();
        ClusterSnapshot snapshot = await(poller.pollAll(endpoints, TICK.plusSeconds(tick)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThanOrEqualTo(TIMEOUT.plusMillis(250));
        assertThat(snapshot.samples()).hasSize(200);
        List<MemberSample> hung =
            endpoints.stream()
                .filter(endpoint -> hangingPorts.contains(endpoint.port()))
                .map(endpoint -> snapshot.samples().get(endpoint.member()))
                .toList();
        assertThat(hung)
            .hasSize(50)
            .allSatisfy(
                sample ->
                    assertThat(sample)
                        .isEqualTo(
                            MemberSample.failed(
                                sample.member(), SampleFailure.TIMEOUT, "timeout after 2s")));
        if (tick == 0) {
          continue;
        }
        Map<String, Long> outcomes =
            snapshot.samples().values().stream()
                .collect(
                    Collectors.groupingBy(
                        sample -> sample.usable() ? "usable" : sample.reason(),
                        TreeMap::new,
                        Collectors.counting()));
        assertThat(outcomes)
            .containsExactlyEntriesOf(
                new TreeMap<>(Map.of("usable", 150L, "timeout after 2s", 50L)));
        assertThat(snapshot.leader()).isEqualTo("pg-000");
        // Both replica answers replayed 69,731,984; the leader was at 89,003,776.
        assertThat(snapshot.lags()).hasSize(149);
        assertThat(snapshot.lags().values())
            .allSatisfy(lag -> assertThat(lag.bytes()).isEqualTo(19_271_792L));
      }
    } finally {
      client.close();
      servers.forEach(server -> await(server.close()));
    }
  }

  @Test
  void everyKindOfAnswerEndsAsOneSampleAndLagComesFromTheSameTick() throws Exception {
    NetServer probe =
        await(
            vertx
                .createNetServer()
                .connectHandler(socket -> socket.close())
                .listen(0, LoopbackPatroni.NOBODY_HOST));
    int refusedPort = probe.actualPort();
    await(probe.close());
    HttpServer failing =
        await(
            vertx
                .createHttpServer()
                .requestHandler(request -> request.response().setStatusCode(503).end())
                .listen(0, HOST));
    HttpServer notJson = answering(Buffer.buffer("<html>hello</html>"));
    try (RawServer leader = LoopbackPatroni.recorded302(vertx, "leader-while-paused");
        RawServer paused = LoopbackPatroni.recorded302(vertx, "replica-replay-paused");
        PatroniClient client =
            new PatroniClient(vertx, PatroniClientOptions.defaults().withTimeout(TIMEOUT))) {
      PatroniPoller poller = new PatroniPoller(vertx, client, new FailureLog("ReplicaGate(t/mix)"));
      ClusterSnapshot snapshot =
          await(
              poller.pollAll(
                  List.of(
                      PatroniEndpoint.http("nodeA", HOST, leader.port()),
                      PatroniEndpoint.http("nodeB", HOST, paused.port()),
                      PatroniEndpoint.http("nodeC", LoopbackPatroni.NOBODY_HOST, refusedPort),
                      PatroniEndpoint.http("nodeD", HOST, failing.actualPort()),
                      PatroniEndpoint.http("nodeE", HOST, notJson.actualPort()),
                      PatroniEndpoint.http("nodeF", null, 8008)),
                  TICK));
      assertThat(snapshot.leader()).isEqualTo("nodeA");
      assertThat(snapshot.samples().get("nodeB").replayPaused()).isTrue();
      assertThat(snapshot.samples().get("nodeC"))
          .isEqualTo(MemberSample.failed("nodeC", SampleFailure.UNREACHABLE, "connection refused"));
      assertThat(snapshot.samples().get("nodeD"))
          .isEqualTo(MemberSample.failed("nodeD", SampleFailure.HTTP_STATUS, "HTTP 503"));
      assertThat(snapshot.samples().get("nodeE").failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(snapshot.samples().get("nodeF"))
          .isEqualTo(MemberSample.failed("nodeF", SampleFailure.NOT_POLLED, "no pod IP yet"));
      // Only the usable replica has a lag: 89,003,776 - 69,731,984, and 15.094 s behind the tick.
      assertThat(snapshot.lags())
          .containsExactlyEntriesOf(Map.of("nodeB", new ClusterSnapshot.Lag(19_271_792L, 15.094)));
    } finally {
      await(failing.close());
      await(notJson.close());
    }
  }

  @Test
  void failuresAreLoggedOncePerMemberAndKindPerMinuteWithoutCredentials() {
    HttpServer unauthorized =
        await(
            vertx
                .createHttpServer()
                .requestHandler(request -> request.response().setStatusCode(401).end())
                .listen(0, HOST));
    Logger logger = (Logger) LoggerFactory.getLogger("test.PatroniPollerIT");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (PatroniClient client =
        new PatroniClient(
            vertx,
            PatroniClientOptions.defaults()
                .withTimeout(TIMEOUT)
                .withCredentials(new Credentials("patroni", "hunter2")))) {
      PatroniPoller poller =
          new PatroniPoller(vertx, client, new FailureLog("ReplicaGate(t/log)", logger));
      List<PatroniEndpoint> members =
          List.of(PatroniEndpoint.http("pg-1", HOST, unauthorized.actualPort()));
      for (int seconds : new int[] {0, 1, 30, 59, 60, 90, 120}) {
        ClusterSnapshot snapshot = await(poller.pollAll(members, TICK.plusSeconds(seconds)));
        assertThat(snapshot.samples().get("pg-1").failure()).isEqualTo(SampleFailure.UNAUTHORIZED);
      }
      List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines)
          .hasSize(3) // at 0 s, 60 s and 120 s
          .allSatisfy(
              line ->
                  assertThat(line)
                      .isEqualTo(
                          "ReplicaGate(t/log): Patroni of member pg-1 gave no usable answer"
                              + " (unauthorized): HTTP 401: check spec.patroni.credentialsSecret"));
      assertThat(String.join("\n", lines)).doesNotContain("hunter2");
    } finally {
      logger.detachAppender(appender);
      await(unauthorized.close());
    }
  }

  @Test
  void noMembersIsASnapshotWithoutLeader() {
    try (PatroniClient client = new PatroniClient(vertx, PatroniClientOptions.defaults())) {
      ClusterSnapshot snapshot =
          await(
              new PatroniPoller(vertx, client, new FailureLog("ReplicaGate(t/none)"))
                  .pollAll(List.of(), TICK));
      assertThat(snapshot.samples()).isEmpty();
      assertThat(snapshot.noLeaderReason()).isEqualTo("no leader answered");
    }
  }

  @Test
  void withAPollContextTheRequestsAndTheSnapshotLiveOnItsEventLoop() {
    // The members answer only once the caller listens, so the snapshot cannot be complete before.
    Promise<Void> listening = Promise.promise();
    HttpServer leader = answeringAfter(listening.future(), LEADER);
    HttpServer replica = answeringAfter(listening.future(), CAUGHT_UP);
    // A worker caller: its thread is no event loop, so the test holds whichever event loop the
    // poll context was given.
    Context caller = await(verticleContext(ThreadingModel.WORKER));
    Context pollContext = await(verticleContext(ThreadingModel.EVENT_LOOP));
    Thread pollThread = await(threadOf(pollContext));
    try (PatroniClient client = new PatroniClient(vertx, PatroniClientOptions.defaults())) {
      PatroniPoller poller =
          new PatroniPoller(
              vertx,
              client,
              new FailureLog("ReplicaGate(t/ctx)"),
              PatroniPoller.DEFAULT_MARGIN,
              pollContext);
      List<PatroniEndpoint> endpoints =
          List.of(
              PatroniEndpoint.http("pg-0", HOST, leader.actualPort()),
              PatroniEndpoint.http("pg-1", HOST, replica.actualPort()));
      Promise<ClusterSnapshot> done = Promise.promise();
      Promise<Thread> completedOn = Promise.promise();
      caller.runOnContext(
          v -> {
            poller
                .pollAll(endpoints, TICK)
                .onComplete(
                    ar -> {
                      completedOn.complete(Thread.currentThread());
                      done.handle(ar);
                    });
            listening.complete();
          });
      ClusterSnapshot snapshot = await(done.future());

      assertThat(snapshot.samples()).hasSize(2);
      assertThat(snapshot.samples().values()).allSatisfy(s -> assertThat(s.usable()).isTrue());
      assertThat(await(completedOn.future()))
          .as("the thread the snapshot completed on")
          .isSameAs(pollThread);
    } finally {
      await(leader.close());
      await(replica.close());
    }
  }

  /** A keep-alive member that answers {@code body} to each request once {@code release} is done. */
  private static HttpServer answeringAfter(Future<Void> release, Buffer body) {
    return await(
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  Context server = Vertx.currentContext();
                  release.onComplete(
                      v ->
                          server.runOnContext(
                              x ->
                                  request
                                      .response()
                                      .putHeader("Content-Type", "application/json")
                                      .end(body)));
                })
            .listen(0, HOST));
  }

  private static Future<Context> verticleContext(ThreadingModel threading) {
    Promise<Context> started = Promise.promise();
    vertx.deployVerticle(
        new AbstractVerticle() {
          @Override
          public void start() {
            started.complete(context);
          }
        },
        new DeploymentOptions().setThreadingModel(threading));
    return started.future();
  }

  private static Future<Thread> threadOf(Context context) {
    Promise<Thread> thread = Promise.promise();
    context.runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.future();
  }
}
