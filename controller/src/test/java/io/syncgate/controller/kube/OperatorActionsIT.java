package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.rollout.ActionRequests;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator actions through {@code kubectl syncgate} (in-process {@code syncgate ctl}) against the
 * running controller and the embedded API server: hold, promote, abort, resume and approve, each
 * seen to take effect in the VirtualService and in status, the request removed once status records
 * it.
 */
class OperatorActionsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @TempDir Path dir;

  private Path kubeconfig;
  private int nextId;

  @Test
  void holdPromoteAbortAndResumeEachShowInTheRouteAndInStatus() {
    // Two serving replicas; a third joins and ramps. Steps an hour apart: only actions move it.
    h.cluster(2, 1, spec -> spec.getRamp().setSteps(List.of(10, 50, 100)));
    ControllerHarness.Running controller = h.startController();
    h.awaitServing(2);
    h.createPod(3);
    h.sim(3).setReceivedAndReplayed(START_POSITION);
    Await.until(WAIT, "member 3 ramping", () -> "Ramping".equals(h.phase(3)));
    TestGates.mergePatch(h.admin(), "{\"spec\":{\"ramp\":{\"stepInterval\":\"1h\"}}}");

    ActionStatus held = request(ActionVerb.HOLD, member(3));
    assertThat(held.getResult()).isEqualTo(ActionStatus.APPLIED);
    assertThat(held.getBy()).isEqualTo("alice");
    assertThat(h.replicaStatus(3).getHeld()).isTrue();
    assertThat(h.replicaStatus(3).getWaitingFor()).isEqualTo("resume (held)");

    ActionStatus promoted = request(ActionVerb.PROMOTE, member(3));
    assertThat(promoted.getMessage()).startsWith("promoted at ramp step ");
    Await.until(
        WAIT,
        "member 3 at a full share in the route",
        h::weights,
        w -> w.equals(expected(member(1), 34, member(2), 33, member(3), 33)));
    assertThat(h.phase(3)).isEqualTo("Serving");

    ActionStatus aborted = request(ActionVerb.ABORT, member(3));
    assertThat(aborted.getMessage()).isEqualTo("aborted: weight 0 until resumed");
    Await.until(
        WAIT,
        "member 3 at 0 in the route",
        h::weights,
        w -> w.equals(expected(member(1), 50, member(2), 50, member(3), 0)));
    ReplicaStatus out = h.replicaStatus(3);
    assertThat(out.getPhase()).isEqualTo("Ejected");
    assertThat(out.getAborted()).isTrue();
    // It stays out: many ticks later, still 0.
    controller.awaitTicks(10);
    assertThat(h.weights().get(member(3))).isZero();

    request(ActionVerb.RESUME, member(3));
    Await.until(WAIT, "member 3 ramping again", () -> "Ramping".equals(h.phase(3)));
    assertThat(h.weights().get(member(3))).isPositive();
    assertThat(h.replicaStatus(3).getAborted()).isNull();

    // kubectl syncgate refuses to send this itself (no such replica in status); the controller
    // has the last word on what a request names.
    ActionStatus refused = annotate(ActionVerb.HOLD, member(0));
    assertThat(refused.getResult()).isEqualTo(ActionStatus.REFUSED);
    assertThat(refused.getMessage())
        .isEqualTo("refused: " + member(0) + " is the leader: only replicas are gated");

    assertThat(h.eventReasons())
        .containsSubsequence(
            "ActionApplied", "ActionApplied", "ActionApplied", "ActionApplied", "ActionRefused");
    assertThat(h.gate().getStatus().getRollout()).startsWith("2/3 serving; " + member(3));
  }

  @Test
  void withRequireApprovalANewReplicaWaitsForApproveAndAPauseStepToo() {
    h.cluster(
        2,
        1,
        spec -> {
          spec.getRamp().setSteps(List.of(10, 50, 100));
          spec.getRamp().setPauseAt(List.of(10));
          spec.getAdmission().setRequireApproval(true);
        });
    // The two caught-up replicas need an approval too: approve them as the operator would.
    h.startController();
    Await.until(WAIT, "member 1 waiting for approval", () -> waiting(1, "approval"));
    request(ActionVerb.APPROVE, member(1));
    request(ActionVerb.APPROVE, member(2));
    Await.until(WAIT, "members 1 and 2 past 10 %", () -> waiting(1, "approval to leave 10%"));
    request(ActionVerb.APPROVE, member(1));
    request(ActionVerb.APPROVE, member(2));
    h.awaitServing(2);

    h.createPod(3);
    h.sim(3).setReceivedAndReplayed(START_POSITION);
    Await.until(WAIT, "member 3 waiting for approval", () -> waiting(3, "approval"));
    assertThat(h.phase(3)).isEqualTo("Gated");
    assertThat(h.weights().get(member(3))).isZero();
    assertThat(h.gate().getStatus().getRollout())
        .isEqualTo("2/3 serving; " + member(3) + " awaits approval");

    ActionStatus approved = request(ActionVerb.APPROVE, member(3));
    assertThat(approved.getMessage())
        .isEqualTo("approved: may take its first reads once caught up");
    Await.until(
        WAIT,
        "member 3 at its first step, waiting to leave it",
        () -> waiting(3, "approval to leave 10%"));
    assertThat(h.weights().get(member(3))).isPositive();
    request(ActionVerb.APPROVE, member(3));
    Await.until(
        WAIT,
        "member 3 at a full share",
        h::weights,
        w -> w.equals(expected(member(1), 34, member(2), 33, member(3), 33)));
  }

  private boolean waiting(int member, String what) {
    ReplicaStatus r = h.replicaStatus(member);
    return r != null && what.equals(r.getWaitingFor());
  }

  /**
   * Runs {@code kubectl syncgate VERB GATE REPLICA}, which waits for the controller's answer, and
   * returns that answer as status records it, once the request annotation is gone.
   */
  private ActionStatus request(ActionVerb verb, String replica) {
    KubectlSyncgate.Result r =
        KubectlSyncgate.run(
            kubeconfig(), verb.word(), ControllerHarness.GATE, replica, "--timeout", "10s");
    assertThat(r.exitCode()).as(r.toString()).isIn(0, 3);
    List<ActionStatus> actions = h.gate().getStatus().getLastActions();
    ActionStatus newest = actions.get(actions.size() - 1);
    assertThat(newest.getAction()).isEqualTo(verb.word());
    assertThat(newest.getReplica()).isEqualTo(replica);
    assertThat(r.out()).contains(newest.getResult() + ": " + verb.word() + " " + replica);
    awaitNoRequests();
    return newest;
  }

  /** Sends a request straight as an annotation, for what the plugin itself refuses to send. */
  private ActionStatus annotate(ActionVerb verb, String replica) {
    String id = "t" + nextId++;
    TestGates.request(h.admin(), id, ActionRequests.value(verb, replica, "alice", Instant.now()));
    ActionStatus outcome =
        Await.until(
                WAIT,
                verb.word() + " " + replica + " recorded",
                () -> recorded(id),
                Optional::isPresent)
            .orElseThrow();
    awaitNoRequests();
    return outcome;
  }

  private void awaitNoRequests() {
    Predicate<ReplicaGate> cleared =
        g ->
            g.getMetadata().getAnnotations() == null
                || g.getMetadata().getAnnotations().keySet().stream()
                    .noneMatch(k -> k.startsWith(ActionRequests.PREFIX));
    Await.until(WAIT, "requests removed once recorded", h::gate, cleared);
  }

  private Path kubeconfig() {
    if (kubeconfig == null) {
      kubeconfig = KubectlSyncgate.kubeconfig(dir, h.admin().getConfiguration().getMasterUrl());
    }
    return kubeconfig;
  }

  private Optional<ActionStatus> recorded(String id) {
    ReplicaGate g = h.gate();
    if (g == null || g.getStatus() == null) {
      return Optional.empty();
    }
    return g.getStatus().getLastActions().stream().filter(a -> id.equals(a.getId())).findFirst();
  }
}
