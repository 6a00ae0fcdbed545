package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.GATE;
import static io.syncgate.controller.kube.ControllerHarness.GIB;
import static io.syncgate.controller.kube.ControllerHarness.NAMESPACE;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.syncgate.controller.demo.SimulatedMember;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.TcpFaultProxy;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.status.GateConditions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault matrix: the real controller (informers, election, ticks, writers) against the embedded
 * API server and simulated Patroni members, through the faults a production cluster has. Each
 * scenario checks the invariants of {@link FaultRun} over every request the API server received,
 * and times how long the gate took to show the problem and to recover, each within a stated bound.
 * The table is printed and written to {@code target/fault-matrix.md}.
 *
 * <p>Controllers campaign for the Lease (2 s lease, 1.5 s renew deadline) unless a scenario says
 * otherwise, so the fencing invariant is checked everywhere. Gates poll every 200 ms, stableFor 1
 * s, stepInterval 1 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {

  private static final long POSITION = ControllerHarness.START_POSITION;
  private static final List<Integer> FOUR_STEPS = List.of(10, 25, 50, 100);
  private static final List<Integer> TWO_STEPS = List.of(50, 100);
  private static final Duration STEP_INTERVAL = Duration.ofSeconds(1);
  private static final List<FaultRun.Row> ROWS = Collections.synchronizedList(new ArrayList<>());

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @AfterAll
  static void printTable() throws IOException {
    List<FaultRun.Row> rows = new ArrayList<>(ROWS);
    String table = FaultRun.table(rows);
    System.out.println("FaultMatrixIT:\n" + table);
    Path out = Path.of("target", "fault-matrix.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  @Test
  @Order(1)
  void apiServerDownWhenTheControllerStarts() {
    cluster(2, 0, TWO_STEPS);
    TcpFaultProxy proxy = proxy(0);
    FaultRun run = run("API server down at start (connections refused for 8 s)", "controller-a");

    run.faultStarts();
    ControllerHarness.Running c =
        h.deployController(h.config("controller-a"), proxy.url(), Clock.systemUTC());
    run.shows(
        "/readyz names the failing list",
        Duration.ofSeconds(10),
        () -> c.controller().notReadyReason(),
        reason -> reason != null && reason.startsWith("informers have not synced yet: "));
    FaultRun.lasting(Duration.ofSeconds(8));
    assertThat(c.controller().stuckReason()).as("/healthz within its 2 min of patience").isNull();
    assertThat(h.weights()).isEmpty();
    proxy.accepting();
    run.faultEnds();

    run.recovers(
        "replicas serving, Ready=True",
        Duration.ofSeconds(40),
        () -> h.weights().equals(expected(member(1), 50, member(2), 50)) && ready());
    ROWS.add(run.check());
  }

  @Test
  @Order(2)
  void meshWritesFailForLongerThanAWholeRampWhileAReplicaRamps() {
    ControllerHarness.Running c = serving(1, FOUR_STEPS);
    FaultRun run =
        run("mesh writes fail (500) for longer than a whole ramp, mid-ramp", "controller-a");
    joinAndCatchUp(run, 3);
    long joined = System.nanoTime();
    Await.until(
        Duration.ofSeconds(10),
        "the joiner's first ramp step in the route",
        () -> h.weights().getOrDefault(member(3), 0) > 0);

    run.faultStarts();
    h.api.inject(
        anyOf(
            EmbeddedApiServer.failingWrites("/virtualservices", 500),
            EmbeddedApiServer.failingWrites("/destinationrules", 500)));
    run.shows(
        "Ready=False MeshWriteFailed",
        Duration.ofSeconds(3),
        () -> condition(GateConditions.READY, "False", "MeshWriteFailed"));
    // The ramp takes 3 s (four steps a second apart); the writes fail for 25 ticks, ~5 s.
    c.awaitTicks(GATE, 25, Duration.ofSeconds(30));
    h.api.inject(null);
    run.faultEnds();

    run.recovers(
        "joiner at its full share, Ready=True",
        Duration.ofSeconds(15),
        () -> h.weights().equals(expected(member(1), 34, member(2), 33, member(3), 33)) && ready());
    // Every step was written, in order: the ramp did not advance while its writes failed.
    assertThat(run.weightsWritten(member(3), joined)).containsExactly(5, 11, 20, 33);
    ROWS.add(run.check());
  }

  @Test
  @Order(3)
  void watchesDroppedEverySecond() {
    cluster(2, 1, FOUR_STEPS);
    TcpFaultProxy proxy = proxy(0);
    proxy.accepting();
    via("controller-a", proxy);
    h.awaitServing(2);
    FaultRun run = run("every connection (watches included) dropped every second", "controller-a");

    run.faultStarts();
    long dropper = h.simulatorVertx.setPeriodic(1000, id -> proxy.dropConnections());
    try {
      // Only the pod watch can tell the controller about the joiner.
      long joined = System.nanoTime();
      joinAndCatchUp(run, 3);
      run.recoversDuringTheFault(
          "the joiner through the whole ramp while drops go on (timed from its catch-up)",
          Duration.ofSeconds(20),
          System.nanoTime(),
          () -> h.weights().equals(expected(member(1), 34, member(2), 33, member(3), 33)));
      assertThat(proxy.dropped()).as("connections dropped").isGreaterThanOrEqualTo(3);
      assertWholeRamp(run.weightsWritten(member(3), joined), FOUR_STEPS.size());
    } finally {
      h.simulatorVertx.cancelTimer(dropper);
    }
    run.faultEnds();
    Await.until(Duration.ofSeconds(5), "Ready=True", this::ready);
    ROWS.add(run.check());
  }

  @Test
  @Order(4)
  void conflictStormOnEveryWrite() {
    ControllerHarness.Running c = serving(0, TWO_STEPS);
    FaultRun run =
        run(
            "409 on every mesh write and every other status write; a replica falls behind",
            "controller-a");

    AtomicInteger statusWrites = new AtomicInteger();
    EmbeddedApiServer.Fault meshConflicts =
        anyOf(
            EmbeddedApiServer.failingWrites("/virtualservices", 409),
            EmbeddedApiServer.failingWrites("/destinationrules", 409));
    run.faultStarts();
    h.api.inject(
        request -> {
          if (request.getMethod().equals("PUT")
              && request.getPath().contains(ControllerHarness.STATUS_PATH)) {
            return statusWrites.incrementAndGet() % 2 == 1 ? status(409) : null;
          }
          return meshConflicts.answer(request);
        });
    run.lag(2, POSITION, GIB);
    run.shows(
        "Ready=False MeshWriteFailed",
        Duration.ofSeconds(5),
        () -> condition(GateConditions.READY, "False", "MeshWriteFailed"));
    c.awaitTicks(GATE, 20, Duration.ofSeconds(30));
    h.api.inject(null);
    run.faultEnds();

    run.recovers(
        "the lagging replica ejected, Ready=True",
        Duration.ofSeconds(5),
        () -> h.weights().equals(expected(member(1), 100, member(2), 0)) && ready());
    ROWS.add(run.check());
  }

  @Test
  @Order(5)
  void leaseHolderPartitionedWhileTheStandbyTakesOver() {
    cluster(2, 0, TWO_STEPS);
    TcpFaultProxy toA = proxy(0);
    TcpFaultProxy toB = proxy(1);
    toA.accepting();
    toB.accepting();
    ControllerHarness.Running a = via("controller-a", toA);
    ControllerHarness.Running b = via("controller-b", toB);
    h.awaitServing(2);
    Await.until(
        Duration.ofSeconds(10),
        "one of the two leading",
        () -> a.controller().leading() || b.controller().leading());
    boolean aLeads = a.controller().leading();
    ControllerHarness.Running holder = aLeads ? a : b;
    ControllerHarness.Running standby = aLeads ? b : a;
    TcpFaultProxy holderLink = aLeads ? toA : toB;
    FaultRun run =
        run(
            "the lease holder partitioned from the API server (requests hang)",
            "controller-a",
            "controller-b");

    run.faultStarts();
    holderLink.partitioned(true);
    run.shows(
        "the standby leads",
        h.config("x").leaseTiming().leaseDuration().plusSeconds(5),
        standby.controller()::leading);
    assertThat(holder.controller().leading()).isFalse();
    long lagged = System.nanoTime();
    run.lag(2, POSITION, GIB);
    run.recoversDuringTheFault(
        "the standby ejects a replica that fell behind (timed from its lag)",
        FaultRun.DETECTION,
        lagged,
        () -> h.weights().equals(expected(member(1), 100, member(2), 0)));
    holderLink.partitioned(false);
    run.faultEnds();
    // Healed, the old holder sees the standby's renewals and stays a standby.
    standby.awaitTicks(GATE, 10, Duration.ofSeconds(10));
    assertThat(holder.controller().leading()).isFalse();
    assertThat(standby.controller().leading()).isTrue();
    ROWS.add(run.check());
  }

  @Test
  @Order(6)
  void wallClockStepsAnHourBackAndTwoHoursForward() {
    cluster(2, 1, FOUR_STEPS);
    SteppedClock wall = new SteppedClock();
    h.startController(h.config("controller-a"), h.api.config().getMasterUrl(), wall);
    h.awaitServing(2);
    FaultRun run = run("wall clock stepped -1 h mid-ramp, then +2 h", "controller-a");
    long joined = System.nanoTime();
    joinAndCatchUp(run, 3);
    Await.until(
        Duration.ofSeconds(10),
        "the joiner's first ramp step in the route",
        () -> h.weights().getOrDefault(member(3), 0) > 0);

    run.faultStarts();
    wall.step(Duration.ofHours(-1));
    Await.until(
        Duration.ofSeconds(10),
        "the ramp going on after the backwards step",
        () -> h.weights().equals(expected(member(1), 34, member(2), 33, member(3), 33)));
    assertWholeRamp(run.weightsWritten(member(3), joined), FOUR_STEPS.size());
    assertStepsApart(run.stepsWritten(member(3), joined));

    wall.step(Duration.ofHours(2));
    long lagged = System.nanoTime();
    run.lag(2, POSITION, GIB);
    Await.until(
        FaultRun.DETECTION,
        "the lagging replica ejected after the forward step",
        () -> h.weights().getOrDefault(member(2), -1) == 0);
    run.lag(2, POSITION, 0);
    run.faultEnds();

    run.recovers(
        "the replica back through stableFor and the whole ramp",
        Duration.ofSeconds(15),
        () -> h.weights().equals(expected(member(1), 34, member(2), 33, member(3), 33)));
    assertWholeRamp(run.weightsWritten(member(2), lagged), FOUR_STEPS.size());
    assertStepsApart(run.stepsWritten(member(2), lagged));
    ROWS.add(run.check());
  }

  @Test
  @Order(7)
  void podRecreatedUnderTheSameNameWithANewIpAndUid() {
    serving(0, TWO_STEPS);
    FaultRun run =
        run(
            "a serving pod re-created under its name, new IP and uid, 2 GiB behind",
            "controller-a");
    SimulatedMember restored =
        h.simulateAlso(
            SimulatedMember.replica(member(2), h.ip(5), ControllerHarness.PATRONI_PORT)
                .setReceivedAndReplayed(POSITION - 2 * GIB));
    String oldUid =
        h.admin().pods().inNamespace(NAMESPACE).withName(member(2)).get().getMetadata().getUid();

    run.faultStarts();
    run.notePodLag(member(2), true);
    h.admin().pods().inNamespace(NAMESPACE).withName(member(2)).withGracePeriod(0).delete();
    Await.until(
        Duration.ofSeconds(5),
        "the old pod gone",
        () -> h.admin().pods().inNamespace(NAMESPACE).withName(member(2)).get() == null);
    Pod recreated = TestGates.createPod(h.admin(), member(2), h.ip(5));
    long recreatedAt = System.nanoTime();
    assertThat(recreated.getMetadata().getUid()).isNotEqualTo(oldUid);
    run.shows(
        "the new pod Gated under its new uid",
        Duration.ofSeconds(5),
        () -> {
          ReplicaStatus status = h.replicaStatus(2);
          return status != null
              && recreated.getMetadata().getUid().equals(status.getUid())
              && "Gated".equals(status.getPhase());
        });
    restored.setReceivedAndReplayed(POSITION);
    run.notePodLag(member(2), false);
    run.faultEnds();

    run.recovers(
        "the new pod through stableFor and the ramp",
        Duration.ofSeconds(10),
        () -> h.weights().equals(expected(member(1), 50, member(2), 50)));
    assertWholeRamp(run.weightsWritten(member(2), recreatedAt), TWO_STEPS.size());
    ROWS.add(run.check());
  }

  @Test
  @Order(8)
  void gateDeletedAndRecreatedWhileTheControllerCannotWatch() {
    cluster(2, 0, TWO_STEPS);
    TcpFaultProxy proxy = proxy(0);
    proxy.accepting();
    // No election: the gate must change uid within one term, seen as an update on the relist.
    ControllerHarness.Running c =
        h.startController(
            h.config("controller-a").withLeaderElection(false, NAMESPACE, "-"),
            proxy.url(),
            Clock.systemUTC());
    h.awaitServing(2);
    FaultRun run = run("gate deleted and re-created (new uid) while the watch was down");
    String oldUid = h.gate().getMetadata().getUid();

    run.faultStarts();
    proxy.refusing();
    run.lag(2, POSITION, GIB);
    h.admin().resources(ReplicaGate.class).inNamespace(NAMESPACE).withName(GATE).delete();
    Await.until(Duration.ofSeconds(5), "the gate gone", () -> h.gate() == null);
    h.createGate(spec -> spec.getRamp().setSteps(TWO_STEPS));
    assertThat(h.gate().getMetadata().getUid()).isNotEqualTo(oldUid);
    proxy.accepting();
    run.faultEnds();

    run.recovers(
        "the new gate ejects the lagging replica, Ready=True",
        Duration.ofSeconds(20),
        () ->
            h.weights().equals(expected(member(1), 100, member(2), 0))
                && ready()
                && h.gate().getStatus().getReplicas().stream()
                    .noneMatch(
                        r -> "Serving".equals(r.getPhase()) && member(2).equals(r.getName())));
    assertThat(c.ticks(GATE)).isPositive();
    ROWS.add(run.check());
  }

  @Test
  @Order(9)
  void selectorTypoWhileAReplicaFallsBehind() {
    serving(0, TWO_STEPS);
    FaultRun run =
        run(
            "selector edited to an unknown operator; a replica falls behind meanwhile",
            "controller-a");

    run.faultStarts();
    editSelector(
        List.of(
            new LabelSelectorRequirementBuilder()
                .withKey(TestGates.CLUSTER_LABEL)
                .withOperator("Inn")
                .withValues("hippo")
                .build()));
    run.shows(
        "Ready=False InvalidSpec naming selector.matchExpressions[0].operator",
        Duration.ofSeconds(5),
        () -> {
          Condition ready = condition(GateConditions.READY);
          return ready != null
              && "InvalidSpec".equals(ready.getReason())
              && ready.getMessage().contains("selector.matchExpressions[0].operator");
        });
    run.lag(2, POSITION, GIB);
    editSelector(List.of());
    run.faultEnds();

    run.recovers(
        "the lagging replica ejected, Ready=True",
        Duration.ofSeconds(5),
        () -> h.weights().equals(expected(member(1), 100, member(2), 0)) && ready());
    ROWS.add(run.check());
  }

  @Test
  @Order(10)
  void memberWhoseNameCannotNameASubset() {
    serving(0, TWO_STEPS);
    FaultRun run = run("a member pod named hippo.5 (not a DNS-1123 label)", "controller-a");
    h.simulateAlso(
        SimulatedMember.replica("hippo.5", h.ip(5), ControllerHarness.PATRONI_PORT)
            .setReceivedAndReplayed(POSITION));

    run.faultStarts();
    TestGates.createPod(h.admin(), "hippo.5", h.ip(5));
    run.shows(
        "MembersExcluded=True InvalidSubsetName naming hippo.5",
        Duration.ofSeconds(5),
        () -> {
          Condition excluded = condition(GateConditions.MEMBERS_EXCLUDED);
          return excluded != null
              && "True".equals(excluded.getStatus())
              && "InvalidSubsetName".equals(excluded.getReason())
              && excluded.getMessage().contains("hippo.5");
        });
    run.lag(2, POSITION, GIB);
    Await.until(
        FaultRun.DETECTION,
        "the lagging replica still ejected",
        () -> h.weights().equals(expected(member(1), 100, member(2), 0)));
    h.admin().pods().inNamespace(NAMESPACE).withName("hippo.5").withGracePeriod(0).delete();
    run.faultEnds();

    run.recovers(
        "MembersExcluded=False",
        Duration.ofSeconds(5),
        () -> condition(GateConditions.MEMBERS_EXCLUDED, "False", "NoneExcluded"));
    ROWS.add(run.check());
  }

  @Test
  @Order(11)
  void hostilePatroniStrings() {
    serving(0, TWO_STEPS);
    FaultRun run =
        run(
            "64 KiB state / replication_state with newlines and control characters",
            "controller-a");
    String hostile = ("evil\n2026-12-07 INFO forged log line\u0000\u001b[31m").repeat(600);

    run.faultStarts();
    // A replica out of the route for its lag, kept out by its replication state; one not running.
    run.lag(1, POSITION, GIB);
    h.sim(1).setReplicationState(hostile);
    h.sim(2).setState(hostile);
    Await.until(
        FaultRun.DETECTION,
        "the lagging replica ejected",
        () -> Integer.valueOf(0).equals(h.weights().get(member(1))));
    run.lag(1, POSITION, 0);
    run.shows(
        "both replicas out, each with a reason quoting the string",
        Duration.ofSeconds(5),
        () -> java.util.Arrays.asList(h.replicaStatus(1), h.replicaStatus(2)),
        replicas ->
            replicas.stream()
                .allMatch(
                    r ->
                        r != null
                            && Integer.valueOf(0).equals(r.getWeight())
                            && r.getReason() != null
                            && r.getReason().contains("evil")));
    ReplicaGate gate = h.gate();
    for (ReplicaStatus status : gate.getStatus().getReplicas()) {
      assertThat(status.getReason().length()).isLessThanOrEqualTo(SafeText.MAX_REASON_CHARS);
      assertThat(status.getReason()).doesNotContain("\n", "\u0000", "\u001b");
    }
    String written = h.admin().getKubernetesSerialization().asJson(gate.getStatus());
    assertThat(written.length()).as("the status's size").isLessThan(16 * 1024);
    assertThat(h.weights()).isEqualTo(expected(member(0), 100, member(1), 0, member(2), 0));
    h.sim(1).setReplicationState("streaming");
    h.sim(2).setState("running");
    run.faultEnds();

    run.recovers(
        "both replicas serving again",
        Duration.ofSeconds(10),
        () -> h.weights().equals(expected(member(1), 50, member(2), 50)));
    ROWS.add(run.check());
  }

  // ------------------------------------------------------------------ set-up

  /** {@link ControllerHarness#cluster} with these ramp steps. */
  private void cluster(int replicas, int joiners, List<Integer> steps) {
    h.cluster(replicas, joiners, spec -> spec.getRamp().setSteps(steps));
  }

  /**
   * {@link #cluster} with two serving replicas and {@code joiners}, and controller-a campaigning
   * for the Lease; returns once both replicas serve.
   */
  private ControllerHarness.Running serving(int joiners, List<Integer> steps) {
    cluster(2, joiners, steps);
    ControllerHarness.Running c = h.startController(h.config("controller-a"));
    h.awaitServing(2);
    return c;
  }

  private FaultRun run(String scenario, String... electedIdentities) {
    return new FaultRun(h, scenario, List.of(electedIdentities));
  }

  /** The joiner's pod appears 5 GiB behind; it is in the route at 0, then catches up. */
  private void joinAndCatchUp(FaultRun run, int joiner) {
    run.notePodLag(member(joiner), true);
    h.createPod(joiner);
    Await.until(
        Duration.ofSeconds(10),
        "the joiner in the route at weight 0",
        () -> Integer.valueOf(0).equals(h.weights().get(member(joiner))));
    run.lag(joiner, POSITION, 0);
  }

  /** A proxy to the API server on this scenario's loopback subnet, not yet accepting. */
  private TcpFaultProxy proxy(int index) {
    URI target = URI.create(h.api.config().getMasterUrl());
    TcpFaultProxy proxy =
        new TcpFaultProxy(
            h.simulatorVertx, h.ip(10 + index), 6443, target.getHost(), target.getPort());
    h.onClose(proxy::close);
    return proxy;
  }

  /** Starts the controller {@code identity}, reaching the API server through {@code proxy}. */
  private ControllerHarness.Running via(String identity, TcpFaultProxy proxy) {
    return h.startController(h.config(identity), proxy.url(), Clock.systemUTC());
  }

  private void editSelector(List<io.fabric8.kubernetes.api.model.LabelSelectorRequirement> exprs) {
    h.admin()
        .resources(ReplicaGate.class)
        .inNamespace(NAMESPACE)
        .withName(GATE)
        .edit(
            gate -> {
              gate.getSpec().getSelector().setMatchExpressions(new ArrayList<>(exprs));
              return gate;
            });
  }

  // ------------------------------------------------------------------ checks

  /**
   * From the replica's last weight 0 on: one write per step, each heavier than the one before.
   *
   * @param weights the replica's weights in the routes written since it fell behind or appeared
   */
  private static void assertWholeRamp(List<Integer> weights, int steps) {
    int lastZero = weights.lastIndexOf(0);
    assertThat(lastZero).as("weight 0 in %s", weights).isNotNegative();
    List<Integer> ramp = weights.subList(lastZero, weights.size());
    assertThat(ramp)
        .as("the ramp in %s", weights)
        .hasSize(steps + 1)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  /**
   * Each ramp step at least a stepInterval after the one before (less a tick's jitter): a clock
   * step must not hurry the ramp. A busy machine only makes the gaps longer.
   */
  private static void assertStepsApart(List<FaultRun.Step> steps) {
    int lastZero = steps.stream().map(FaultRun.Step::weight).toList().lastIndexOf(0);
    for (int i = lastZero + 2; i < steps.size(); i++) {
      assertThat(Duration.ofNanos(steps.get(i).nanos() - steps.get(i - 1).nanos()))
          .as("time between ramp steps %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(STEP_INTERVAL.minusMillis(150));
    }
  }

  private Condition condition(String type) {
    ReplicaGate gate = h.gate();
    return gate == null || gate.getStatus() == null
        ? null
        : GateConditions.find(gate.getStatus().getConditions(), type);
  }

  private boolean condition(String type, String status, String reason) {
    Condition found = condition(type);
    return found != null && status.equals(found.getStatus()) && reason.equals(found.getReason());
  }

  private boolean ready() {
    return condition(GateConditions.READY, "True", "Reconciled");
  }

  private static EmbeddedApiServer.Fault anyOf(EmbeddedApiServer.Fault... faults) {
    return request -> {
      for (EmbeddedApiServer.Fault fault : faults) {
        MockResponse answer = fault.answer(request);
        if (answer != null) {
          return answer;
        }
      }
      return null;
    };
  }

  private static MockResponse status(int code) {
    return new MockResponse()
        .setResponseCode(code)
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                + code
                + "}");
  }

  /** The system clock, stepped by a test. */
  private static final class SteppedClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void step(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
