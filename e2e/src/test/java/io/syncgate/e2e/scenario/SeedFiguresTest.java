package io.syncgate.e2e.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
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
                + " then 900.0 MiB), /replica?lag=0MB for 0.2 s; gated 0.8 s; ramp 0.4 s;"
                + " stale-read samples 0 of 9");
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

  @Test
  void noSingleLeaderMeansNoTrueLag() {
    MemberView a = new MemberView("a", "replica", "running", 2L, false, 200, 200, 100L);
    MemberView b = new MemberView("b", "replica", "running", 2L, false, 200, 200, 50L);
    Sample sample = new Sample(0, Map.of("a", a, "b", b), Map.of("a", 100), Map.of());

    assertThat(sample.leader()).isEmpty();
    assertThat(sample.trueLag("a")).isNull();
  }
}
