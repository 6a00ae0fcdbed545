package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static io.syncgate.policy.gating.Samples.timeout;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GateRestoreTest {

  // The story was written in 30 s steps (the default before it became 60 s).
  private static final GatePolicy POLICY =
      GatePolicy.builder().stepInterval(Duration.ofSeconds(30)).build();
  private static final Instant T0 = GateDriver.START;

  /** What the status writer persists of a state. */
  private static List<StoredReplica> persisted(GateState state) {
    return state.replicas().values().stream().map(r -> StoredReplica.of(r, state.route())).toList();
  }

  private static GateState restart(GateState state, Instant now) {
    return GateRestore.restore(
        persisted(state), state.route(), state.leader(), state.timeline(), POLICY, now);
  }

  private static MemberSample ok(String name) {
    return replica(name, 1, 8 * KIB);
  }

  private static Map<String, Phase> phases(GateState state) {
    return state.replicas().values().stream()
        .collect(Collectors.toMap(ReplicaState::name, ReplicaState::phase));
  }

  /**
   * pg-1 Serving, pg-2 Ramping(0), pg-3 Gated mid-run, pg-4 Ejected, pg-5 Unknown; clock at t=113.
   */
  private static GateDriver mixedCluster() {
    GateDriver d = new GateDriver(POLICY);
    List<MemberSample> samples = List.of(leader("pg-0", 1), ok("pg-1"), ok("pg-4"));
    d.tick(samples);
    for (long dt : new long[] {10, 30, 30, 30}) {
      d.advanceSeconds(dt).tick(samples);
    }
    // t=100: pg-2 joins, t=110 admitted (it would step at t=140); t=112 pg-3..pg-5 join.
    d.tick(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), ok("pg-4"));
    d.advanceSeconds(10).tick(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), ok("pg-4"));
    d.advanceSeconds(2)
        .tick(
            leader("pg-0", 1),
            ok("pg-1"),
            ok("pg-2"),
            ok("pg-3"),
            replica("pg-4", 1, 32 * MIB),
            timeout("pg-5"));
    d.advanceSeconds(1)
        .tick(
            leader("pg-0", 1),
            ok("pg-1"),
            ok("pg-2"),
            ok("pg-3"),
            replica("pg-4", 1, 32 * MIB),
            timeout("pg-5"));
    assertThat(phases(d.state()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "pg-1", Phase.SERVING,
                "pg-2", Phase.RAMPING,
                "pg-3", Phase.GATED,
                "pg-4", Phase.EJECTED,
                "pg-5", Phase.UNKNOWN));
    return d;
  }

  @Test
  void theFirstStepAfterARestartWithTheSameSamplesMovesNoTraffic() {
    GateDriver d = mixedCluster();
    List<MemberSample> same =
        List.of(
            leader("pg-0", 1),
            ok("pg-1"),
            ok("pg-2"),
            ok("pg-3"),
            replica("pg-4", 1, 32 * MIB),
            timeout("pg-5"));
    GateState restored = restart(d.state(), d.now());
    for (Instant at : List.of(d.now(), d.now().plusSeconds(1))) {
      ClusterSnapshot snapshot = ClusterSnapshot.of(same, at);
      StepResult continued = GatingStep.step(d.state(), snapshot, POLICY, at);
      StepResult afterRestart = GatingStep.step(restored, snapshot, POLICY, at);
      assertThat(afterRestart.plan().route()).isEqualTo(continued.plan().route());
      assertThat(phases(afterRestart.state())).isEqualTo(phases(continued.state()));
      assertThat(afterRestart.plan().transitions()).isEmpty();
    }
  }

  @Test
  void restoredFieldsAreTheStoredOnesOrTheSafeDefaults() {
    GateDriver d = mixedCluster();
    Instant restartAt = d.now().plusSeconds(5);
    GateState restored = restart(d.state(), restartAt);
    assertThat(restored.leader()).isEqualTo("pg-0");
    assertThat(restored.timeline()).isEqualTo(1L);
    assertThat(restored.route()).isEqualTo(d.state().route());
    for (ReplicaState before : d.state().replicas().values()) {
      ReplicaState after = restored.replicas().get(before.name());
      assertThat(after.phase()).isEqualTo(before.phase());
      assertThat(after.step()).isEqualTo(before.step());
      assertThat(after.since()).isEqualTo(before.since());
      assertThat(after.lagBytes()).isEqualTo(before.lagBytes());
      assertThat(after.lagSeconds()).isEqualTo(before.lagSeconds());
      assertThat(after.reason()).isEqualTo(before.reason());
      assertThat(after.admissibleSince()).isNull();
      assertThat(after.lastUsableSample()).isEqualTo(before.since());
    }
    assertThat(restored.replicas().get("pg-2").stepSince()).isEqualTo(restartAt);
  }

  @Test
  void aRestartMidRampHoldsTheCurrentStepOneFullIntervalFromTheRestart() {
    GateDriver d = new GateDriver(POLICY);
    d.tick(leader("pg-0", 1), ok("pg-1"));
    d.advanceSeconds(10).tick(leader("pg-0", 1), ok("pg-1"));
    d.advanceSeconds(30).tick(leader("pg-0", 1), ok("pg-1"));
    assertThat(d.replica("pg-1").step()).isEqualTo(1);
    // Restart at t=50; without it step 2 would come at t=70.
    d.advanceSeconds(10);
    GateDriver restarted = new GateDriver(POLICY, restart(d.state(), d.now()));
    restarted.advance(Duration.between(GateDriver.START, d.now()));
    restarted.advanceSeconds(20).tick(leader("pg-0", 1), ok("pg-1"));
    assertThat(restarted.replica("pg-1").step()).isEqualTo(1);
    restarted.advanceSeconds(9).tick(leader("pg-0", 1), ok("pg-1"));
    assertThat(restarted.replica("pg-1").step()).isEqualTo(1);
    restarted.advanceSeconds(1).tick(leader("pg-0", 1), ok("pg-1"));
    assertThat(restarted.replica("pg-1").step()).isEqualTo(2);
  }

  @Test
  void aGatedReplicaCountsStableForAgainAfterARestart() {
    GateDriver d = new GateDriver(POLICY);
    d.tick(leader("pg-0", 1), ok("pg-1"));
    d.advanceSeconds(8).tick(leader("pg-0", 1), ok("pg-1"));
    GateDriver restarted = new GateDriver(POLICY, restart(d.state(), d.now()));
    restarted.advanceSeconds(8).tick(leader("pg-0", 1), ok("pg-1"));
    restarted.advanceSeconds(9).tick(leader("pg-0", 1), ok("pg-1"));
    assertThat(restarted.phase("pg-1")).isEqualTo(Phase.GATED);
    restarted.advanceSeconds(1).tick(leader("pg-0", 1), ok("pg-1"));
    assertThat(restarted.phase("pg-1")).isEqualTo(Phase.RAMPING);
  }

  @Test
  void aReplicaSilentRightAfterARestartCountsFromItsLastPhaseChange() {
    StoredReplica serving =
        new StoredReplica("pg-1", Phase.SERVING, 0, 100, T0.minusSeconds(600), 0L, 0.0, "x");
    GateState restored =
        GateRestore.restore(
            List.of(serving), Optional.of(route("pg-1", 100)), "pg-0", 1L, POLICY, T0);
    StepResult r =
        GatingStep.step(
            restored,
            ClusterSnapshot.of(List.of(leader("pg-0", 1), timeout("pg-1")), T0),
            POLICY,
            T0);
    assertThat(r.state().replicas().get("pg-1").phase()).isEqualTo(Phase.EJECTED);
    assertThat(r.state().replicas().get("pg-1").reason())
        .isEqualTo("Patroni unreachable for 10m: timeout after 2s");
  }

  @Test
  void oddStoredEntriesAreReadSafely() {
    List<StoredReplica> stored =
        List.of(
            new StoredReplica("pg-0", Phase.SERVING, 0, 0, T0, null, null, null),
            new StoredReplica("pg-1", null, 0, 0, null, null, null, null),
            new StoredReplica("pg-2", Phase.RAMPING, 7, 60, T0.minusSeconds(100), 0L, null, "r"),
            new StoredReplica("pg-2", Phase.GATED, 0, 0, T0, 0L, null, "duplicate"),
            new StoredReplica("pg-3", Phase.GATED, 0, 40, T0.plusSeconds(3600), 5L, null, "g"));
    GateState restored = GateRestore.restore(stored, Optional.empty(), "pg-0", 4L, POLICY, T0);
    Map<String, ReplicaState> byName =
        restored.replicas().values().stream()
            .collect(Collectors.toMap(ReplicaState::name, Function.identity()));
    assertThat(byName).containsOnlyKeys("pg-1", "pg-2", "pg-3");
    assertThat(byName.get("pg-1").phase()).isEqualTo(Phase.UNKNOWN);
    assertThat(byName.get("pg-1").since()).isEqualTo(T0);
    assertThat(byName.get("pg-1").reason()).isEqualTo("restored from status");
    assertThat(byName.get("pg-2").phase()).isEqualTo(Phase.RAMPING);
    assertThat(byName.get("pg-2").step()).isEqualTo(2);
    assertThat(byName.get("pg-2").reason()).isEqualTo("r");
    assertThat(byName.get("pg-3").since()).isEqualTo(T0);
    // No live route: the stored weights sum to 100 (0 + 60 + 40), so they stand in for it.
    assertThat(restored.route()).contains(route("pg-1", 0, "pg-2", 60, "pg-3", 40));
  }

  @Test
  void storedWeightsThatDoNotSumTo100AreNoRoute() {
    List<StoredReplica> stored =
        List.of(
            new StoredReplica("pg-1", Phase.SERVING, 0, 50, T0, 0L, null, null),
            new StoredReplica("pg-2", Phase.SERVING, 0, null, T0, 0L, null, null));
    assertThat(GateRestore.restore(stored, Optional.empty(), "pg-0", 1L, POLICY, T0).route())
        .isEmpty();
    List<StoredReplica> short1 =
        List.of(new StoredReplica("pg-1", Phase.SERVING, 0, 90, T0, 0L, null, null));
    assertThat(GateRestore.restore(short1, Optional.empty(), "pg-0", 1L, POLICY, T0).route())
        .isEmpty();
  }

  @Test
  void aRampingReplicaUnderASingleStepPolicyIsServing() {
    GatePolicy oneStep = GatePolicy.builder().rampSteps(List.of(100)).build();
    GateState restored =
        GateRestore.restore(
            List.of(new StoredReplica("pg-1", Phase.RAMPING, 1, 100, T0, 0L, null, null)),
            Optional.empty(),
            "pg-0",
            1L,
            oneStep,
            T0);
    assertThat(restored.replicas().get("pg-1").phase()).isEqualTo(Phase.SERVING);
    assertThat(restored.replicas().get("pg-1").stepSince()).isNull();
  }

  private static Route route(Object... subsetsAndWeights) {
    List<RouteDestination> destinations = new java.util.ArrayList<>();
    for (int i = 0; i < subsetsAndWeights.length; i += 2) {
      destinations.add(
          new RouteDestination((String) subsetsAndWeights[i], (Integer) subsetsAndWeights[i + 1]));
    }
    return new Route(destinations);
  }
}
