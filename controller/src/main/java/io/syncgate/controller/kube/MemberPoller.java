package io.syncgate.controller.kube;

import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Asks a gate's members' Patroni how they are. Futures complete on any thread. */
interface MemberPoller {

  /**
   * Gets ready to poll with {@code settings}: reads the Secrets they name when they changed or are
   * due for a refresh. A refresh that fails keeps the credentials read before. After a failed read
   * the next one may wait (a backoff); until then the failure stands.
   *
   * @return a future failed with {@link PatroniUnavailable} when Patroni cannot be polled at all
   */
  Future<Void> prepare(GateSettings.PatroniSettings settings, Instant now);

  /** Polls every endpoint once; never fails (a member without an answer is an unusable sample). */
  Future<ClusterSnapshot> poll(List<PatroniEndpoint> endpoints, Instant now);

  /** Releases the connections. */
  void close();

  /** Patroni cannot be polled at all (its Secrets cannot be read, and none were read before). */
  final class PatroniUnavailable extends RuntimeException {
    PatroniUnavailable(String message) {
      super(message, null, false, false);
    }
  }
}
