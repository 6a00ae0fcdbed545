package io.syncgate.policy.status;

import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.mesh.MeshKind;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What happened in one tick of a gate, as data: {@link TickReport#of} turns it into the conditions,
 * events and metric results to publish.
 */
public sealed interface TickOutcome {

  /** The spec breaks rules; nothing was polled or written. */
  record InvalidSpec(String violations) implements TickOutcome {
    public InvalidSpec {
      Objects.requireNonNull(violations, "violations");
    }
  }

  /**
   * Mesh objects of the gate's name exist that syncgate does not manage (seen before writing);
   * nothing was polled or written.
   */
  record ForeignObjects(String message) implements TickOutcome {
    public ForeignObjects {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Something else routes the gate's host (a VirtualService it does not own) or an older gate
   * claims it; nothing was polled or written.
   */
  record HostClaimed(String message) implements TickOutcome {
    public HostClaimed {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Whether something else routes the gate's host cannot be told: the VirtualServices syncgate does
   * not manage in the gate's namespace cannot be listed (yet). Nothing was polled or written.
   */
  record HostCheckFailed(String reason) implements TickOutcome {
    public HostCheckFailed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The gate's member pods cannot be listed (yet): nothing was polled or written. */
  record PodWatchFailed(String reason) implements TickOutcome {
    public PodWatchFailed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The EndpointSlices of the gate's Services (the read host's, the primary's) cannot be listed
   * (yet), so which destinations can take reads is unknown: nothing was polled or written.
   */
  record EndpointWatchFailed(String reason) implements TickOutcome {
    public EndpointWatchFailed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * No tick of the gate has completed for longer than it may take: a tick hangs, or every tick is
   * skipped. Reported by the watchdog, not by a tick.
   */
  record Stalled(String message) implements TickOutcome {
    public Stalled {
      Objects.requireNonNull(message, "message");
    }
  }

  /** Patroni cannot be polled at all (its Secrets cannot be read); nothing was written. */
  record NotPollable(String reason) implements TickOutcome {
    public NotPollable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A gating step ran.
   *
   * @param plan what the step decided
   * @param state the gating state after the step
   * @param unusable the members whose Patroni gave no usable answer in this tick
   * @param newlyUnusable the names among them that answered (or were not known) in the previous
   *     tick
   * @param mesh how writing the plan to the mesh went
   * @param podUids the UID of each member's pod, by name, where known
   */
  record Decided(
      Plan plan,
      GateState state,
      List<MemberSample> unusable,
      Set<String> newlyUnusable,
      MeshResult mesh,
      Map<String, String> podUids)
      implements TickOutcome {
    public Decided {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(state, "state");
      unusable = List.copyOf(unusable);
      newlyUnusable = Set.copyOf(newlyUnusable);
      Objects.requireNonNull(mesh, "mesh");
      podUids = Map.copyOf(podUids);
    }

    /** A step without pod identities. */
    public Decided(
        Plan plan,
        GateState state,
        List<MemberSample> unusable,
        Set<String> newlyUnusable,
        MeshResult mesh) {
      this(plan, state, unusable, newlyUnusable, mesh, Map.of());
    }

    /** The route in force: the one just decided, or the one kept. */
    public Optional<Route> route() {
      return plan.route().isPresent() ? plan.route() : state.route();
    }
  }

  /** How one mesh object's write ended. */
  record ObjectWrite(MeshKind kind, WriteResult result, boolean driftCorrected, String message) {
    public ObjectWrite {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(result, "result");
      message = message == null ? "" : message;
    }
  }

  /** How writing a plan to the mesh went. */
  sealed interface MeshResult {
    /** The writes made, in order; a write that did not settle is the last. */
    List<ObjectWrite> writes();
  }

  /** Every object written holds what was rendered. */
  record Settled(List<ObjectWrite> writes) implements MeshResult {
    public Settled {
      writes = List.copyOf(writes);
    }
  }

  /** A write found an object of that name that syncgate does not manage; it was left untouched. */
  record NotOwned(List<ObjectWrite> writes, String message) implements MeshResult {
    public NotOwned {
      writes = List.copyOf(writes);
      Objects.requireNonNull(message, "message");
    }
  }

  /** A write failed (or the plan could not be rendered); retried next tick. */
  record WriteFailed(List<ObjectWrite> writes, String message) implements MeshResult {
    public WriteFailed {
      writes = List.copyOf(writes);
      Objects.requireNonNull(message, "message");
    }
  }
}
