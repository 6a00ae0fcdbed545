package io.syncgate.policy.status;

import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Transition;
import io.syncgate.policy.mesh.MeshKind;
import io.syncgate.policy.status.GateConditions.Desired;
import io.syncgate.policy.status.TickOutcome.Decided;
import io.syncgate.policy.status.TickOutcome.ForeignObjects;
import io.syncgate.policy.status.TickOutcome.InvalidSpec;
import io.syncgate.policy.status.TickOutcome.NotOwned;
import io.syncgate.policy.status.TickOutcome.NotPollable;
import io.syncgate.policy.status.TickOutcome.ObjectWrite;
import io.syncgate.policy.status.TickOutcome.WriteFailed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a tick publishes, decided from its {@link TickOutcome}: the conditions, the events (in the
 * order they happened), the counts of {@code syncgate_mesh_writes_total} and {@code
 * syncgate_patroni_poll_errors_total}, and the status. Pure.
 *
 * @param outcome what happened
 * @param conditions the conditions as the tick decides them, before times are filled in
 * @param events the events to record, oldest first
 * @param meshWrites the mesh write results to count
 * @param pollErrors one failure label per member without a usable answer
 */
public record TickReport(
    TickOutcome outcome,
    List<Desired> conditions,
    List<Event> events,
    List<WriteCount> meshWrites,
    List<String> pollErrors) {

  public TickReport {
    conditions = List.copyOf(conditions);
    events = List.copyOf(events);
    meshWrites = List.copyOf(meshWrites);
    pollErrors = List.copyOf(pollErrors);
  }

  /** An event to record about the gate. */
  public record Event(EventReason reason, String message) {}

  /**
   * One count of {@code syncgate_mesh_writes_total}.
   *
   * @param kind the {@code kind} label
   * @param result the {@code result} label
   */
  public record WriteCount(String kind, String result) {}

  /**
   * The report of a tick of the gate {@code namespace/name}.
   *
   * @param namespace the gate's namespace (its mesh objects share its name and namespace)
   * @param name the gate's name
   */
  public static TickReport of(TickOutcome outcome, String namespace, String name) {
    // Java 17 has no pattern switch: an instanceof chain over the sealed type.
    if (outcome instanceof InvalidSpec invalid) {
      return invalidSpec(invalid);
    }
    if (outcome instanceof ForeignObjects foreign) {
      return conflict(foreign, foreign.message(), ConditionReason.NOT_MANAGED_BY_SYNCGATE);
    }
    if (outcome instanceof TickOutcome.HostClaimed claimed) {
      return conflict(claimed, claimed.message(), ConditionReason.HOST_CLAIMED);
    }
    if (outcome instanceof NotPollable notPollable) {
      return notPollable(notPollable);
    }
    if (outcome instanceof TickOutcome.PodWatchFailed podWatch) {
      return watchFailed(
          podWatch,
          podWatch.reason(),
          ConditionReason.POD_WATCH_FAILED,
          EventReason.POD_WATCH_FAILED);
    }
    if (outcome instanceof TickOutcome.EndpointWatchFailed endpointWatch) {
      return watchFailed(
          endpointWatch,
          endpointWatch.reason(),
          ConditionReason.ENDPOINT_WATCH_FAILED,
          EventReason.ENDPOINT_WATCH_FAILED);
    }
    if (outcome instanceof TickOutcome.HostCheckFailed hostCheck) {
      return hostCheckFailed(hostCheck);
    }
    if (outcome instanceof TickOutcome.Stalled stalled) {
      return new TickReport(
          stalled,
          List.of(
              Desired.isFalse(
                  GateConditions.READY, ConditionReason.TICK_STALLED, stalled.message())),
          List.of(new Event(EventReason.TICK_STALLED, stalled.message())),
          List.of(),
          List.of());
    }
    return decided((Decided) outcome, namespace + "/" + name);
  }

  /**
   * The status to write: the previous one with the conditions brought up to date, and for a tick
   * that decided, the replicas, counts and weights too.
   *
   * @param base the status as last written (or read), never modified
   */
  public ReplicaGateStatus status(ReplicaGateStatus base, Long generation, Instant now) {
    return status(base, generation, now, Duration.ZERO);
  }

  /**
   * As {@link #status(ReplicaGateStatus, Long, Instant)}, for a state whose times are {@code
   * toWall} behind the wall time {@code wallNow}.
   */
  public ReplicaGateStatus status(
      ReplicaGateStatus base, Long generation, Instant wallNow, Duration toWall) {
    ReplicaGateStatus previous = base == null ? new ReplicaGateStatus() : base;
    var merged = GateConditions.merge(previous.getConditions(), conditions, generation, wallNow);
    if (outcome instanceof Decided decided) {
      return GateStatusBuilder.build(
          generation, decided.state(), decided.route(), merged, toWall, decided.podUids());
    }
    return GateStatusBuilder.withConditions(previous, generation, merged);
  }

  /** The {@code result} label of a write: a foreign object is a conflict, as the condition says. */
  public static String metricResult(WriteResult result) {
    return result == WriteResult.NOT_OWNED ? WriteResult.CONFLICT.label() : result.label();
  }

  private static TickReport invalidSpec(InvalidSpec invalid) {
    String message = invalid.violations();
    return new TickReport(
        invalid,
        List.of(
            Desired.isFalse(GateConditions.READY, ConditionReason.INVALID_SPEC, message),
            Desired.isTrue(
                GateConditions.INVALID_SPEC, ConditionReason.VALIDATION_FAILED, message)),
        List.of(new Event(EventReason.INVALID_SPEC, message)),
        List.of(),
        List.of());
  }

  private static TickReport notPollable(NotPollable notPollable) {
    return new TickReport(
        notPollable,
        List.of(
            Desired.isFalse(
                GateConditions.READY,
                ConditionReason.PATRONI_SECRET_UNAVAILABLE,
                notPollable.reason()),
            specValid()),
        List.of(),
        List.of(),
        List.of());
  }

  /** A watch the tick needs cannot list: not ready, and a Warning, both saying why. */
  private static TickReport watchFailed(
      TickOutcome failed, String reason, String conditionReason, EventReason eventReason) {
    return new TickReport(
        failed,
        List.of(Desired.isFalse(GateConditions.READY, conditionReason, reason), specValid()),
        List.of(new Event(eventReason, reason)),
        List.of(),
        List.of());
  }

  /**
   * Like {@link #notPollable}: the condition says why, the controller's log said it once. No event:
   * this is the same API server failure for every gate of the namespace, and it is retried with
   * backoff; the condition is enough for an operator to see why the gate does not write.
   */
  private static TickReport hostCheckFailed(TickOutcome.HostCheckFailed failed) {
    return new TickReport(
        failed,
        List.of(
            Desired.isFalse(
                GateConditions.READY, ConditionReason.HOST_CHECK_FAILED, failed.reason()),
            specValid()),
        List.of(),
        List.of(),
        List.of());
  }

  /** A conflict found before writing: nothing is written, both kinds count as conflicts. */
  private static TickReport conflict(TickOutcome outcome, String message, String conflictReason) {
    List<WriteCount> counts = new ArrayList<>();
    for (MeshKind kind : MeshKind.values()) {
      counts.add(new WriteCount(kind.kind(), metricResult(WriteResult.NOT_OWNED)));
    }
    return new TickReport(
        outcome,
        List.of(
            Desired.isFalse(GateConditions.READY, ConditionReason.CONFLICT, message),
            specValid(),
            Desired.isTrue(GateConditions.CONFLICT, conflictReason, message)),
        List.of(new Event(EventReason.CONFLICT, message)),
        counts,
        List.of());
  }

  private static TickReport decided(Decided decided, String objectName) {
    Plan plan = decided.plan();
    List<Event> events = new ArrayList<>();
    List<String> pollErrors = new ArrayList<>();
    for (MemberSample sample : decided.unusable()) {
      pollErrors.add(sample.failure().label());
      if (decided.newlyUnusable().contains(sample.member())) {
        events.add(
            new Event(
                EventReason.PATRONI_UNREACHABLE,
                "member "
                    + sample.member()
                    + ": Patroni gave no usable answer ("
                    + sample.failure().label()
                    + "): "
                    + sample.reason()));
      }
    }
    for (Transition t : plan.transitions()) {
      EventReason reason = eventReason(t.kind());
      if (reason != null) {
        events.add(new Event(reason, describe(t)));
      }
    }
    if (plan.unroutable() != null) {
      events.add(
          new Event(
              EventReason.NO_ROUTABLE_DESTINATION,
              plan.unroutable() + "; the live route stays as it is"));
    }
    List<WriteCount> counts = new ArrayList<>();
    for (ObjectWrite w : decided.mesh().writes()) {
      counts.add(new WriteCount(w.kind().kind(), metricResult(w.result())));
      if (w.driftCorrected()) {
        events.add(
            new Event(
                EventReason.DRIFT_CORRECTED,
                w.kind().kind()
                    + " "
                    + objectName
                    + " was changed outside syncgate; restored the rendered spec"));
      }
      if (w.result() == WriteResult.NOT_OWNED) {
        events.add(new Event(EventReason.CONFLICT, w.message()));
      }
    }
    GateState state = decided.state();
    List<Desired> conditions = new ArrayList<>();
    conditions.add(ready(decided));
    conditions.add(
        plan.degraded()
            ? Desired.isTrue(
                GateConditions.DEGRADED, ConditionReason.LEADER_UNKNOWN, plan.degradedReason())
            : Desired.isFalse(
                GateConditions.DEGRADED,
                ConditionReason.LEADER_KNOWN,
                "leader " + plan.leader() + " on timeline " + state.timeline()));
    conditions.add(specValid());
    conditions.add(
        decided.mesh() instanceof NotOwned notOwned
            ? Desired.isTrue(
                GateConditions.CONFLICT,
                ConditionReason.NOT_MANAGED_BY_SYNCGATE,
                notOwned.message())
            : Desired.isFalse(GateConditions.CONFLICT, ConditionReason.NO_CONFLICT, ""));
    conditions.add(membersExcluded(plan.excluded()));
    return new TickReport(decided, conditions, events, counts, pollErrors);
  }

  /**
   * {@code MembersExcluded}: True naming every excluded member and why; its reason is the cause of
   * the first exclusion in {@link Exclusion.Cause} order.
   */
  private static Desired membersExcluded(List<Exclusion> excluded) {
    if (excluded.isEmpty()) {
      return Desired.isFalse(GateConditions.MEMBERS_EXCLUDED, ConditionReason.NONE_EXCLUDED, "");
    }
    Exclusion.Cause first =
        excluded.stream().map(Exclusion::cause).min(Comparator.naturalOrder()).orElseThrow();
    String members =
        excluded.stream()
            .map(e -> e.member() + " (" + e.detail() + ")")
            .collect(Collectors.joining(", "));
    return Desired.isTrue(
        GateConditions.MEMBERS_EXCLUDED,
        conditionReason(first),
        "no subset and no weight for " + members);
  }

  /** The condition reason of an exclusion's cause. */
  static String conditionReason(Exclusion.Cause cause) {
    return switch (cause) {
      case INVALID_SUBSET_NAME -> ConditionReason.INVALID_SUBSET_NAME;
      case SUBSET_LABEL_MISMATCH -> ConditionReason.SUBSET_LABEL_MISMATCH;
      case NO_READY_ENDPOINT -> ConditionReason.NO_READY_ENDPOINT;
    };
  }

  private static Desired ready(Decided decided) {
    Plan plan = decided.plan();
    if (decided.mesh() instanceof NotOwned notOwned) {
      return Desired.isFalse(GateConditions.READY, ConditionReason.CONFLICT, notOwned.message());
    }
    if (decided.mesh() instanceof WriteFailed failed) {
      return Desired.isFalse(
          GateConditions.READY, ConditionReason.MESH_WRITE_FAILED, failed.message());
    }
    if (plan.degraded()) {
      return Desired.isFalse(GateConditions.READY, ConditionReason.DEGRADED, plan.degradedReason());
    }
    if (plan.unroutable() != null) {
      return Desired.isFalse(
          GateConditions.READY,
          ConditionReason.NO_ROUTABLE_DESTINATION,
          plan.unroutable() + "; the live route stays as it is");
    }
    var replicas = decided.state().replicas().values();
    long serving = replicas.stream().filter(r -> r.phase() == Phase.SERVING).count();
    long ramping = replicas.stream().filter(r -> r.phase() == Phase.RAMPING).count();
    long gated = replicas.size() - serving - ramping;
    return Desired.isTrue(
        GateConditions.READY,
        ConditionReason.RECONCILED,
        "mesh in sync: "
            + serving
            + " serving, "
            + ramping
            + " ramping, "
            + gated
            + " gated"
            + (plan.fallbackActive() ? "; fallback route active" : "")
            + (plan.excluded().isEmpty() ? "" : "; members excluded, see MembersExcluded"));
  }

  private static Desired specValid() {
    return Desired.isFalse(GateConditions.INVALID_SPEC, ConditionReason.SPEC_VALID, "");
  }

  /** The event a transition is worth, or null (plain phase changes are in the status only). */
  static EventReason eventReason(Transition.Kind kind) {
    return switch (kind) {
      case ADMITTED -> EventReason.REPLICA_ADMITTED;
      case RAMP_STEP -> EventReason.RAMP_STEP;
      case SERVING -> EventReason.REPLICA_SERVING;
      case EJECTED -> EventReason.REPLICA_EJECTED;
      case LEADER_CHANGED -> EventReason.LEADER_CHANGED;
      case ACTION_APPLIED -> EventReason.ACTION_APPLIED;
      case ACTION_REFUSED -> EventReason.ACTION_REFUSED;
      case ANALYSIS_FAILED -> EventReason.ANALYSIS_FAILED;
      case STEPPED_BACK -> EventReason.STEPPED_BACK;
      case PHASE -> null;
    };
  }

  /** A transition as a log line or event message: {@code replica NAME: reason}. */
  public static String describe(Transition t) {
    return (t.replica() == null ? "" : "replica " + t.replica() + ": ") + t.reason();
  }
}
