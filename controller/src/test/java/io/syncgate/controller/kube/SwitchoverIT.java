package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.gating.PatroniRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Switchover: the leader moves to a serving replica. The new leader leaves the read route; the old
 * leader, now a replica, comes back through Gated like any new member.
 */
class SwitchoverIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void newLeaderLeavesTheRouteAndTheOldOneReturnsThroughGated() {
    h.servingCluster(2, spec -> {});
    int versionsBefore = h.awaitObserved(expected(member(1), 50, member(2), 50)).size();

    long newPosition = START_POSITION + 16 * MIB;
    h.sim(1).setRole(PatroniRole.LEADER).setTimeline(2).setLocation(newPosition);
    h.sim(0).setRole(PatroniRole.REPLICA).setTimeline(2).setReceivedAndReplayed(newPosition);
    h.sim(2).setTimeline(2).setReceivedAndReplayed(newPosition);

    Await.until(
        Duration.ofSeconds(3),
        "old leader gated",
        () -> "Gated".equals(h.phase(0)) && member(1).equals(h.gate().getStatus().getLeader()));
    Await.until(
        Duration.ofSeconds(10),
        "old leader serving again",
        h::weights,
        w -> w.equals(expected(member(0), 50, member(2), 50)));

    // Every route after the switchover: the new leader absent, the old one at 0 until admitted.
    // The watch may deliver the last version after the GET above saw it: wait for it there too.
    List<ControllerHarness.Observed> seenVersions =
        h.awaitObserved(expected(member(0), 50, member(2), 50));
    List<Map<String, Integer>> after = new ArrayList<>();
    for (ControllerHarness.Observed seen :
        seenVersions.subList(versionsBefore, seenVersions.size())) {
      after.add(seen.weights());
    }
    assertThat(after).isNotEmpty();
    assertThat(after.get(0)).isEqualTo(expected(member(0), 0, member(2), 100));
    assertThat(after).allSatisfy(w -> assertThat(w).doesNotContainKey(member(1)));
    assertThat(after)
        .extracting(w -> w.get(member(0)))
        .as("the old leader's weights, in order")
        .containsSubsequence(0, 33, 50);

    ReplicaGate gate = h.gate();
    assertThat(gate.getStatus().getTimeline()).isEqualTo(2L);
    assertThat(gate.getStatus().getReplicas())
        .extracting(r -> r.getName())
        .containsExactly(member(0), member(2));
    assertThat(h.eventReasons()).contains("LeaderChanged");
    assertThat(
            h.events().stream()
                .filter(e -> e.getReason().equals("LeaderChanged"))
                .findFirst()
                .orElseThrow()
                .getMessage())
        .contains("from " + member(0) + " to " + member(1));
  }
}
