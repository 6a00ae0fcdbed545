package io.syncgate.policy.status;

/** The reasons of the Events syncgate records about a gate, with their {@code Event.type}. */
public enum EventReason {
  REPLICA_ADMITTED("ReplicaAdmitted", Type.NORMAL),
  RAMP_STEP("RampStep", Type.NORMAL),
  REPLICA_SERVING("ReplicaServing", Type.NORMAL),
  LEADER_CHANGED("LeaderChanged", Type.NORMAL),
  DRIFT_CORRECTED("DriftCorrected", Type.NORMAL),
  REPLICA_EJECTED("ReplicaEjected", Type.WARNING),
  PATRONI_UNREACHABLE("PatroniUnreachable", Type.WARNING),
  POD_WATCH_FAILED("PodWatchFailed", Type.WARNING),
  ENDPOINT_WATCH_FAILED("EndpointWatchFailed", Type.WARNING),
  TICK_STALLED("TickStalled", Type.WARNING),
  INVALID_SPEC("InvalidSpec", Type.WARNING),
  CONFLICT("Conflict", Type.WARNING),
  /** Nothing with a ready endpoint can take the reads: the live route stays. */
  NO_ROUTABLE_DESTINATION("NoRoutableDestination", Type.WARNING),
  /** An operator action was taken. */
  ACTION_APPLIED("ActionApplied", Type.NORMAL),
  /** An operator action was refused: the message says why. */
  ACTION_REFUSED("ActionRefused", Type.WARNING),
  /** A replica failed its analysis: stepped back to the first ramp step, or aborted. */
  ANALYSIS_FAILED("AnalysisFailed", Type.WARNING),
  /** A ramping replica's lag grew too fast for too long: one ramp step back (ramp.maxLagGrowth). */
  STEPPED_BACK("SteppedBack", Type.WARNING),
  /** Sums up the events about a gate that its rate limit dropped. */
  EVENTS_DROPPED("EventsDropped", Type.WARNING);

  private final String value;
  private final Type type;

  EventReason(String value, Type type) {
    this.value = value;
    this.type = type;
  }

  /** The CamelCase value of {@code Event.reason}. */
  public String value() {
    return value;
  }

  public Type type() {
    return type;
  }

  /** {@code Event.type}. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }
}
