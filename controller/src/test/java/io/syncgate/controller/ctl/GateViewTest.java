package io.syncgate.controller.ctl;

import static io.syncgate.controller.ctl.CtlGates.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.rollout.ActionRequests;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateViewTest {

  @Test
  void statusShowsEveryReplicaTheGateAndTheLastFiveActions() {
    ReplicaGate gate = CtlGates.rollingOut();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("team", "dba");
    annotations.put(
        ActionRequests.key("0m7ud0k00-abc123"),
        ActionRequests.value(ActionVerb.APPROVE, "hippo-4", "dave", NOW.minusSeconds(4)));
    // Answered (in lastActions) but not removed yet: not pending any more.
    annotations.put(
        ActionRequests.key("a5"),
        ActionRequests.value(ActionVerb.HOLD, "hippo-9", "carol", NOW.minusSeconds(31)));
    gate.getMetadata().setAnnotations(annotations);

    assertThat(GateView.status(gate, NOW))
        .containsExactly(
            "NAME      PHASE     WEIGHT   STEP   LAG              WAITING FOR        SINCE   REASON",
            "hippo-1   Serving   45       -      0 B / 0s         -                  120m    serving"
                + " full share",
            "hippo-2   Serving   45       -      1.2 MiB / 0.4s   -                  121m    serving"
                + " full share",
            "hippo-3   Ramping   10       25%    12 KiB           resume (held)      45s     ramp"
                + " step 1 (25%)",
            "hippo-4   Ejected   0        -      5 GiB            resume (aborted)   5m30s   aborted:"
                + " out of reads until resumed (kubectl syncgate resume)",
            "",
            "Leader:            hippo-0, timeline 3",
            "Ready:             True, Reconciled: mesh in sync: 2 serving, 1 ramping, 1 gated;"
                + " members excluded, see MembersExcluded",
            "Degraded:          False, LeaderKnown: leader hippo-0 on timeline 3",
            "MembersExcluded:   True, NoReadyEndpoint: hippo-5: not a ready endpoint of"
                + " hippo-replicas",
            "Rollout:           2/4 serving; hippo-3 ramping, weight 10, held; hippo-4 aborted",
            "",
            "Last actions:",
            "AGE     ACTION    REPLICA   BY      RESULT    MESSAGE",
            "100m    resume    hippo-2   alice   Applied   resumed: no longer held",
            "10m     promote   hippo-4   bob     Refused   refused: lag 5 GiB > 1 MiB, not within"
                + " admission limits",
            "5m30s   abort     hippo-4   bob     Applied   aborted: weight 0 until resumed",
            "90s     hold      hippo-3   alice   Applied   held at ramp step 1 (25%)",
            "30s     hold      hippo-9   carol   Refused   refused: no replica hippo-9 here",
            "",
            "Pending requests (not answered by the controller yet):",
            "ID                 ACTION    REPLICA   BY     AGE",
            "0m7ud0k00-abc123   approve   hippo-4   dave   4s");
  }

  @Test
  void theLagSaysWhichWayItGoesOnceTheControllerKnows() {
    io.syncgate.policy.ReplicaStatus r = new io.syncgate.policy.ReplicaStatus();
    assertThat(GateView.catchUp(r)).isEmpty();
    r.setLagTrend("CatchingUp");
    r.setCatchUpBytesPerSecond(256L << 20);
    r.setCatchUpEtaSeconds(18L);
    assertThat(GateView.catchUp(r)).isEqualTo(", catching up 256 MiB/s, ETA 18s");
    r.setCatchUpEtaSeconds(0L);
    assertThat(GateView.catchUp(r)).isEqualTo(", catching up 256 MiB/s");
    r.setLagTrend("FallingBehind");
    r.setCatchUpBytesPerSecond(-(5L << 20));
    assertThat(GateView.catchUp(r)).isEqualTo(", growing 5 MiB/s");
    r.setLagTrend("Flat");
    r.setCatchUpBytesPerSecond(0L);
    assertThat(GateView.catchUp(r)).isEqualTo(", flat");
  }

  @Test
  void aGateWithoutStatusSaysSo() {
    assertThat(GateView.status(CtlGates.bare("db", "hippo-reads"), NOW))
        .containsExactly(
            "No status yet: the controller has not reported on db/hippo-reads (is it running,"
                + " and watching this namespace?).");
  }

  @Test
  void aPausedGateWithoutReplicasOrLeader() {
    ReplicaGate gate = CtlGates.bare("db", "hippo-reads");
    gate.getSpec().setPaused(true);
    gate.setStatus(new ReplicaGateStatus());

    assertThat(GateView.status(gate, NOW))
        .containsExactly(
            "No replicas.",
            "",
            "Leader:    unknown",
            "Paused:    spec.paused: no admissions, no ramp steps; ejection applies",
            "Rollout:   -");
  }

  @Test
  void textFromTheStatusCannotRepaintTheTerminal() {
    ReplicaGate gate = CtlGates.rollingOut();
    ReplicaStatus replica = gate.getStatus().getReplicas().get(0);
    replica.setReason("lag \u001b[2J\u001b[31mhigh\nforged line");

    List<String> lines = GateView.status(gate, NOW);

    assertThat(String.join("\n", lines)).doesNotContain("\u001b");
    assertThat(lines.get(1)).endsWith("lag ?[2J?[31mhigh?forged line");
  }

  @Test
  void listIsLikeKubectlGet() {
    ReplicaGate other = CtlGates.bare("other", "acid");
    other.getMetadata().setCreationTimestamp(NOW.minusSeconds(90).toString());

    assertThat(GateView.list(List.of(other, CtlGates.rollingOut()), true, NOW))
        .containsExactly(
            "NAMESPACE   NAME          LEADER    SERVING   RAMPING   GATED   ROLLOUT           "
                + "                                               READY   AGE",
            "db          hippo-reads   hippo-0   2         1         1       2/4 serving; hippo-3"
                + " ramping, weight 10, held; hippo-4 aborted   True    24h",
            "other       acid          -         -         -         -       -                 "
                + "                                               -       90s");
    assertThat(GateView.list(List.of(CtlGates.rollingOut()), false, NOW))
        .containsExactly(
            "NAME          LEADER    SERVING   RAMPING   GATED   ROLLOUT                          "
                + "                                READY   AGE",
            "hippo-reads   hippo-0   2         1         1       2/4 serving; hippo-3 ramping,"
                + " weight 10, held; hippo-4 aborted   True    24h");
  }

  @Test
  void statusJsonIsTheWholeStatus() throws Exception {
    ReplicaGate gate = CtlGates.rollingOut();
    ObjectMapper json = new ObjectMapper();

    String pretty = GateView.statusJson(gate, true);
    String line = GateView.statusJson(gate, false);

    assertThat(json.readValue(pretty, ReplicaGateStatus.class)).isEqualTo(gate.getStatus());
    assertThat(json.readValue(line, ReplicaGateStatus.class)).isEqualTo(gate.getStatus());
    assertThat(line).doesNotContain("\n");
    assertThat(pretty)
        .startsWith("{\n  \"observedGeneration\": 1,\n  \"leader\": \"hippo-0\",\n")
        .contains("  \"replicas\": [\n    {\n      \"name\": \"hippo-1\",\n");
    assertThat(GateView.statusJson(CtlGates.bare("db", "x"), false)).isEqualTo("{}");
  }

  @Test
  void stepIsThePercentOfTheRampWhileRamping() {
    List<Integer> steps = List.of(10, 25, 50, 100);
    ReplicaStatus r = new ReplicaStatus();
    r.setPhase("Ramping");
    r.setStep(2);
    assertThat(GateView.step(r, steps)).isEqualTo("50%");
    r.setStep(7);
    assertThat(GateView.step(r, steps)).isEqualTo("step 7");
    r.setPhase("Serving");
    assertThat(GateView.step(r, steps)).isEqualTo("-");
  }

  @Test
  void lagInBytesAndSeconds() {
    assertThat(GateView.lag(null, null)).isEqualTo("-");
    assertThat(GateView.lag(512L, null)).isEqualTo("512 B");
    assertThat(GateView.lag(5L << 30, 75.0)).isEqualTo("5 GiB / 1m15s");
    assertThat(GateView.lag(null, 2.5)).isEqualTo("? / 2.5s");
  }

  @Test
  void waitingForWithTheMarksItDoesNotSayAlready() {
    ReplicaStatus r = new ReplicaStatus();
    assertThat(GateView.waitingFor(r)).isEqualTo("-");
    r.setApproved(true);
    assertThat(GateView.waitingFor(r)).isEqualTo("APPROVED");
    r.setWaitingFor("step timer: 3s of 30s");
    r.setHeld(true);
    assertThat(GateView.waitingFor(r)).isEqualTo("step timer: 3s of 30s (HELD, APPROVED)");
    r.setWaitingFor("resume (held)");
    r.setApproved(null);
    assertThat(GateView.waitingFor(r)).isEqualTo("resume (held)");
    r.setAborted(true);
    assertThat(GateView.waitingFor(r)).isEqualTo("resume (held) (ABORTED)");
  }

  @Test
  void agesAreKubectls() {
    assertThat(GateView.age(Duration.ofSeconds(-5))).isEqualTo("0s");
    assertThat(GateView.age(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(GateView.age(Duration.ofSeconds(330))).isEqualTo("5m30s");
    assertThat(GateView.age(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(GateView.age(Duration.ofMinutes(185))).isEqualTo("3h5m");
    assertThat(GateView.age(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(GateView.age(Duration.ofHours(53))).isEqualTo("2d5h");
    assertThat(GateView.age(Duration.ofDays(300))).isEqualTo("300d");
    assertThat(GateView.age(Duration.ofDays(775))).isEqualTo("2y45d");
    assertThat(GateView.age(Duration.ofDays(365 * 9))).isEqualTo("9y");
    assertThat(GateView.ageOf("not a time", NOW)).isEqualTo("?");
    assertThat(GateView.ageOf("2025-03-04T13:00:00+01:00", NOW)).isEqualTo("0s");
  }
}
