package io.syncgate.controller.kube;

import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.vertx.core.Future;
import java.util.Map;

/** Where a gate's status goes, and where it is read back from. Futures complete on any thread. */
public interface StatusSink {

  /** The gate as the API server has it now, or null when it is gone. */
  Future<ReplicaGate> read(GateKey key);

  /**
   * Replaces the gate's status.
   *
   * @param resourceVersion the gate's version as last seen, or null to write without a precondition
   * @return how it ended; never a failed future
   */
  Future<WriteOutcome<ReplicaGate>> write(
      ReplicaGate gate, ReplicaGateStatus status, String resourceVersion);

  /**
   * Removes operator requests from the gate's annotations once its status records them, each only
   * while it still holds the value read, so that a request sent again under the same key stays.
   *
   * @param requests annotation key to the value read
   * @return never a failed future: a removal that fails is tried again on a later tick
   */
  Future<Void> clearRequests(GateKey key, Map<String, String> requests);
}
