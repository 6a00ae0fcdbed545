package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Lease holder is cut off from its Lease (its renewals fail with 500, which fabric8's client
 * would retry for many seconds) while everything else still works: it steps down on its own
 * monotonic deadline, before the standby can take the Lease, and writes nothing after it.
 */
class LeaderFencingIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void aHolderWhoseRenewalsFailStopsWritingBeforeTheStandbyTakesOver() {
    List<ControllerHarness.Running> both = h.twoControllersServing();
    ControllerHarness.Running holder = both.get(0);
    ControllerHarness.Running standby = both.get(1);
    String holderAgent = holder.client().getConfiguration().getUserAgent();
    Duration leaseDuration = h.config("x").leaseTiming().leaseDuration();

    long cutAt = System.nanoTime();
    h.api.inject(
        request ->
            request.getPath().contains("/leases")
                    && holderAgent.equals(request.getHeader("User-Agent"))
                ? new MockResponse()
                    .setResponseCode(500)
                    .setBody("{\"kind\":\"Status\",\"code\":500}")
                : null);

    Await.until(Duration.ofSeconds(10), "the standby leading", standby.controller()::leading);
    assertThat(holder.controller().leading()).isFalse();
    // A change only a leader acts on: the standby ejects the lagging replica.
    h.sim(2).setReceivedAndReplayed(START_POSITION - 100 * MIB);
    Await.until(
        Duration.ofSeconds(10),
        "the standby ejects the lagging replica",
        h::weights,
        w -> w.equals(expected(member(1), 100, member(2), 0)));

    // Nothing from the cut-off holder once the Lease could have passed to the standby: its last
    // renewal went through before the cut, so the lease ran out by cut + leaseDuration. (It steps
    // down at cut + renewDeadline at the latest; the difference covers a write sent just before.)
    long deadline = cutAt + leaseDuration.toNanos();
    List<RecordedRequest> late =
        h.requests().stream()
            .filter(r -> holderAgent.equals(r.getHeader("User-Agent")))
            .filter(r -> !r.getMethod().equals("GET") && !r.getPath().contains("/leases"))
            .filter(r -> h.api.arrivedAt(r) > deadline)
            .toList();
    assertThat(late).extracting(RecordedRequest::getPath).isEmpty();
  }
}
