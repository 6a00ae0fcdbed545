package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.GATE;
import static io.syncgate.controller.kube.ControllerHarness.NAMESPACE;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.rollout.ActionRequests;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl syncgate} (in-process {@code syncgate ctl}, configured by a kubeconfig file only)
 * against the running controller: the requests it writes are the ones the controller takes, and its
 * exit status follows the controller's answer.
 */
class KubectlSyncgateIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @TempDir Path dir;

  @Test
  void holdPromoteAndARefusedResumeAgainstTheController() throws IOException {
    h.cluster(2, 1, spec -> spec.getRamp().setSteps(List.of(10, 50, 100)));
    h.startController();
    h.awaitServing(2);
    h.createPod(3);
    h.sim(3).setReceivedAndReplayed(START_POSITION);
    Await.until(WAIT, "member 3 ramping", () -> "Ramping".equals(h.phase(3)));
    // Steps an hour apart: only actions move it from here.
    TestGates.mergePatch(h.admin(), "{\"spec\":{\"ramp\":{\"stepInterval\":\"1h\"}}}");
    Path kubeconfig = KubectlSyncgate.kubeconfig(dir, h.admin().getConfiguration().getMasterUrl());
    String on = " on " + NAMESPACE + "/" + GATE + ": ";

    KubectlSyncgate.Result hold = KubectlSyncgate.run(kubeconfig, "hold", GATE, member(3));
    assertThat(hold.exitCode()).as(hold.toString()).isZero();
    assertThat(hold.out()).contains("\nApplied: hold " + member(3) + on + "held at ramp step 0");
    ActionStatus recorded = h.gate().getStatus().getLastActions().get(0);
    assertThat(recorded.getBy()).isEqualTo("alice");
    Await.until(WAIT, "the hold request removed", () -> requests().isEmpty());

    KubectlSyncgate.Result status = KubectlSyncgate.run(kubeconfig, "status", GATE);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out().lines())
        .anyMatch(l -> l.startsWith(member(3) + "   Ramping") && l.contains("resume (held)"))
        .anyMatch(l -> l.matches("\\d+s +hold +" + member(3) + " +alice +Applied +held at .*"));

    KubectlSyncgate.Result promote = KubectlSyncgate.run(kubeconfig, "promote", GATE, member(3));
    assertThat(promote.exitCode()).as(promote.toString()).isZero();
    assertThat(promote.out()).contains("Applied: promote " + member(3) + on + "promoted ");
    Await.until(WAIT, "member 3 serving", () -> "Serving".equals(h.phase(3)));

    KubectlSyncgate.Result resume =
        KubectlSyncgate.run(kubeconfig, "resume", GATE, member(3), "--timeout", "10s");
    assertThat(resume.exitCode()).as(resume.toString()).isEqualTo(3);
    assertThat(resume.out())
        .contains("Refused: resume " + member(3) + on + "refused: neither held nor aborted");

    KubectlSyncgate.Result list = KubectlSyncgate.run(kubeconfig, "list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains(GATE + "   " + member(0));
  }

  private List<String> requests() {
    Map<String, String> annotations = h.gate().getMetadata().getAnnotations();
    return annotations == null
        ? List.of()
        : annotations.keySet().stream().filter(k -> k.startsWith(ActionRequests.PREFIX)).toList();
  }
}
