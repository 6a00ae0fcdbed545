package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two controllers campaign for one Lease: only the holder ever writes mesh objects, status or
 * events. When it stops, the other takes over and carries on.
 */
class TwoControllersIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  @Test
  void onlyTheLeaseHolderWritesAndTheStandbyTakesOver() {
    List<ControllerHarness.Running> both = h.twoControllersServing();
    ControllerHarness.Running holder = both.get(0);
    ControllerHarness.Running standby = both.get(1);
    assertThat(standby.controller().leading()).isFalse();
    String holderId = identity(holder);
    String standbyId = identity(standby);

    Map<String, Integer> byController = controllerWritesByAgent();
    assertThat(byController).containsOnlyKeys("syncgate-test/" + holderId);
    assertThat(byController.get("syncgate-test/" + holderId)).isPositive();

    // The holder goes away; the standby takes the Lease and handles the next change.
    holder.stop();
    int before = h.requests().size();
    h.sim(2).setReceivedAndReplayed(START_POSITION - 100 * MIB);
    Await.until(
        Duration.ofSeconds(10),
        "the standby ejects the lagging replica",
        h::weights,
        w -> w.equals(expected(member(1), 100, member(2), 0)));
    assertThat(standby.controller().leading()).isTrue();
    Map<String, Integer> afterTakeover = controllerWritesByAgent(before);
    assertThat(afterTakeover).containsOnlyKeys("syncgate-test/" + standbyId);
    System.out.printf(
        "TwoControllersIT: writes by holder %s before the stop: %s; after: %s%n",
        holderId, byController, afterTakeover);
  }

  private static String identity(ControllerHarness.Running running) {
    return running.client().getConfiguration().getUserAgent().replace("syncgate-test/", "");
  }

  /** Writes of mesh objects, status and events, by User-Agent (the Lease itself excluded). */
  private Map<String, Integer> controllerWritesByAgent() {
    return controllerWritesByAgent(0);
  }

  private Map<String, Integer> controllerWritesByAgent(int from) {
    List<RecordedRequest> all = h.requests();
    Map<String, Integer> counts = new TreeMap<>();
    for (RecordedRequest r : all.subList(from, all.size())) {
      boolean write = !r.getMethod().equals("GET");
      boolean ours =
          r.getPath().contains("/virtualservices")
              || r.getPath().contains("/destinationrules")
              || r.getPath().contains("/replicagates")
              || r.getPath().contains("/events");
      String agent = r.getHeader("User-Agent");
      if (write && ours && agent != null && agent.startsWith("syncgate-test/")) {
        counts.merge(agent, 1, Integer::sum);
      }
    }
    return counts;
  }
}
