package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.ControllerHarness.MIB;
import static io.syncgate.controller.kube.ControllerHarness.START_POSITION;
import static io.syncgate.controller.kube.ControllerHarness.expected;
import static io.syncgate.controller.kube.ControllerHarness.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.Gauge;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two controllers with {@code --shards 2}: each holds one shard's Lease and writes only the gates
 * of its shard; when one stops, or is cut off from its Lease, the other takes its shard over and
 * carries on, and no gate is written by both while both run.
 *
 * <p>Four gates {@code db/pg-0} .. {@code db/pg-3}, each on a read host of its own over the same
 * three members (a leader and two caught-up replicas). Writes are told apart by each controller's
 * User-Agent in the embedded API server's request log.
 */
class ShardedControllersIT {

  @RegisterExtension final ControllerHarness h = new ControllerHarness();

  private static final Shards TWO = new Shards(2);
  private static final List<String> GATES = IntStream.range(0, 4).mapToObj(i -> "pg-" + i).toList();

  // Longer than ControllerHarness's 2 s: the second controller starts (and warms up) after the
  // first has synced, and must take its preferred shard before the first, holding one shard,
  // reaches for the next after one lease duration.
  private static final LeaderElection.Timing TIMING =
      new LeaderElection.Timing(
          Duration.ofMillis(6000), Duration.ofMillis(4500), Duration.ofMillis(300));

  /** controller-a prefers shard 1 and controller-b shard 0 (ShardsTest pins the hash). */
  private static final String A = "controller-a";

  private static final String B = "controller-b";

  private ControllerHarness.Running a;
  private ControllerHarness.Running b;

  @Test
  void theControllersSplitTheGatesAndTheStandbyTakesOverWhenOneStops() {
    startSplit();

    b.stop(); // releases shard 0's Lease
    long stoppedAt = System.nanoTime();
    int before = h.requests().size();
    Await.until(
        TIMING.leaseDuration(),
        "controller-a holding both shards",
        () -> a.controller().heldShards(),
        held -> held.equals(Set.of(0, 1)));
    System.out.printf(
        "ShardedControllersIT: shard 0 taken over %d ms after controller-b stopped (released)%n",
        Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());

    awaitEjectionEverywhere();
    Map<String, Set<String>> after = writersByGate(before);
    for (String gate : GATES) {
      assertThat(after.getOrDefault(gate, Set.of())).as("writers of %s", gate).isEqualTo(Set.of(A));
    }
  }

  @Test
  void aControllerCutOffFromItsLeaseStopsWritingBeforeTheOtherTakesItsShard() {
    startSplit();
    String bAgent = ControllerHarness.userAgent(B);

    long cutAt = System.nanoTime();
    int before = h.requests().size();
    h.api.inject(
        request ->
            request.getPath().contains("/leases") && bAgent.equals(request.getHeader("User-Agent"))
                ? new MockResponse()
                    .setResponseCode(500)
                    .setBody("{\"kind\":\"Status\",\"code\":500}")
                : null);
    // The Lease runs out at most leaseDuration after the cut (its last renewal went through
    // before it); controller-a checks every retryPeriod. The rest of the deadline is slack for a
    // busy machine: the time taken is printed, not asserted.
    Await.until(
        TIMING.leaseDuration().plusSeconds(5),
        "controller-a holding both shards",
        () -> a.controller().heldShards(),
        held -> held.equals(Set.of(0, 1)));
    System.out.printf(
        "ShardedControllersIT: shard 0 taken over %d ms after controller-b was cut off%n",
        Duration.ofNanos(System.nanoTime() - cutAt).toMillis());
    assertThat(b.controller().heldShards()).isEmpty();
    awaitEjectionEverywhere();

    // Per gate of shard 0, every write of controller-b arrived before the first of controller-a.
    List<RecordedRequest> since = since(before);
    for (String gate : gatesOf(0)) {
      long lastOfB =
          since.stream()
              .filter(r -> B.equals(writer(r)) && gate.equals(gateOf(r)))
              .mapToLong(h.api::arrivedAt)
              .max()
              .orElse(Long.MIN_VALUE);
      long firstOfA =
          since.stream()
              .filter(r -> A.equals(writer(r)) && gate.equals(gateOf(r)))
              .mapToLong(h.api::arrivedAt)
              .min()
              .orElseThrow(() -> new AssertionError("controller-a never wrote " + gate));
      assertThat(lastOfB)
          .as("last write of %s by controller-b before controller-a's", gate)
          .isLessThan(firstOfA);
    }
    // Nothing of controller-b's after its Lease could have passed on.
    assertThat(
            since.stream()
                .filter(r -> B.equals(writer(r)) && gateOf(r) != null)
                .filter(r -> h.api.arrivedAt(r) > cutAt + TIMING.leaseDuration().toNanos())
                .map(RecordedRequest::getPath)
                .toList())
        .isEmpty();
  }

  /**
   * Four gates and both controllers, started one after the other; returns once each holds its
   * preferred shard and stands by for the other, every gate serves both replicas, and each gate was
   * written only by its shard's holder.
   */
  private void startSplit() {
    assertThat(TWO.campaignOrder(A).get(0)).isEqualTo(1);
    assertThat(TWO.campaignOrder(B).get(0)).isEqualTo(0);
    assertThat(gatesOf(0)).hasSize(2);
    assertThat(gatesOf(1)).hasSize(2);

    h.simulate(List.of(h.leader(0), h.replica(1), h.replica(2)));
    h.sim(0).setLocation(START_POSITION);
    h.sim(1).setReceivedAndReplayed(START_POSITION);
    h.sim(2).setReceivedAndReplayed(START_POSITION);
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i <= 2; i++) {
      pods.add(h.createPod(i));
    }
    for (String gate : GATES) {
      for (Pod pod : pods) {
        TestGates.setEndpoint(h.admin(), service(gate), pod, true);
      }
      ReplicaGate resource =
          TestGates.gate(
              spec -> {
                spec.getRamp().setSteps(List.of(50, 100));
                spec.getMesh().setHost(service(gate) + ".db.svc.cluster.local");
              });
      resource.getMetadata().setName(gate);
      h.admin()
          .resources(ReplicaGate.class)
          .inNamespace(TestGates.NAMESPACE)
          .resource(resource)
          .create();
    }

    // One after the other, as ControllerHarness does: two warming up at once on a busy machine
    // can hold a worker thread past the blocked-thread checker's limit.
    a = h.startController(config(A));
    b = h.startController(config(B));
    Await.until(
        Duration.ofSeconds(10),
        "each controller holding its preferred shard",
        () ->
            a.controller().heldShards().equals(Set.of(1))
                && b.controller().heldShards().equals(Set.of(0)));
    Await.until(
        Duration.ofSeconds(20),
        "every gate serving both replicas",
        () ->
            GATES.stream()
                .allMatch(g -> weights(g).equals(expected(member(1), 50, member(2), 50))));

    assertThat(shardLeader(a, 1)).isEqualTo(1.0);
    assertThat(shardLeader(a, 0)).isEqualTo(0.0);
    assertThat(shardLeader(b, 0)).isEqualTo(1.0);
    assertThat(a.metrics().registry().find("syncgate.shards.held").gauge().value()).isEqualTo(1.0);

    // Both stand by for the other's shard (controller-a's one shard lets it reach for the next
    // after one lease duration).
    Await.until(
        TIMING.leaseDuration().plusSeconds(5),
        "both controllers campaigning for both shards",
        () ->
            a.controller().campaigningFor().equals(Set.of(0, 1))
                && b.controller().campaigningFor().equals(Set.of(0, 1)));
    assertThat(a.controller().heldShards()).isEqualTo(Set.of(1));
    assertThat(b.controller().heldShards()).isEqualTo(Set.of(0));

    Map<String, Set<String>> writers = writersByGate(0);
    System.out.printf("ShardedControllersIT: writers by gate while both run: %s%n", writers);
    for (String gate : GATES) {
      String holder = TWO.of(TestGates.NAMESPACE, gate) == 1 ? A : B;
      assertThat(writers.get(gate)).as("writers of %s", gate).isEqualTo(Set.of(holder));
    }
  }

  /** Replica 2 falls behind: every gate, of both shards, ejects it. */
  private void awaitEjectionEverywhere() {
    h.sim(2).setReceivedAndReplayed(START_POSITION - 100 * MIB);
    Await.until(
        Duration.ofSeconds(15),
        "every gate ejecting the lagging replica",
        () ->
            GATES.stream()
                .allMatch(g -> weights(g).equals(expected(member(1), 100, member(2), 0))));
  }

  private ControllerConfig config(String identity) {
    return h.config(identity).withLeaseTiming(TIMING).withShards(TWO);
  }

  private static String service(String gate) {
    return gate + "-replicas";
  }

  private static List<String> gatesOf(int shard) {
    return GATES.stream().filter(g -> TWO.of(TestGates.NAMESPACE, g) == shard).toList();
  }

  private Map<String, Integer> weights(String gate) {
    VirtualService vs =
        h.admin()
            .adapt(IstioClient.class)
            .v1()
            .virtualServices()
            .inNamespace(TestGates.NAMESPACE)
            .withName(gate)
            .get();
    return TestGates.weightsOf(vs);
  }

  private static double shardLeader(ControllerHarness.Running running, int shard) {
    Gauge gauge =
        running
            .metrics()
            .registry()
            .find("syncgate.shard.leader")
            .tag("shard", Integer.toString(shard))
            .gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  private List<RecordedRequest> since(int from) {
    List<RecordedRequest> all = h.requests();
    return all.subList(from, all.size());
  }

  /** Per gate, the controllers that wrote its VirtualService, DestinationRule or status. */
  private Map<String, Set<String>> writersByGate(int from) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (RecordedRequest r : since(from)) {
      String gate = gateOf(r);
      String writer = writer(r);
      if (gate != null && writer != null) {
        out.computeIfAbsent(gate, g -> new TreeSet<>()).add(writer);
      }
    }
    return out;
  }

  /** The controller that sent {@code r}, by its User-Agent, or null for the test's own client. */
  private static String writer(RecordedRequest r) {
    String agent = r.getHeader("User-Agent");
    if (agent == null || !agent.startsWith(ControllerHarness.userAgent(""))) {
      return null;
    }
    return agent.substring(ControllerHarness.userAgent("").length());
  }

  /**
   * The gate a write of a VirtualService, DestinationRule or gate status is about, or null for
   * anything else (reads, Leases, events).
   */
  private String gateOf(RecordedRequest r) {
    if (r.getMethod().equals("GET")) {
      return null;
    }
    String path = r.getPath().replaceAll("\\?.*$", "");
    if (path.contains("/replicagates/") && path.endsWith("/status")) {
      String[] parts = path.split("/");
      return parts[parts.length - 2];
    }
    if (!path.contains("/virtualservices") && !path.contains("/destinationrules")) {
      return null;
    }
    if (path.endsWith("/virtualservices") || path.endsWith("/destinationrules")) {
      // A create: the name is in the body.
      HasMetadata body =
          h.admin().getKubernetesSerialization().unmarshal(h.api.bodyOf(r), HasMetadata.class);
      return body.getMetadata().getName();
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
