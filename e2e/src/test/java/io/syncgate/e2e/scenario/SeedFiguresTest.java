package io.syncgate.e2e.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedFiguresTest {

  private static final long MIB = 1L << 20;
  private static final long LEADER_AT = 10_000 * MIB;

  /** A sample at {@code at} ms: leader at LEADER_AT, "new" {@code lag} behind. */
  private static Sample sample(
      long at, String state, int readiness, int lagZero, Long lag, Map<String, Integer> weights) {
    MemberView leader = new MemberView("old-0", "master", "running", 1L, null, 200, 503, LEADER_AT);
    MemberView serving =
        new MemberView("old-1", "replica", "running", 1L, false, 200, 200, LEADER_AT);
    MemberView fresh =
        new MemberView(
            "new",
            state == null ? null : "replica",
            state,
            1L,
            false,
            readiness,
            lagZero,
            lag == null ? null : LEADER_AT - lag);
    return new Sample(
        at, Map.of("old-0", leader, "old-1", serving, "new", fresh), weights, Map.of());
  }

  private static Map<String, Integer> route(int fresh) {
    return fresh == 0 ? Map.of("old-1", 100, "new", 0) : Map.of("old-1", 100 - fresh, "new", fresh);
  }

  @Test
  void figuresOfAGatedCatchUpAndRamp() {
    List<Sample> samples = new ArrayList<>();
    samples.add(sample(0, "creating replica", 503, 503, null, route(0)));
    samples.add(sample(200, "running", 200, 503, 900 * MIB, route(0)));
    samples.add(sample(400, "running", 200, 503, 500 * MIB, route(0)));
    samples.add(sample(600, "running", 200, 200, 300 * MIB, route(0)));
    samples.add(sample(800, "running", 200, 200, 0L, route(0)));
    samples.add(sample(1000, "running", 200, 200, 0L, route(9)));
    samples.add(sample(1200, "running", 200, 200, 0L, route(33)));
    samples.add(sample(1400, "running", 200, 200, 0L, route(50)));
    samples.add(sample(1600, "running", 200, 200, 0L, route(50)));

    SeedFigures figures = SeedFigures.of(samples, "new", MIB);

    assertThat(figures.samples()).isEqualTo(9);
    assertThat(figures.readyWhileBehind()).isEqualTo(Duration.ofMillis(600));
    assertThat(figures.lagEndpointWhileBehind()).isEqualTo(Duration.ofMillis(200));
    assertThat(figures.maxLagWhileReady()).isEqualTo(900 * MIB);
    assertThat(figures.gated()).isEqualTo(Duration.ofMillis(800));
    assertThat(figures.ramp()).isEqualTo(Duration.ofMillis(400));
    assertThat(figures.staleReadSamples()).isZero();
    assertThat(figures.summary())
        .isEqualTo(
            "seed: /readiness said 200 for 0.6 s while the new member was behind (largest lag"
                + " then 900.0 MiB), /replica?lag=0MB for 0.2 s; gated 0.8 s (admitted - after the"
                + " controller's lag was within maxLag); ramp 0.4 s;"
                + " stale-read samples 0 of 9; ETA at half the backlog: the controller never had a"
                + " lag");
  }

  @Test
  void weightWhileBehindCountsAsStaleRead() {
    List<Sample> samples =
        List.of(
            sample(0, "running", 200, 503, 800 * MIB, route(9)),
            sample(200, "running", 200, 503, 2 * MIB, route(20)),
            sample(400, "running", 200, 200, MIB, route(50)));

    SeedFigures figures = SeedFigures.of(samples, "new", MIB);

    // Exactly maxLag is not behind; both samples above it with weight are stale reads.
    assertThat(figures.staleReadSamples()).isEqualTo(2);
    assertThat(figures.gated()).isEqualTo(Duration.ZERO);
    assertThat(figures.ramp()).isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void neverAdmittedMeansGatedToTheEndAndNoRamp() {
    List<Sample> samples =
        List.of(
            sample(0, "running", 200, 503, 800 * MIB, route(0)),
            sample(200, "running", 200, 503, 700 * MIB, route(0)),
            sample(400, "running", 200, 503, null, route(0)));

    SeedFigures figures = SeedFigures.of(samples, "new", MIB);

    assertThat(figures.gated()).isEqualTo(Duration.ofMillis(400));
    assertThat(figures.ramp()).isNull();
    assertThat(figures.readyWhileBehind()).isEqualTo(Duration.ofMillis(400));
    assertThat(figures.summary()).contains("ramp not reached");
  }

  /** A sample at {@code at} ms of the controller's figures for "new": its lag and its ETA. */
  private static Sample controller(long at, Long lagMib, Double etaSeconds) {
    Sample base = sample(at, "running", 200, 503, null, route(0));
    Map<String, Long> lag = new HashMap<>();
    if (lagMib != null) {
      lag.put("new", lagMib * MIB);
    }
    lag.put("old-1", 0L);
    Map<String, Double> eta = new HashMap<>();
    if (etaSeconds != null) {
      eta.put("new", etaSeconds);
    }
    return new Sample(at, base.members(), base.weights(), lag, eta, Map.of("new", 1e8));
  }

  @Test
  void etaAtHalfTheBacklogAgainstTheActualTime() {
    List<Sample> samples =
        List.of(
            controller(0, null, null),
            controller(1000, 600L, null),
            controller(2000, 800L, null), // the peak: half is 400 MiB
            controller(3000, 500L, 4.0),
            controller(4000, 400L, 2.5), // the half point
            controller(5000, null, null), // a tick without a lag is skipped
            controller(6000, 200L, 1.0),
            controller(7000, 2L, 0.1),
            controller(8000, 1L, 0.0), // within maxLag: caught up, 4 s after the half point
            controller(9000, 900L, null)); // a later jump is after the catch-up: ignored

    SeedFigures.CatchUpEta eta = SeedFigures.CatchUpEta.of(samples, "new", MIB);

    assertThat(eta)
        .isEqualTo(
            new SeedFigures.CatchUpEta(
                800 * MIB, 400 * MIB, Duration.ofMillis(2500), Duration.ofSeconds(4)));
    assertThat(eta.ratio()).isEqualTo(0.625);
    assertThat(eta.summary())
        .isEqualTo(
            "ETA at half the backlog (400.0 MiB left of a 800.0 MiB peak): the controller said"
                + " 2.5 s, it took 4.0 s (ratio 0.63)");
    assertThat(SeedFigures.of(samples, "new", MIB).catchUpEta()).isEqualTo(eta);
  }

  @Test
  void admittedAfterTheControllersLagWasWithinMaxLag() {
    List<Sample> samples = new ArrayList<>();
    samples.add(controller(0, 1L, null)); // within maxLag before it was ever over: not the point
    samples.add(controller(1000, 800L, null));
    samples.add(controller(2000, 1L, 0.0)); // caught up
    samples.add(controller(3000, 0L, 0.0));
    Sample admitted = controller(4500, 0L, 0.0);
    samples.add(
        new Sample(
            4500, admitted.members(), route(9), admitted.controllerLag(), Map.of(), Map.of()));

    assertThat(SeedFigures.of(samples, "new", MIB).admittedAfterCaughtUp())
        .isEqualTo(Duration.ofMillis(2500));
    // Never given weight: no figure.
    assertThat(SeedFigures.of(samples.subList(0, 4), "new", MIB).admittedAfterCaughtUp()).isNull();
  }

  @Test
  void noEtaAtTheHalfPointIsReportedAsSuch() {
    List<Sample> samples =
        List.of(
            controller(0, 800L, null), controller(1000, 300L, null), controller(2000, 0L, null));

    SeedFigures.CatchUpEta eta = SeedFigures.CatchUpEta.of(samples, "new", MIB);

    assertThat(eta)
        .isEqualTo(new SeedFigures.CatchUpEta(800 * MIB, 300 * MIB, null, Duration.ofSeconds(1)));
    assertThat(eta.ratio()).isNull();
    assertThat(eta.summary())
        .contains("the controller said nothing, it took 1.0 s")
        .doesNotContain("ratio");
  }

  @Test
  void noHalfPointWhileTheLagOnlyGrowsOrNeverExceedsMaxLag() {
    List<Sample> growing =
        List.of(
            controller(0, 100L, null), controller(1000, 150L, null), controller(2000, 90L, 5.0));
    assertThat(SeedFigures.CatchUpEta.of(growing, "new", MIB))
        .isEqualTo(new SeedFigures.CatchUpEta(150 * MIB, null, null, null));
    assertThat(SeedFigures.CatchUpEta.of(growing, "new", MIB).summary())
        .isEqualTo("ETA at half the backlog: no half point (peak lag 150.0 MiB)");

    List<Sample> neverBehind = List.of(controller(0, 1L, null), controller(1000, 0L, 0.0));
    assertThat(SeedFigures.CatchUpEta.of(neverBehind, "new", MIB).lagAtHalf()).isNull();

    assertThat(SeedFigures.CatchUpEta.of(List.of(controller(0, null, null)), "new", MIB))
        .isEqualTo(new SeedFigures.CatchUpEta(null, null, null, null));
  }

  @Test
  void halfPointWithoutCatchUpHasNoActualTime() {
    List<Sample> samples =
        List.of(
            controller(0, 800L, null), controller(1000, 400L, 3.0), controller(2000, 300L, 2.0));

    SeedFigures.CatchUpEta eta = SeedFigures.CatchUpEta.of(samples, "new", MIB);

    assertThat(eta)
        .isEqualTo(new SeedFigures.CatchUpEta(800 * MIB, 400 * MIB, Duration.ofSeconds(3), null));
    assertThat(eta.ratio()).isNull();
    assertThat(eta.summary()).endsWith("the controller said 3.0 s, it took longer than the run");
  }

  @Test
  void noSingleLeaderMeansNoTrueLag() {
    MemberView a = new MemberView("a", "replica", "running", 2L, false, 200, 200, 100L);
    MemberView b = new MemberView("b", "replica", "running", 2L, false, 200, 200, 50L);
    Sample sample = new Sample(0, Map.of("a", a, "b", b), Map.of("a", 100), Map.of());

    assertThat(sample.leader()).isEmpty();
    assertThat(sample.trueLag("a")).isNull();
  }
}
