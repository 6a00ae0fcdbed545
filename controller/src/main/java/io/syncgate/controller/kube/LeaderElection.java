package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Campaigns for a coordination.k8s.io Lease with fabric8's {@link LeaderElector} and reports
 * leadership changes on the controller's context. After losing the lease it campaigns again, so a
 * controller that was cut off from the API server for a while rejoins as a candidate.
 *
 * <p>fabric8's elector makes blocking calls; they run on one dedicated, named thread, never on an
 * event loop. Stopping releases the lease, so a standby takes over without waiting for it to
 * expire.
 *
 * <p>Fencing: this controller counts as leading only while fabric8 says so <em>and</em> its last
 * renewal that went through was sent less than {@code renewDeadline} ago on the monotonic clock
 * ({@link RenewalTrackingLock}). fabric8 checks its deadline only between renewal attempts, and an
 * attempt can be retried for many seconds; the local deadline steps down before the lease can pass
 * to a standby (renewDeadline &lt; leaseDuration), whatever the elector is doing. Give the elector
 * a client without retries and with short timeouts ({@link #electionClientConfig}).
 */
public final class LeaderElection {

  /** Lease timing: how long a lease is valid, how long the holder tries to renew, how often. */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public Timing {
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("renewDeadline must be shorter than leaseDuration");
      }
    }

    /** client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry period. */
    public static Timing defaults() {
      return new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final KubernetesClient client;
  private final Context context;
  private final String leaseNamespace;
  private final String leaseName;
  private final String identity;
  private final Timing timing;
  private final Consumer<Boolean> onLeadership;
  private final Consumer<String> onNewLeader;
  private final ExecutorService thread;

  // Touched on the controller's context only.
  private boolean stopping;
  private boolean leading;
  private boolean electorLeading;
  private CompletableFuture<?> campaign;
  private RenewalTrackingLock lock;
  private long fenceTimer = -1;
  private final Vertx vertx;
  private final LongSupplier nanoTime;

  /**
   * @param context the controller's context; the callbacks run on it
   * @param onLeadership called with true on gaining and false on losing the lease
   * @param onNewLeader called with the holder's identity whenever it changes (may be null)
   */
  public LeaderElection(
      KubernetesClient client,
      Context context,
      String leaseNamespace,
      String leaseName,
      String identity,
      Timing timing,
      Consumer<Boolean> onLeadership,
      Consumer<String> onNewLeader) {
    this(
        client,
        context,
        leaseNamespace,
        leaseName,
        identity,
        timing,
        onLeadership,
        onNewLeader,
        System::nanoTime);
  }

  LeaderElection(
      KubernetesClient client,
      Context context,
      String leaseNamespace,
      String leaseName,
      String identity,
      Timing timing,
      Consumer<Boolean> onLeadership,
      Consumer<String> onNewLeader,
      LongSupplier nanoTime) {
    this.vertx = context.owner();
    this.nanoTime = nanoTime;
    this.client = Objects.requireNonNull(client);
    this.context = Objects.requireNonNull(context);
    this.leaseNamespace = Objects.requireNonNull(leaseNamespace);
    this.leaseName = Objects.requireNonNull(leaseName);
    this.identity = Objects.requireNonNull(identity);
    this.timing = Objects.requireNonNull(timing);
    this.onLeadership = Objects.requireNonNull(onLeadership);
    this.onNewLeader = Objects.requireNonNull(onNewLeader);
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "syncgate-leader-election-" + leaseName);
              t.setDaemon(true);
              return t;
            });
  }

  public String identity() {
    return identity;
  }

  /**
   * The configuration of the election's own client: no retries, and timeouts shorter than the renew
   * deadline, so one stuck request cannot outlast it.
   */
  public static Config electionClientConfig(Config base, Timing timing) {
    int timeoutMillis = (int) Math.max(100, timing.renewDeadline().toMillis() / 3);
    return new ConfigBuilder(base)
        .withRequestRetryBackoffLimit(0)
        .withRequestTimeout(timeoutMillis)
        .withConnectionTimeout(timeoutMillis)
        .build();
  }

  /** Starts campaigning. Call on the controller's context. */
  public void start() {
    long period = Math.max(10, timing.retryPeriod().toMillis() / 4);
    fenceTimer = vertx.setPeriodic(period, id -> recompute());
    campaign();
  }

  /**
   * True while this controller may act as the leader (fabric8 says so, and the renewal is fresh).
   */
  public boolean leading() {
    return leading;
  }

  /**
   * Stops campaigning and releases the lease if held. Call on the controller's context; completes
   * there once the elector has let go.
   */
  public Future<Void> stop() {
    stopping = true;
    if (fenceTimer != -1) {
      vertx.cancelTimer(fenceTimer);
    }
    Promise<Void> stopped = Promise.promise();
    CompletableFuture<?> current = campaign;
    // Cancelling runs fabric8's release (blocking calls) on the cancelling thread: not ours.
    thread.execute(
        () -> {
          if (current != null) {
            current.cancel(true);
          }
          context.runOnContext(v -> stopped.complete());
        });
    return stopped
        .future()
        .onComplete(
            v -> {
              thread.shutdown();
              try {
                if (!thread.awaitTermination(0, TimeUnit.MILLISECONDS)) {
                  LOG.debug("leader election thread still finishing");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  private void campaign() {
    if (stopping) {
      return;
    }
    lock = new RenewalTrackingLock(new LeaseLock(leaseNamespace, leaseName, identity), nanoTime);
    LeaderElectionConfig config =
        new LeaderElectionConfig(
            lock,
            timing.leaseDuration(),
            timing.renewDeadline(),
            timing.retryPeriod(),
            new LeaderCallbacks(
                () -> context.runOnContext(v -> changed(true)),
                () -> context.runOnContext(v -> changed(false)),
                holder -> context.runOnContext(v -> onNewLeader.accept(holder))),
            true,
            leaseName);
    LeaderElector elector = new LeaderElector(client, config, thread);
    LOG.info("campaigning for Lease {}/{} as {}", leaseNamespace, leaseName, identity);
    CompletableFuture<?> started = elector.start();
    campaign = started;
    started.whenComplete(
        (v, e) ->
            context.runOnContext(
                x -> {
                  if (!stopping) {
                    LOG.warn(
                        "lost Lease {}/{}{}; campaigning again",
                        leaseNamespace,
                        leaseName,
                        e == null ? "" : ": " + e.getMessage());
                    campaign();
                  }
                }));
  }

  private void changed(boolean electorSays) {
    electorLeading = electorSays;
    recompute();
  }

  /** Leading = fabric8 says so and the last renewal that went through is within the deadline. */
  private void recompute() {
    RenewalTrackingLock current = lock;
    long renewed = current == null ? -1 : current.renewedAtNanos();
    boolean fresh =
        renewed != -1 && nanoTime.getAsLong() - renewed < timing.renewDeadline().toNanos();
    boolean nowLeading = electorLeading && fresh && !stopping;
    if (leading == nowLeading) {
      return;
    }
    if (leading && electorLeading && !fresh) {
      LOG.warn(
          "no renewal of Lease {}/{} went through within {}: stepping down before it can pass to"
              + " a standby",
          leaseNamespace,
          leaseName,
          timing.renewDeadline());
    }
    leading = nowLeading;
    LOG.info(
        "{} Lease {}/{} as {}",
        nowLeading ? "acquired" : stopping ? "released" : "lost",
        leaseNamespace,
        leaseName,
        identity);
    onLeadership.accept(nowLeading);
  }
}
