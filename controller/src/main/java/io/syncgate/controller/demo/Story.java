package io.syncgate.controller.demo;

import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import java.time.Duration;
import java.util.Map;

/**
 * A story the demo tells from what a reader of the API server sees. The demo calls it from one
 * story thread only, so it needs no locks.
 */
interface Story {

  /**
   * The live VirtualService's route as a watch delivered it: weights by subset, the primary
   * Service's under {@link io.syncgate.policy.gating.RouteDestination#PRIMARY_SERVICE}.
   */
  void onRoute(Map<String, Integer> weights);

  /** The gate's status as a watch delivered it. */
  void onStatus(ReplicaGateStatus status);

  /** The gate as a watch delivered it: by default, only its status matters. */
  default void onGate(ReplicaGate gate) {
    onStatus(gate.getStatus());
  }

  /** Time for the table of every replica, if the story prints one now. */
  void table();

  /**
   * Time to ask the joining replica's {@code /readiness}, as a readiness probe would, if the story
   * follows its answers.
   */
  default void readinessCheck() {}

  /** True once the story has reached its end and reported its summary. */
  boolean finished();

  /** The timeout event: where the story got stuck. */
  DemoEvent.TimedOut timedOut(Duration timeout);

  /**
   * Once {@link #finished()}: what the story set out to show and did not see hold, for a failing
   * exit; null when all of it held.
   */
  default String broken() {
    return null;
  }
}
