package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Future;

/** Where the Events about gates go. Call on the controller's context. */
public interface EventSink {

  /**
   * Records an event about {@code gate}, unless it repeats the gate's previous one.
   *
   * @return {@link WriteResult#CREATED}, {@link WriteResult#NOOP} when suppressed, or {@link
   *     WriteResult#ERROR}; never a failed future
   */
  Future<WriteResult> record(HasMetadata gate, EventReason reason, String message);

  /** Forgets what was sent about a gate (it was deleted, or leadership changed hands). */
  void forget(GateKey gate);
}
