package io.syncgate.controller.demo;

import java.util.List;
import java.util.Map;

/**
 * One thing the demo reports. Each is printed as a line (or a block) of text, or as one JSON object
 * whose {@code event} field is {@link #event()} and whose other fields are the record's components;
 * {@code t} is seconds since the controller started. The seed story and the rollout share {@code
 * route}, {@code replica}, {@code emitted} and {@code timeout}; the rollout has its own {@code
 * started}, {@code table} and {@code summary} (told apart by their {@code scenario} field) and the
 * events of its operator.
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
      String metrics,
      String patroniVersion)
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
   * @param catchUp which way the lag goes, from the gate's status; null while the controller has no
   *     estimate
   * @param weight percent of the read route in the live VirtualService
   */
  record Row(
      String replica,
      int readiness,
      int replicaCheck,
      Long lagBytes,
      CatchUpTrend catchUp,
      String phase,
      int weight) {}

  /**
   * A replica's {@code status.replicas[].lagTrend}, {@code catchUpBytesPerSecond} and {@code
   * catchUpEtaSeconds}, as the controller wrote them.
   *
   * @param lagTrend {@code CatchingUp}, {@code Flat} or {@code FallingBehind}
   * @param bytesPerSecond how fast the lag shrinks (negative: it grows)
   * @param etaSeconds seconds until it is within {@code admission.maxLag} at that rate; null when
   *     it is not catching up
   */
  record CatchUpTrend(String lagTrend, long bytesPerSecond, Long etaSeconds) {

    /** The trend in a replica's status, or null while the controller has none. */
    static CatchUpTrend of(io.syncgate.policy.ReplicaStatus r) {
      if (r == null || r.getLagTrend() == null || r.getCatchUpBytesPerSecond() == null) {
        return null;
      }
      return new CatchUpTrend(
          r.getLagTrend(), r.getCatchUpBytesPerSecond(), r.getCatchUpEtaSeconds());
    }
  }

  /**
   * The joining replica serves: how long it was held and ramped.
   *
   * @param gatedSeconds from its first appearance in the status to its admission
   * @param rampingSeconds from admission to serving
   * @param readinessOkWhileGated how many of the {@code /readiness} checks made while it was held
   *     at weight 0 answered 200
   * @param readinessUnavailableWhileGated how many of them answered 503
   * @param staleReadPercentSeconds the gate's {@code
   *     syncgate_stale_read_exposure_percent_seconds_total} at the end; null when it could not be
   *     read
   * @param readiness when its {@code /readiness} first answered 200, next to when syncgate gave it
   *     reads
   */
  record Summary(
      double t,
      String replica,
      double gatedSeconds,
      double rampingSeconds,
      int readinessOkWhileGated,
      int readinessUnavailableWhileGated,
      int readinessChecksWhileGated,
      List<Integer> steps,
      Map<String, Integer> weights,
      Double staleReadPercentSeconds,
      ReadinessTimeline readiness)
      implements DemoEvent {
    @Override
    public String event() {
      return "summary";
    }
  }

  /**
   * What the joining replica's {@code /readiness} answered over time, checked every {@code
   * checkIntervalSeconds} like a readiness probe, next to what syncgate did.
   *
   * @param patroniVersion the release the simulated members answer as
   * @param unavailableUntil the last check before {@code firstOk} that answered 503, or null
   * @param firstOk the first check that answered 200, or null
   * @param weightAt when syncgate first gave it reads (admitted, in the gate's status)
   * @param fullShareAt when it reached a full share (Serving, in the gate's status)
   */
  record ReadinessTimeline(
      String patroniVersion,
      double checkIntervalSeconds,
      Double unavailableUntil,
      Double firstOk,
      double weightAt,
      double fullShareAt) {}

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

  /**
   * The rollout's set-up: the cluster before and after it scales out, Services, policy, and where
   * everything listens.
   *
   * @param joiners the replicas that join once the caught-up ones serve, each with its backlog
   * @param maxRamping {@code spec.ramp.maxRamping}
   * @param operator who the demo's requests say asked ({@code by})
   */
  record RolloutStarted(
      double t,
      String scenario,
      String namespace,
      String gate,
      String leader,
      List<String> caughtUp,
      List<Joiner> joiners,
      String readService,
      String primaryService,
      long catchUpBytesPerSecond,
      long writeBytesPerSecond,
      String maxLag,
      String stableFor,
      List<Integer> steps,
      String stepInterval,
      int maxRamping,
      String pollInterval,
      String operator,
      Map<String, String> patroni,
      String apiServer,
      String metrics,
      String patroniVersion)
      implements DemoEvent {
    @Override
    public String event() {
      return "started";
    }
  }

  /** A replica that joins the rollout, restored from a backup {@code backlogBytes} behind. */
  record Joiner(String name, long backlogBytes) {}

  /**
   * The cluster scaled out: the joining replicas' pods and endpoints were created, and they started
   * replaying their backlogs.
   *
   * @param membersBefore members before, the leader included
   * @param membersAfter members after
   */
  record ScaledOut(double t, int membersBefore, int membersAfter, List<Joiner> joiners)
      implements DemoEvent {
    @Override
    public String event() {
      return "scale";
    }
  }

  /**
   * A replica's {@code status.replicas[].waitingFor} became one that names a turn or a person: its
   * turn ({@code ramp.maxRamping}), a resume, an approval.
   *
   * @param step the ramp step while Ramping, else null
   * @param weight its weight in the status
   */
  record Waiting(
      double t,
      String replica,
      String waitingFor,
      String phase,
      Integer step,
      Integer stepPercent,
      int weight)
      implements DemoEvent {
    @Override
    public String event() {
      return "waiting";
    }
  }

  /**
   * The demo, as the operator, asked for an action: the annotation {@code annotation} with {@code
   * value} was added to the gate with a JSON merge patch, as {@code kubectl syncgate} adds it.
   */
  record ActionRequested(
      double t,
      String id,
      String action,
      String replica,
      String by,
      String annotation,
      String value)
      implements DemoEvent {
    @Override
    public String event() {
      return "request";
    }
  }

  /**
   * The controller recorded an action's outcome in {@code status.lastActions}.
   *
   * @param result {@code Applied} or {@code Refused}
   * @param message what it did, or why it was refused
   * @param afterSeconds from the request to this record
   */
  record ActionRecorded(
      double t,
      String id,
      String action,
      String replica,
      String by,
      String result,
      String message,
      double afterSeconds)
      implements DemoEvent {
    @Override
    public String event() {
      return "action";
    }
  }

  /** {@code status.rollout}, the gate's one-line rollout summary, changed. */
  record RolloutChanged(double t, String rollout) implements DemoEvent {
    @Override
    public String event() {
      return "rollout";
    }
  }

  /**
   * The end of a hold, read back from the API server before the resume: whether the held replica
   * kept its phase and step all along.
   *
   * @param heldSeconds since the status first showed it held
   * @param stepInterval {@code spec.ramp.stepInterval}: without the hold it would have moved on
   * @param kept true when every status seen during the hold, and the one read now, had the phase
   *     and step it was held at
   */
  record HoldChecked(
      double t,
      String replica,
      double heldSeconds,
      String phase,
      Integer step,
      Integer stepPercent,
      String waitingFor,
      String stepInterval,
      boolean kept)
      implements DemoEvent {
    @Override
    public String event() {
      return "hold";
    }
  }

  /** Every replica at the end of the rollout (and every few seconds while following). */
  record RolloutTable(double t, String scenario, List<RolloutRow> rows) implements DemoEvent {
    @Override
    public String event() {
      return "table";
    }
  }

  /**
   * One replica in a {@link RolloutTable}.
   *
   * @param weight percent of the read route in the live VirtualService
   * @param catchUp which way the lag goes, from the status; null while the controller has no
   *     estimate
   * @param waitingFor what its next change waits for, from the status; null while serving
   */
  record RolloutRow(
      String replica,
      String phase,
      Integer step,
      Integer stepPercent,
      int weight,
      Long lagBytes,
      CatchUpTrend catchUp,
      String waitingFor,
      boolean held) {}

  /**
   * Every joining replica serves: what the rollout showed.
   *
   * @param entered when each joining replica first took reads (Ramping, or Serving at once), in
   *     that order
   * @param maxRamping {@code spec.ramp.maxRamping}
   * @param mostRampingAtOnce the most replicas Ramping in any one status the story saw
   * @param violation how {@code maxRamping} was broken, or null when it was kept
   * @param hold the hold and its check, or null when no hold took effect
   * @param promote the promote that gave a replica its full share, or null when none did
   * @param refused the first refused action, or null when none was refused
   * @param requests how many requests the operator made: each was recorded in {@code
   *     status.lastActions}, and its annotation removed by the controller
   * @param weights the final route
   * @param staleReadPercentSeconds the gate's {@code
   *     syncgate_stale_read_exposure_percent_seconds_total} at the end; null when it could not be
   *     read
   */
  record RolloutEnded(
      double t,
      String scenario,
      Map<String, Double> entered,
      int maxRamping,
      int mostRampingAtOnce,
      String violation,
      HoldChecked hold,
      Promoted promote,
      ActionRecorded refused,
      int requests,
      Map<String, Integer> weights,
      Double staleReadPercentSeconds)
      implements DemoEvent {
    @Override
    public String event() {
      return "summary";
    }
  }

  /**
   * A promote and how long it took until the route gave the replica a full share.
   *
   * @param fromStep the ramp step it was promoted from, or null when not Ramping
   * @param seconds from the request to the route showing it at its full share
   */
  record Promoted(
      String replica,
      Integer fromStep,
      Integer fromStepPercent,
      String message,
      double seconds,
      int weight) {}
}
