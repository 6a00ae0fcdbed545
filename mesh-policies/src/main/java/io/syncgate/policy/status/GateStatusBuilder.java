package io.syncgate.policy.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionRecord;
import io.syncgate.policy.gating.CatchUp;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.StoredReplica;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds {@code ReplicaGate.status} from the gating state, reads it back for a restart, and tells
 * whether a new status is worth a write. Pure.
 *
 * <p>A write is due at once when anything but the lag figures and the human-readable texts changed
 * (a phase, weight, step, leader, timeline, count, or a condition's status or reason); a change
 * only in lag figures, reasons or condition messages waits until {@code lagInterval} has passed
 * since the last write; so do the numbers in {@code waitingFor} (a step timer counting up), not
 * what it waits for. Reasons count as lag figures because they quote the lag ("lag 5 GiB &gt; 1
 * MiB") and so change with it.
 */
public final class GateStatusBuilder {

  /** The numbers in a text: durations, counts, lags. */
  private GateStatusBuilder() {}

  /**
   * The status of a valid gate after a tick.
   *
   * @param route the route in force (the one just written, or the one kept), for the weights
   */
  public static ReplicaGateStatus build(
      Long generation, GateState state, Optional<Route> route, List<Condition> conditions) {
    return build(generation, state, route, conditions, Duration.ZERO, Map.of());
  }

  /**
   * The status of a valid gate after a tick, whose state's times are {@code toWall} behind wall
   * time (the controller measures durations on a monotonic clock and writes down wall time).
   *
   * @param podUids the UID of each member's pod, by name, where known
   */
  public static ReplicaGateStatus build(
      Long generation,
      GateState state,
      Optional<Route> route,
      List<Condition> conditions,
      Duration toWall,
      Map<String, String> podUids) {
    ReplicaGateStatus status = new ReplicaGateStatus();
    status.setObservedGeneration(generation);
    status.setLeader(state.leader());
    status.setTimeline(state.timeline());
    int serving = 0;
    int ramping = 0;
    int gated = 0;
    List<ReplicaStatus> replicas = new ArrayList<>();
    for (ReplicaState r : state.replicas().values()) {
      switch (r.phase()) {
        case SERVING -> serving++;
        case RAMPING -> ramping++;
        default -> gated++;
      }
      ReplicaStatus entry = new ReplicaStatus();
      entry.setName(r.name());
      entry.setUid(podUids.get(r.name()));
      entry.setPhase(r.phase().displayName());
      entry.setWeight(route.map(x -> x.weightOf(r.name())).orElse(0));
      entry.setStep(r.phase() == Phase.RAMPING ? r.step() : null);
      entry.setLagBytes(r.lagBytes());
      entry.setLagSeconds(r.lagSeconds());
      CatchUp.Estimate estimate = state.trend(r.name()).estimate();
      if (estimate != null) {
        entry.setLagTrend(trendName(estimate.trend()));
        entry.setCatchUpBytesPerSecond(Math.round(estimate.bytesPerSecond()));
        entry.setCatchUpEtaSeconds(
            estimate.eta() == null ? null : (long) Math.ceil(estimate.eta().toMillis() / 1000.0));
      }
      // Milliseconds: the exact time of the last phase change, for people and for GateRestore.
      entry.setSince(
          r.since() == null
              ? null
              : DateTimeFormatter.ISO_INSTANT.format(
                  r.since().plus(toWall).truncatedTo(ChronoUnit.MILLIS)));
      entry.setReason(r.reason());
      entry.setWaitingFor(r.waitingFor());
      entry.setHeld(r.control().held() ? Boolean.TRUE : null);
      entry.setAborted(r.control().aborted() ? Boolean.TRUE : null);
      entry.setApproved(r.control().approved() ? Boolean.TRUE : null);
      entry.setSteppedBack(r.control().steppedBack() ? Boolean.TRUE : null);
      replicas.add(entry);
    }
    status.setRollout(RolloutSummary.of(state, route));
    List<ActionStatus> actions = new ArrayList<>();
    for (ActionRecord a : state.actions()) {
      ActionStatus entry = new ActionStatus();
      entry.setId(a.id());
      entry.setAction(a.action());
      entry.setReplica(a.replica());
      entry.setBy(a.by());
      // Client time is wall time already; the gate's own time is moved to wall time.
      entry.setRequestedAt(a.requestedAt() == null ? null : rfc3339(a.requestedAt()));
      entry.setAppliedAt(a.appliedAt() == null ? null : rfc3339(a.appliedAt().plus(toWall)));
      entry.setResult(a.applied() ? ActionStatus.APPLIED : ActionStatus.REFUSED);
      entry.setMessage(a.message());
      actions.add(entry);
    }
    status.setLastActions(actions);
    status.setServing(serving);
    status.setRamping(ramping);
    status.setGated(gated);
    status.setReplicas(replicas);
    status.setConditions(new ArrayList<>(conditions));
    return status;
  }

  /** A copy of {@code previous} (or an empty status) with new conditions and generation. */
  public static ReplicaGateStatus withConditions(
      ReplicaGateStatus previous, Long generation, List<Condition> conditions) {
    ReplicaGateStatus status = copy(previous);
    status.setObservedGeneration(generation);
    status.setConditions(new ArrayList<>(conditions));
    return status;
  }

  /** The stored replicas of a status, for {@link io.syncgate.policy.gating.GateRestore}. */
  public static List<StoredReplica> storedReplicas(ReplicaGateStatus status) {
    return storedReplicas(status, Duration.ZERO);
  }

  /** The stored replicas, their times moved by {@code shift} (wall time to the core's time). */
  public static List<StoredReplica> storedReplicas(ReplicaGateStatus status, Duration shift) {
    List<StoredReplica> out = new ArrayList<>();
    if (status == null || status.getReplicas() == null) {
      return out;
    }
    for (ReplicaStatus r : status.getReplicas()) {
      if (r == null || r.getName() == null || r.getName().isBlank()) {
        continue;
      }
      out.add(
          new StoredReplica(
              r.getName(),
              phase(r.getPhase()),
              r.getStep() == null ? 0 : r.getStep(),
              r.getWeight(),
              shifted(instant(r.getSince()), shift),
              r.getLagBytes(),
              r.getLagSeconds(),
              r.getReason(),
              new ReplicaState.Control(
                  Boolean.TRUE.equals(r.getHeld()),
                  Boolean.TRUE.equals(r.getAborted()),
                  Boolean.TRUE.equals(r.getApproved()),
                  Boolean.TRUE.equals(r.getSteppedBack()))));
    }
    return out;
  }

  /**
   * The operator actions a status records, oldest first, their times moved by {@code shift} (the
   * time the gate took them; the client's time stays as it is). Entries without an id are skipped.
   */
  public static List<ActionRecord> storedActions(ReplicaGateStatus status, Duration shift) {
    List<ActionRecord> out = new ArrayList<>();
    if (status == null || status.getLastActions() == null) {
      return out;
    }
    for (ActionStatus a : status.getLastActions()) {
      if (a == null || a.getId() == null || a.getAction() == null) {
        continue;
      }
      out.add(
          new ActionRecord(
              a.getId(),
              a.getAction(),
              a.getReplica(),
              a.getBy(),
              instant(a.getRequestedAt()),
              shifted(instant(a.getAppliedAt()), shift),
              ActionStatus.APPLIED.equals(a.getResult()),
              a.getMessage()));
    }
    return out;
  }

  /** {@code status.replicas[].lagTrend}: CatchingUp, Flat or FallingBehind. */
  public static String trendName(CatchUp.Trend trend) {
    return switch (trend) {
      case CATCHING_UP -> "CatchingUp";
      case FLAT -> "Flat";
      case FALLING_BEHIND -> "FallingBehind";
    };
  }

  private static String rfc3339(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * True when the two differ in anything but lag figures and texts: write at once. Compared field
   * by field, without copies: a gate asks on every tick, and copying both statuses to clear their
   * figures was a sizeable share of what a tick allocated (a heap histogram of {@code syncgate
   * bench} at 10,000 members).
   */
  public static boolean significantChange(ReplicaGateStatus before, ReplicaGateStatus after) {
    if (before == null || after == null) {
      return before != after;
    }
    return !(Objects.equals(before.getObservedGeneration(), after.getObservedGeneration())
        && Objects.equals(before.getLeader(), after.getLeader())
        && Objects.equals(before.getTimeline(), after.getTimeline())
        && Objects.equals(before.getServing(), after.getServing())
        && Objects.equals(before.getRamping(), after.getRamping())
        && Objects.equals(before.getGated(), after.getGated())
        && Objects.equals(before.getRollout(), after.getRollout())
        && Objects.equals(before.getLastActions(), after.getLastActions())
        && sameBarFigures(before.getReplicas(), after.getReplicas(), GateStatusBuilder::sameReplica)
        && sameBarFigures(
            before.getConditions(), after.getConditions(), GateStatusBuilder::sameCondition));
  }

  private static <T> boolean sameBarFigures(
      List<T> before, List<T> after, java.util.function.BiPredicate<T, T> same) {
    if (before.size() != after.size()) {
      return false;
    }
    for (int i = 0; i < before.size(); i++) {
      if (!same.test(before.get(i), after.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Equal but for the lag figures, the reason, and the figures in what it waits for. */
  private static boolean sameReplica(ReplicaStatus a, ReplicaStatus b) {
    return Objects.equals(a.getName(), b.getName())
        && Objects.equals(a.getUid(), b.getUid())
        && Objects.equals(a.getPhase(), b.getPhase())
        && Objects.equals(a.getWeight(), b.getWeight())
        && Objects.equals(a.getStep(), b.getStep())
        && Objects.equals(a.getSince(), b.getSince())
        && Objects.equals(a.getHeld(), b.getHeld())
        && Objects.equals(a.getAborted(), b.getAborted())
        && Objects.equals(a.getApproved(), b.getApproved())
        && Objects.equals(a.getSteppedBack(), b.getSteppedBack())
        // What a replica waits for is significant, the seconds and counts in it are figures: a
        // hold or a failing check shows at once, a step timer counting up does not write status.
        && sameTextBarFigures(a.getWaitingFor(), b.getWaitingFor());
  }

  /** Equal but for the message (it carries figures). */
  private static boolean sameCondition(Condition a, Condition b) {
    return Objects.equals(a.getType(), b.getType())
        && Objects.equals(a.getStatus(), b.getStatus())
        && Objects.equals(a.getReason(), b.getReason())
        && Objects.equals(a.getLastTransitionTime(), b.getLastTransitionTime())
        && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
  }

  /**
   * Whether the two texts are equal once every figure in them (the regular expression {@code
   * [0-9]+(\.[0-9]+)?}: digits, and a fraction after a dot) reads as {@code #}.
   */
  static boolean sameTextBarFigures(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      char ax = isDigit(x) ? '#' : x;
      char by = isDigit(y) ? '#' : y;
      if (ax != by) {
        return false;
      }
      i = isDigit(x) ? afterFigure(a, i) : i + 1;
      j = isDigit(y) ? afterFigure(b, j) : j + 1;
    }
    return i == a.length() && j == b.length();
  }

  /** Where the figure starting at {@code from} ends, as that expression matches it. */
  private static int afterFigure(String text, int from) {
    int k = from;
    while (k < text.length() && isDigit(text.charAt(k))) {
      k++;
    }
    if (k + 1 < text.length() && text.charAt(k) == '.' && isDigit(text.charAt(k + 1))) {
      k += 2;
      while (k < text.length() && isDigit(text.charAt(k))) {
        k++;
      }
    }
    return k;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Whether {@code desired} should be written now.
   *
   * @param written the status last written (or read from the API server), or null
   * @param lastWrite when that happened, or null when unknown
   */
  public static boolean writeDue(
      ReplicaGateStatus written,
      ReplicaGateStatus desired,
      Instant lastWrite,
      java.time.Duration lagInterval,
      Instant now) {
    if (written == null) {
      return true;
    }
    if (Objects.equals(written, desired)) {
      return false;
    }
    if (significantChange(written, desired)) {
      return true;
    }
    return lastWrite == null || !now.isBefore(lastWrite.plus(lagInterval));
  }

  /** A deep copy (replica entries and conditions are mutable beans). */
  public static ReplicaGateStatus copy(ReplicaGateStatus status) {
    ReplicaGateStatus s = new ReplicaGateStatus();
    if (status == null) {
      return s;
    }
    s.setObservedGeneration(status.getObservedGeneration());
    s.setLeader(status.getLeader());
    s.setTimeline(status.getTimeline());
    s.setServing(status.getServing());
    s.setRamping(status.getRamping());
    s.setGated(status.getGated());
    List<ReplicaStatus> replicas = new ArrayList<>();
    for (ReplicaStatus r : status.getReplicas()) {
      ReplicaStatus c = new ReplicaStatus();
      c.setName(r.getName());
      c.setPhase(r.getPhase());
      c.setWeight(r.getWeight());
      c.setStep(r.getStep());
      c.setLagBytes(r.getLagBytes());
      c.setLagSeconds(r.getLagSeconds());
      c.setLagTrend(r.getLagTrend());
      c.setCatchUpBytesPerSecond(r.getCatchUpBytesPerSecond());
      c.setCatchUpEtaSeconds(r.getCatchUpEtaSeconds());
      c.setUid(r.getUid());
      c.setSince(r.getSince());
      c.setReason(r.getReason());
      c.setWaitingFor(r.getWaitingFor());
      c.setHeld(r.getHeld());
      c.setAborted(r.getAborted());
      c.setApproved(r.getApproved());
      c.setSteppedBack(r.getSteppedBack());
      replicas.add(c);
    }
    s.setReplicas(replicas);
    s.setRollout(status.getRollout());
    List<ActionStatus> actions = new ArrayList<>();
    for (ActionStatus a : status.getLastActions()) {
      ActionStatus c = new ActionStatus();
      c.setId(a.getId());
      c.setAction(a.getAction());
      c.setReplica(a.getReplica());
      c.setBy(a.getBy());
      c.setRequestedAt(a.getRequestedAt());
      c.setAppliedAt(a.getAppliedAt());
      c.setResult(a.getResult());
      c.setMessage(a.getMessage());
      actions.add(c);
    }
    s.setLastActions(actions);
    List<Condition> conditions = new ArrayList<>();
    for (Condition c : status.getConditions()) {
      conditions.add(new ConditionBuilder(c).build());
    }
    s.setConditions(conditions);
    return s;
  }

  private static Phase phase(String name) {
    if (name == null) {
      return null;
    }
    try {
      return Phase.fromDisplayName(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Instant shifted(Instant at, Duration shift) {
    return at == null ? null : at.plus(shift);
  }

  private static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
