package io.syncgate.policy.gating;

import static io.syncgate.policy.gating.Samples.GIB;
import static io.syncgate.policy.gating.Samples.KIB;
import static io.syncgate.policy.gating.Samples.MIB;
import static io.syncgate.policy.gating.Samples.leader;
import static io.syncgate.policy.gating.Samples.replica;
import static io.syncgate.policy.gating.Samples.timeout;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The seed problem, tick by tick on a simulated 1 s clock with the default policy: a cluster with
 * leader pg-0 and two serving replicas gets a new replica pg-3 that Patroni calls running while it
 * is 5 GiB behind. It gets no reads until it has caught up and stayed caught up for 10 s, then
 * ramps 10 → 25 → 50 → 100 % of a share every 30 s; a lag spike ejects it at once; a failover gates
 * what is left on the old timeline and brings the old leader back through Gated.
 *
 * <p>Expected weights are worked out here from the rule (weight_i = 100·s_i/Σs, largest remainder,
 * ties by name), not copied from output.
 */
class SeedStoryTest {

  // The story was written in 30 s steps (the default before it became 60 s).
  private static final GatePolicy POLICY =
      GatePolicy.builder().stepInterval(Duration.ofSeconds(30)).build();
  private static final long CAUGHT_UP = 8 * KIB;

  @Test
  void aCatchingUpReplicaIsHeldAtZeroThenRampsInAndIsEjectedOnALagSpike() {
    // Start-up: adopt what a previous controller left (two replicas serving 50/50).
    GateState adopted =
        GateRestore.restore(
            List.of(servingSince("pg-1"), servingSince("pg-2")),
            Optional.of(route("pg-1", 50, "pg-2", 50)),
            "pg-0",
            1L,
            POLICY,
            GateDriver.START);
    GateDriver d = new GateDriver(POLICY, adopted);

    // t=0: pg-3's pod exists but Patroni does not answer yet.
    StepResult r = d.tick(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), timeout("pg-3"));
    expect(d, r, Phase.UNKNOWN, 0, route("pg-1", 50, "pg-2", 50, "pg-3", 0));

    // t=1..20: running and "ready", but 5 GiB behind, replaying 256 MiB/s.
    for (int t = 1; t <= 20; t++) {
      long lag = 5 * GIB - (t - 1) * 256 * MIB;
      r = d.advanceSeconds(1).tick(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), behind("pg-3", lag));
      expect(d, r, Phase.GATED, 0, route("pg-1", 50, "pg-2", 50, "pg-3", 0));
      // From the third sample on, the reason says how fast it catches up and when it will be
      // within admission.maxLag: (lag - 1 MiB) / 256 MiB/s, rounded up to the next second.
      String catchingUp =
          t < CatchUp.MIN_SAMPLES
              ? ""
              : ", catching up at 256 MiB/s, ETA "
                  + HumanFormat.duration(
                      java.time.Duration.ofMillis(
                          (long) Math.ceil((lag - MIB) * 1000.0 / (256 * MIB))));
      assertThat(d.replica("pg-3").reason())
          .isEqualTo("lag " + HumanFormat.bytes(lag) + " > 1 MiB" + catchingUp);
      if (t == 1) {
        assertThat(d.replica("pg-3").reason()).isEqualTo("lag 5 GiB > 1 MiB");
      }
      if (t == 3) {
        assertThat(d.replica("pg-3").reason())
            .isEqualTo("lag 4.5 GiB > 1 MiB, catching up at 256 MiB/s, ETA 18s");
      }
    }

    // t=21..30: caught up (8 KiB), but not yet for 10 s.
    for (int t = 21; t <= 30; t++) {
      r = d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
      expect(d, r, Phase.GATED, 0, route("pg-1", 50, "pg-2", 50, "pg-3", 0));
    }
    assertThat(d.replica("pg-3").reason()).isEqualTo("lag 8 KiB <= 1 MiB for 9s of 10s");

    // t=31: admitted, 10 % of a share. Σs = 2.1 → 47.62 / 47.62 / 4.76 → floors 47/47/4, two
    // units left: pg-3 (.76) and pg-1 (.62, tie with pg-2 broken by name) → 48 / 47 / 5.
    r = d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
    expect(d, r, Phase.RAMPING, 0, route("pg-1", 48, "pg-2", 47, "pg-3", 5));
    assertThat(r.plan().transitions())
        .extracting(Transition::kind, Transition::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Transition.Kind.ADMITTED, "admitted: lag 8 KiB <= 1 MiB for 10s"));

    // Every step holds 30 s. 25 %: Σs = 2.25 → 44.44 / 44.44 / 11.11 → 44/44/11, one unit left
    // to pg-1 (.44 tie with pg-2, by name) → 45 / 44 / 11. 50 %: Σs = 2.5 → 40 / 40 / 20 exactly.
    // Serving: 33.33 each → the spare unit to pg-1 → 34 / 33 / 33.
    holdThenStep(d, Phase.RAMPING, 0, route("pg-1", 48, "pg-2", 47, "pg-3", 5));
    expect(d, d.last(), Phase.RAMPING, 1, route("pg-1", 45, "pg-2", 44, "pg-3", 11));
    holdThenStep(d, Phase.RAMPING, 1, route("pg-1", 45, "pg-2", 44, "pg-3", 11));
    expect(d, d.last(), Phase.RAMPING, 2, route("pg-1", 40, "pg-2", 40, "pg-3", 20));
    holdThenStep(d, Phase.RAMPING, 2, route("pg-1", 40, "pg-2", 40, "pg-3", 20));
    expect(d, d.last(), Phase.SERVING, 0, route("pg-1", 34, "pg-2", 33, "pg-3", 33));
    assertThat(d.now()).isEqualTo(GateDriver.START.plusSeconds(121));

    // t=122: a 32 MiB lag spike ejects pg-3 in this very tick.
    r = d.advanceSeconds(1).tick(cluster(32 * MIB));
    expect(d, r, Phase.EJECTED, 0, route("pg-1", 50, "pg-2", 50, "pg-3", 0));
    assertThat(d.replica("pg-3").reason()).isEqualTo("lag 32 MiB > 16 MiB");

    // t=123: caught up again → Gated, never straight back; admitted again at t=133.
    r = d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
    expect(d, r, Phase.GATED, 0, route("pg-1", 50, "pg-2", 50, "pg-3", 0));
    for (int t = 124; t <= 132; t++) {
      r = d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
      expect(d, r, Phase.GATED, 0, route("pg-1", 50, "pg-2", 50, "pg-3", 0));
    }
    r = d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
    expect(d, r, Phase.RAMPING, 0, route("pg-1", 48, "pg-2", 47, "pg-3", 5));
  }

  @Test
  void aFailoverGatesTheOldTimelineAndTheOldLeaderComesBackThroughGated() {
    GateState adopted =
        GateRestore.restore(
            List.of(servingSince("pg-1"), servingSince("pg-2")),
            Optional.of(route("pg-1", 50, "pg-2", 50)),
            "pg-0",
            1L,
            POLICY,
            GateDriver.START);
    GateDriver d = new GateDriver(POLICY, adopted);
    d.tick(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), ok("pg-3"));
    d.advanceSeconds(10).tick(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), ok("pg-3"));
    assertThat(d.last().plan().route()).contains(route("pg-1", 48, "pg-2", 47, "pg-3", 5));

    // t=11: the leader stops answering: fail static, nothing moves.
    StepResult r = d.advanceSeconds(1).tick(timeout("pg-0"), ok("pg-1"), ok("pg-2"), ok("pg-3"));
    assertThat(r.plan().route()).contains(route("pg-1", 48, "pg-2", 47, "pg-3", 5));
    assertThat(r.plan().degradedReason()).isEqualTo("leader pg-0 unreachable: timeout after 2s");

    // t=12: pg-1 is promoted on timeline 2. pg-2 already follows it; pg-3 is still on
    // timeline 1 and is ejected; pg-0 is silent and starts over as Unknown. No replica holds a
    // share: reads fall back to the new leader.
    r =
        d.advanceSeconds(1)
            .tick(timeout("pg-0"), leader("pg-1", 2), onTimeline("pg-2", 2), onTimeline("pg-3", 1));
    assertThat(r.plan().leader()).isEqualTo("pg-1");
    assertThat(d.phase("pg-0")).isEqualTo(Phase.UNKNOWN);
    assertThat(d.phase("pg-2")).isEqualTo(Phase.SERVING);
    assertThat(d.phase("pg-3")).isEqualTo(Phase.EJECTED);
    assertThat(d.replica("pg-3").reason()).isEqualTo("timeline 1 != leader timeline 2");
    assertThat(r.plan().route()).contains(route("pg-0", 0, "pg-2", 100, "pg-3", 0));
    assertThat(r.plan().transitions())
        .extracting(Transition::kind)
        .containsExactly(Transition.Kind.LEADER_CHANGED, Transition.Kind.EJECTED);

    // t=13: pg-0 is back as a replica of pg-1 and pg-3 has switched timelines: both Gated.
    r =
        d.advanceSeconds(1)
            .tick(
                onTimeline("pg-0", 2),
                leader("pg-1", 2),
                onTimeline("pg-2", 2),
                onTimeline("pg-3", 2));
    assertThat(d.phase("pg-0")).isEqualTo(Phase.GATED);
    assertThat(d.phase("pg-3")).isEqualTo(Phase.GATED);
    assertThat(r.plan().route()).contains(route("pg-0", 0, "pg-2", 100, "pg-3", 0));

    // t=14..22 Gated; t=23 both admitted at 10 %: Σs = 1.2 → 8.33 / 83.33 / 8.33 → floors
    // 8/83/8, one unit left, three equal remainders (.33) → pg-0 by name → 9 / 83 / 8.
    for (int t = 14; t <= 22; t++) {
      r =
          d.advanceSeconds(1)
              .tick(
                  onTimeline("pg-0", 2),
                  leader("pg-1", 2),
                  onTimeline("pg-2", 2),
                  onTimeline("pg-3", 2));
      assertThat(r.plan().route()).contains(route("pg-0", 0, "pg-2", 100, "pg-3", 0));
    }
    r =
        d.advanceSeconds(1)
            .tick(
                onTimeline("pg-0", 2),
                leader("pg-1", 2),
                onTimeline("pg-2", 2),
                onTimeline("pg-3", 2));
    assertThat(d.phase("pg-0")).isEqualTo(Phase.RAMPING);
    assertThat(d.phase("pg-3")).isEqualTo(Phase.RAMPING);
    assertThat(r.plan().route()).contains(route("pg-0", 9, "pg-2", 83, "pg-3", 8));
  }

  /** Ticks 29 times 1 s with pg-3 caught up, expecting no change, then once more: the next step. */
  private void holdThenStep(GateDriver d, Phase phase, int step, Route route) {
    for (int i = 0; i < 29; i++) {
      StepResult r = d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
      expect(d, r, phase, step, route);
    }
    d.advanceSeconds(1).tick(cluster(CAUGHT_UP));
  }

  private void expect(GateDriver d, StepResult r, Phase phase, int step, Route route) {
    long t = java.time.Duration.between(GateDriver.START, d.now()).toSeconds();
    assertThat(d.phase("pg-3")).as("pg-3 phase at t=%d", t).isEqualTo(phase);
    assertThat(d.replica("pg-3").step()).as("pg-3 step at t=%d", t).isEqualTo(step);
    assertThat(r.plan().route()).as("route at t=%d", t).contains(route);
    assertThat(d.phase("pg-1")).as("pg-1 at t=%d", t).isEqualTo(Phase.SERVING);
    assertThat(d.phase("pg-2")).as("pg-2 at t=%d", t).isEqualTo(Phase.SERVING);
  }

  private static List<MemberSample> cluster(long pg3Lag) {
    return List.of(leader("pg-0", 1), ok("pg-1"), ok("pg-2"), behind("pg-3", pg3Lag));
  }

  private static MemberSample ok(String name) {
    return replica(name, 1, CAUGHT_UP);
  }

  private static MemberSample onTimeline(String name, long timeline) {
    return replica(name, timeline, CAUGHT_UP);
  }

  private static MemberSample behind(String name, long lag) {
    return replica(name, 1, lag);
  }

  private static StoredReplica servingSince(String name) {
    return new StoredReplica(
        name,
        Phase.SERVING,
        0,
        50,
        GateDriver.START.minusSeconds(3600),
        0L,
        0.0,
        "serving full share");
  }

  private static Route route(Object... subsetsAndWeights) {
    List<RouteDestination> destinations = new ArrayList<>();
    for (int i = 0; i < subsetsAndWeights.length; i += 2) {
      destinations.add(
          new RouteDestination((String) subsetsAndWeights[i], (Integer) subsetsAndWeights[i + 1]));
    }
    return new Route(destinations);
  }
}
