package io.syncgate.controller.demo;

import java.util.List;
import java.util.Map;

/**
 * One thing the demo reports. Each is printed as a line (or a block) of text, or as one JSON object
 * whose {@code event} field is {@link #event()} and whose other fields are the record's components;
 * {@code t} is seconds since the controller started.
 */
public sealed interface DemoEvent {

  /** The value of the JSON {@code event} field. */
  String event();

  /** Seconds since the controller started. */
  double t();

  /**
   * The set-up: cluster, Services, policy, and where everything listens.
   *
   * @param readService the read host's Service: the replicas are its endpoints
   * @param primaryService the primary's own Service ({@code mesh.primaryHost}): the leader is its
   *     one endpoint
   */
  record Started(
      double t,
      String namespace,
      String gate,
      String leader,
      List<String> caughtUp,
      String joiner,
      String readService,
      String primaryService,
      long backlogBytes,
      long catchUpBytesPerSecond,
      long writeBytesPerSecond,
      String maxLag,
      String stableFor,
      List<Integer> steps,
      String stepInterval,
      String pollInterval,
      Map<String, String> patroni,
      String apiServer,
      String metrics)
      implements DemoEvent {
    @Override
    public String event() {
      return "started";
    }
  }

  /**
   * The VirtualService's read route changed.
   *
   * @param weights percent by destination, as written: the primary Service's under its name (it has
   *     no subset; first when the route has it), then each member's subset of the read host under
   *     the member's name
   * @param fallback true when the route sends reads to the primary Service because no replica is
   *     admitted
   */
  record RouteChanged(double t, Map<String, Integer> weights, boolean fallback)
      implements DemoEvent {
    @Override
    public String event() {
      return "route";
    }
  }

  /**
   * A replica's phase or ramp step changed in the gate's status.
   *
   * @param change {@code gated}, {@code admitted}, {@code step}, {@code serving}, {@code ejected},
   *     {@code unknown}, or the phase when the replica is first seen in another one
   * @param step the ramp step while Ramping, else null
   * @param stepPercent {@code spec.ramp.steps[step]} while Ramping, else null
   * @param readiness what the member's Patroni {@code /readiness} answered at that moment
   */
  record ReplicaChanged(
      double t,
      String replica,
      String change,
      String phase,
      Integer step,
      Integer stepPercent,
      int weight,
      Long lagBytes,
      int readiness,
      String reason)
      implements DemoEvent {
    @Override
    public String event() {
      return "replica";
    }
  }

  /** Every replica at one moment. */
  record Table(double t, String replicaCheck, List<Row> rows) implements DemoEvent {
    @Override
    public String event() {
      return "table";
    }
  }

  /**
   * One replica in a {@link Table}.
   *
   * @param readiness what Patroni's {@code /readiness} answers (a pod readiness probe)
   * @param replicaCheck what Patroni's {@code /replica?lag=<admission.maxLag>} answers (HAProxy)
   * @param lagBytes replay lag from the gate's status
   * @param weight percent of the read route in the live VirtualService
   */
  record Row(
      String replica, int readiness, int replicaCheck, Long lagBytes, String phase, int weight) {}

  /**
   * The joining replica serves: how long it was held and ramped.
   *
   * @param gatedSeconds from its first appearance in the status to its admission
   * @param rampingSeconds from admission to serving
   * @param readinessOkWhileGated how many of the {@code /readiness} checks made while it was held
   *     at weight 0 answered 200
   */
  record Summary(
      double t,
      String replica,
      double gatedSeconds,
      double rampingSeconds,
      int readinessOkWhileGated,
      int readinessChecksWhileGated,
      List<Integer> steps,
      Map<String, Integer> weights)
      implements DemoEvent {
    @Override
    public String event() {
      return "summary";
    }
  }

  /** The final mesh objects were written as YAML. */
  record Emitted(double t, List<String> files) implements DemoEvent {
    @Override
    public String event() {
      return "emitted";
    }
  }

  /** The joining replica did not serve within the timeout. */
  record TimedOut(double t, String replica, String phase, String reason, String message)
      implements DemoEvent {
    @Override
    public String event() {
      return "timeout";
    }
  }
}
