package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReachabilityTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void aMemberThatStopsAnsweringIsNewOnceAndCountsEveryTick() {
    ClusterSnapshot snapshot =
        ClusterSnapshot.of(
            List.of(
                MemberSample.leader("a", 1, 100),
                MemberSample.failed("b", SampleFailure.TIMEOUT, "timeout after 2s"),
                MemberSample.failed("c", SampleFailure.UNREACHABLE, "refused")),
            NOW);

    Reachability first = Reachability.of(Map.of("a", true, "b", true), snapshot);
    Reachability second = Reachability.of(first.usable(), snapshot);

    assertThat(first.usable()).containsEntry("a", true).containsEntry("b", false);
    assertThat(first.unusable()).extracting(MemberSample::member).containsExactly("b", "c");
    // b answered before and c was not known: both are news once ...
    assertThat(first.newlyUnusable()).containsExactlyInAnyOrder("b", "c");
    // ... and not again while they stay silent.
    assertThat(second.unusable()).hasSize(2);
    assertThat(second.newlyUnusable()).isEmpty();
  }
}
