package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.util.function.LongSupplier;

/**
 * fabric8's lock, noting on the monotonic clock when the last acquisition or renewal that went
 * through was sent. The lease runs from the time the record was written, which is no earlier than
 * the sending, so "sent + renew deadline" is a local deadline that passes before a standby can take
 * the lease over: {@link LeaderElection} steps down on it instead of waiting for fabric8's elector,
 * which checks its deadline only between attempts and retries each attempt for many seconds.
 */
final class RenewalTrackingLock implements Lock {

  private final Lock lock;
  private final LongSupplier nanoTime;

  /** When the last acquisition or renewal that went through was sent, or -1 before any. */
  private volatile long renewedAtNanos = -1;

  RenewalTrackingLock(Lock lock, LongSupplier nanoTime) {
    this.lock = lock;
    this.nanoTime = nanoTime;
  }

  /** When the last acquisition or renewal that went through was sent (monotonic), or -1. */
  long renewedAtNanos() {
    return renewedAtNanos;
  }

  @Override
  public LeaderElectionRecord get(KubernetesClient client) {
    return lock.get(client);
  }

  @Override
  public void create(KubernetesClient client, LeaderElectionRecord record) {
    long sent = nanoTime.getAsLong();
    lock.create(client, record);
    noteIfOurs(record, sent);
  }

  @Override
  public void update(KubernetesClient client, LeaderElectionRecord record) {
    long sent = nanoTime.getAsLong();
    lock.update(client, record);
    noteIfOurs(record, sent);
  }

  private void noteIfOurs(LeaderElectionRecord record, long sent) {
    // Releasing writes an empty holder: that renews nothing.
    if (identity().equals(record.getHolderIdentity())) {
      renewedAtNanos = sent;
    }
  }

  @Override
  public String identity() {
    return lock.identity();
  }

  @Override
  public String describe() {
    return lock.describe();
  }
}
