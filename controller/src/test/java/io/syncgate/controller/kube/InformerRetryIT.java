package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller's own informers cannot list at start (the Istio CRDs installed after Syncgate:
 * 404): it says why it is not ready, keeps retrying, and starts gating once the list succeeds.
 */
class InformerRetryIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void anInformerWhoseFirstListFailsIsRetriedAndTheReasonShown() {
    h.cluster(1, 0, spec -> spec.getRamp().setSteps(List.of(100)));
    h.api.inject(EmbeddedApiServer.failing("GET", "/virtualservices", 404));

    ControllerHarness.Running running =
        h.deployController(
            h.config("controller-a").withLeaderElection(false, ControllerHarness.NAMESPACE, "-"));

    Await.until(
        Duration.ofSeconds(10),
        "the list failure in the not-ready reason",
        () -> {
          String reason = running.controller().notReadyReason();
          return reason != null && reason.startsWith("informers have not synced yet: ");
        });
    assertThat(running.controller().synced()).isFalse();
    assertThat(h.weights()).isEmpty();

    h.api.inject(null);

    Await.until(Duration.ofSeconds(30), "synced after the retry", running.controller()::synced);
    assertThat(running.controller().notReadyReason()).isNull();
    assertThat(running.controller().stuckReason()).isNull();
    Await.until(
        Duration.ofSeconds(10),
        "the replica serving",
        h::weights,
        w -> w.equals(expected(member(1), 100)));
  }
}
