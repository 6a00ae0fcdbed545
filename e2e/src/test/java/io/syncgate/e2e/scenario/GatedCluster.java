package io.syncgate.e2e.scenario;

import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.ControllerUnderTest;
import io.syncgate.e2e.harness.MockKubernetes;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniCluster.CreateReplica;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.TestTime;
import io.syncgate.policy.ReplicaGateSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Patroni cluster gated by the real controller: every member has a Pod object (pod IP = its
 * loopback address) in the mock API server, one ReplicaGate selects them, and the controller runs
 * in-process. A {@link Sampler} records what Patroni, PostgreSQL and the read route said.
 */
public final class GatedCluster implements AutoCloseable {

  /** The controller polls at this rate in every scenario. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final PatroniCluster cluster;
  private final MockKubernetes kube;
  private final ControllerUnderTest controller;
  private Sampler sampler;

  private GatedCluster(
      PatroniCluster cluster, MockKubernetes kube, ControllerUnderTest controller) {
    this.cluster = cluster;
    this.kube = kube;
    this.controller = controller;
  }

  /**
   * Registers a pod per running member, applies a gate with test-speed timing (poll 200 ms, stable
   * 2 s, step 2 s, admission maxLag 1Mi; {@code policy} may change any of it) and starts the
   * controller.
   */
  public static GatedCluster start(PatroniCluster cluster, Consumer<ReplicaGateSpec> policy) {
    MockKubernetes kube = MockKubernetes.start();
    try {
      for (PatroniMember member : cluster.members()) {
        kube.createPod(member);
      }
      kube.createGate(
          spec -> {
            spec.setPollInterval("200ms");
            spec.getPatroni().setTimeout("1s");
            spec.getAdmission().setMaxLag("1Mi");
            spec.getAdmission().setStableFor("2s");
            spec.getRamp().setSteps(List.of(10, 25, 50, 100));
            spec.getRamp().setStepInterval("2s");
            // -Dsyncgate.e2e.rejectGrowingLag=true|false: to measure what the switch costs here.
            String rejectGrowingLag = System.getProperty("syncgate.e2e.rejectGrowingLag");
            if (rejectGrowingLag != null) {
              spec.getAdmission().setRejectGrowingLag(Boolean.parseBoolean(rejectGrowingLag));
            }
            policy.accept(spec);
          });
      return new GatedCluster(cluster, kube, ControllerUnderTest.start(kube));
    } catch (RuntimeException | AssertionError e) {
      kube.close();
      throw e;
    }
  }

  public PatroniCluster cluster() {
    return cluster;
  }

  public MockKubernetes kube() {
    return kube;
  }

  public ControllerUnderTest controller() {
    return controller;
  }

  /** Starts a member and its pod at once, as a StatefulSet would. */
  public PatroniMember addMember(CreateReplica method) {
    PatroniMember member = cluster.startMember(method);
    kube.createPod(member);
    return member;
  }

  /**
   * Starts sampling every 200 ms (members, read route, the controller's lag and catch-up figures).
   */
  public Sampler startSampler() {
    sampler =
        new Sampler(
                cluster::members,
                kube::weights,
                controller::lagBytes,
                controller::catchUpEtaSeconds,
                controller::catchUpBytesPerSecond)
            .start(Duration.ofMillis(200));
    return sampler;
  }

  /**
   * Waits until the read route is exactly {@code expected} (and, while sampling, until a sample has
   * recorded it).
   */
  public void awaitRoute(Map<String, Integer> expected, Duration timeout) {
    Await.until(timeout, "read route " + expected, kube::weights, expected::equals);
    if (sampler != null) {
      // A sample taken from now on: an older one (the sampler stalled) proves nothing.
      long from = TestTime.millis();
      Await.until(
          Duration.ofSeconds(5),
          "a sample of read route " + expected + " (" + sampler.failures() + ")",
          () -> {
            Sample latest = sampler.latest();
            return latest != null && latest.atMillis() >= from && latest.weights().equals(expected);
          });
    }
  }

  /**
   * Waits until every one of {@code replicas} is Serving in the gate's status and the read route
   * gives them equal shares (equal shares alone also happen while replicas ramp side by side).
   */
  public void awaitServing(Duration timeout, PatroniMember... replicas) {
    Map<String, Integer> equal = equalShares(replicas);
    Await.until(
        timeout,
        "replicas " + equal.keySet() + " serving at equal shares",
        () -> {
          for (PatroniMember replica : replicas) {
            if (!"Serving"
                .equals(kube.replicaStatus(replica.name()).map(r -> r.getPhase()).orElse(null))) {
              return false;
            }
          }
          return kube.weights().equals(equal);
        });
    awaitRoute(equal, timeout);
  }

  /** Equal shares among {@code replicas}; 100 must divide evenly (2, 4 or 5 replicas). */
  public static Map<String, Integer> equalShares(PatroniMember... replicas) {
    if (100 % replicas.length != 0) {
      throw new IllegalArgumentException("100 does not split evenly " + replicas.length + " ways");
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (PatroniMember replica : replicas) {
      out.put(replica.name(), 100 / replicas.length);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      if (sampler != null) {
        sampler.close();
        // Kept beside the Patroni logs: what every member and the route looked like, tick by tick.
        sampler.writeCsv(cluster.logDir().resolve("samples.csv"));
      }
      controller.close();
    } finally {
      kube.close();
    }
  }
}
