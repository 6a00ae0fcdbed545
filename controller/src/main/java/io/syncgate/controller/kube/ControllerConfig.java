package io.syncgate.controller.kube;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the controller runs, built from flags and environment.
 *
 * @param namespaces the namespaces to watch; empty means all
 * @param leaderElect campaign for the Lease before writing anything (off: write at once)
 * @param leaseNamespace the Lease's namespace
 * @param leaseName the Lease's name
 * @param identity this instance's name in the Lease and in events
 * @param leaseTiming lease duration, renew deadline, retry period
 * @param shards how many shards the gates are spread over, each with a Lease of its own (more than
 *     one needs leader election)
 * @param kubeWorkers size of the worker pool for blocking API calls
 * @param statusLagInterval how often a status that changed only in lag figures is written
 * @param eventWindow how long an identical event is suppressed
 * @param eventRateLimit how many events a gate may record at once, and then how often
 */
public record ControllerConfig(
    List<String> namespaces,
    boolean leaderElect,
    String leaseNamespace,
    String leaseName,
    String identity,
    LeaderElection.Timing leaseTiming,
    Shards shards,
    int kubeWorkers,
    Duration statusLagInterval,
    Duration eventWindow,
    EventRecorder.RateLimit eventRateLimit) {

  public static final String DEFAULT_LEASE_NAME = "syncgate-controller";

  /**
   * 15 s: four lag-only writes per gate per minute leave room under a bound of six for the phase
   * and condition changes written at once, and a third less API-server and watch traffic than 10 s
   * (each write comes back to every controller's gate watch); the gauges carry the live figures.
   */
  public static final Duration DEFAULT_STATUS_LAG_INTERVAL = Duration.ofSeconds(15);

  public static final Duration DEFAULT_EVENT_WINDOW = Duration.ofMinutes(5);

  public ControllerConfig {
    namespaces = List.copyOf(namespaces);
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(leaseTiming, "leaseTiming");
    Objects.requireNonNull(shards, "shards");
    if (shards.count() > 1 && !leaderElect) {
      throw new IllegalArgumentException(
          "more than one shard needs leader election: each shard is a Lease");
    }
    Objects.requireNonNull(statusLagInterval, "statusLagInterval");
    Objects.requireNonNull(eventWindow, "eventWindow");
    Objects.requireNonNull(eventRateLimit, "eventRateLimit");
    if (kubeWorkers < 1) {
      throw new IllegalArgumentException("kubeWorkers must be at least 1");
    }
  }

  /** Defaults: all namespaces, leader election on, client-go lease timing, 4 workers. */
  public static ControllerConfig defaults(String leaseNamespace, String identity) {
    return new ControllerConfig(
        List.of(),
        true,
        leaseNamespace,
        DEFAULT_LEASE_NAME,
        identity,
        LeaderElection.Timing.defaults(),
        Shards.ONE,
        KubeWorker.DEFAULT_POOL_SIZE,
        DEFAULT_STATUS_LAG_INTERVAL,
        DEFAULT_EVENT_WINDOW,
        EventRecorder.RateLimit.DEFAULT);
  }

  public ControllerConfig withNamespaces(List<String> newNamespaces) {
    return new ControllerConfig(
        newNamespaces,
        leaderElect,
        leaseNamespace,
        leaseName,
        identity,
        leaseTiming,
        shards,
        kubeWorkers,
        statusLagInterval,
        eventWindow,
        eventRateLimit);
  }

  public ControllerConfig withLeaderElection(
      boolean elect, String newLeaseNamespace, String newLeaseName) {
    return new ControllerConfig(
        namespaces,
        elect,
        newLeaseNamespace,
        newLeaseName,
        identity,
        leaseTiming,
        shards,
        kubeWorkers,
        statusLagInterval,
        eventWindow,
        eventRateLimit);
  }

  public ControllerConfig withLeaseTiming(LeaderElection.Timing timing) {
    return new ControllerConfig(
        namespaces,
        leaderElect,
        leaseNamespace,
        leaseName,
        identity,
        timing,
        shards,
        kubeWorkers,
        statusLagInterval,
        eventWindow,
        eventRateLimit);
  }

  public ControllerConfig withIdentity(String newIdentity) {
    return new ControllerConfig(
        namespaces,
        leaderElect,
        leaseNamespace,
        leaseName,
        newIdentity,
        leaseTiming,
        shards,
        kubeWorkers,
        statusLagInterval,
        eventWindow,
        eventRateLimit);
  }

  public ControllerConfig withEventRateLimit(EventRecorder.RateLimit limit) {
    return new ControllerConfig(
        namespaces,
        leaderElect,
        leaseNamespace,
        leaseName,
        identity,
        leaseTiming,
        shards,
        kubeWorkers,
        statusLagInterval,
        eventWindow,
        limit);
  }

  public ControllerConfig withShards(Shards newShards) {
    return new ControllerConfig(
        namespaces,
        leaderElect,
        leaseNamespace,
        leaseName,
        identity,
        leaseTiming,
        newShards,
        kubeWorkers,
        statusLagInterval,
        eventWindow,
        eventRateLimit);
  }

  public ControllerConfig withStatusLagInterval(Duration interval) {
    return new ControllerConfig(
        namespaces,
        leaderElect,
        leaseNamespace,
        leaseName,
        identity,
        leaseTiming,
        shards,
        kubeWorkers,
        interval,
        eventWindow,
        eventRateLimit);
  }
}
