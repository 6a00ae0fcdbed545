package io.syncgate.controller.demo;

import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.rollout.ActionRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * The rollout story ({@code --scenario rollout}): a cluster of a leader and caught-up replicas
 * scales out by three replicas restored from backups at different distances behind; with {@code
 * ramp.maxRamping: 1} they enter the read route one at a time. Acting as the operator, the story
 * asks for a promote of the farthest one while it is still far behind (refused), holds the second
 * while it ramps and resumes it after two step intervals, and promotes the third while it ramps.
 *
 * <p>Every move waits for what a reader of the API server sees: the operator acts when the status
 * shows the replica where the story needs it, and an action counts once {@code status.lastActions}
 * records it. The one timer is the hold's length, the operator's choice; what the hold did is read
 * back from the API server when it ends. From every status seen the story checks that at most
 * {@code maxRamping} replicas were Ramping at once.
 *
 * <p>Not thread-safe: the demo calls it from one story thread only.
 */
final class RolloutStory implements Story {

  /** Who the demo's requests say asked, as {@code kubectl syncgate} sends the kubeconfig user. */
  static final String OPERATOR = "operator";

  /** How many step intervals the hold lasts: long enough that the step would have moved. */
  static final int HOLD_STEP_INTERVALS = 2;

  /** What the story does in the world: the cluster and the operator's requests. */
  interface Operator {
    /** Creates the joining replicas' pods and ready endpoints, and starts their catch-up. */
    void scaleOut();

    /**
     * Adds the request {@code id} to the gate as {@code kubectl syncgate} does: the annotation
     * {@link ActionRequests#key(String)} with {@link ActionRequests#value}, in a JSON merge patch
     * of {@code metadata.annotations}. Returns the value sent.
     */
    String request(String id, ActionVerb verb, String replica, String by);

    /** The gate's status as the API server has it now (a get, as {@code kubectl get}). */
    ReplicaGateStatus read();

    /** Runs {@code task} on the story thread after {@code delay}. */
    void later(Duration delay, Runnable task);
  }

  private final DemoSettings settings;
  private final DemoReporter reporter;
  private final DemoStory.Probes probes;
  private final Operator operator;
  private final DoubleSupplier elapsedSeconds;
  private final List<String> caughtUp;
  private final List<String> joiners;
  private final String holdTarget;
  private final String promoteTarget;
  private final int holdStep;
  private final Duration holdFor;
  private final long maxLagBytes;

  /** The live route by {@link DemoStory#byName}, or null before the first. */
  private Map<String, Integer> route;

  private ReplicaGateStatus status;
  private final Map<String, ReplicaStatus> seen = new TreeMap<>();
  private final Map<String, String> waiting = new HashMap<>();
  private String rollout;
  // The request annotations on the gate as last seen.
  private final Set<String> requestsOnGate = new HashSet<>();

  private final Map<String, Double> entered = new LinkedHashMap<>();
  private int mostRamping;
  private String violation;

  private final Map<String, DemoEvent.ActionRequested> requested = new LinkedHashMap<>();
  private final Map<String, DemoEvent.ActionRecorded> recorded = new LinkedHashMap<>();
  private int nextRequest = 1;

  private boolean scaledOut;
  private String refusedPromoteId;
  private String holdId;
  private String resumeId;
  private String promoteId;
  private Double heldSince;
  private String heldPhase;
  private Integer heldStep;
  private boolean holdMoved;
  private DemoEvent.HoldChecked holdChecked;
  private Integer promotedFrom;
  private DemoEvent.Promoted promoted;
  private DemoEvent.RolloutEnded summary;

  RolloutStory(
      DemoSettings settings,
      DemoReporter reporter,
      DemoStory.Probes probes,
      Operator operator,
      DoubleSupplier elapsedSeconds) {
    if (settings.scenario() != DemoSettings.Scenario.ROLLOUT) {
      throw new IllegalArgumentException("not a rollout: " + settings.scenario());
    }
    this.settings = settings;
    this.reporter = reporter;
    this.probes = probes;
    this.operator = operator;
    this.elapsedSeconds = elapsedSeconds;
    this.caughtUp = settings.caughtUpNames();
    this.joiners = settings.joinerNames();
    this.holdTarget = joiners.get(1);
    this.promoteTarget = joiners.get(2);
    // At 25% of a share when there is such a step before the last, else at the first.
    this.holdStep = settings.steps().size() >= 3 ? 1 : 0;
    this.holdFor = settings.stepIntervalDuration().multipliedBy(HOLD_STEP_INTERVALS);
    this.maxLagBytes = settings.maxLagBytes();
  }

  @Override
  public void onRoute(Map<String, Integer> weights) {
    Map<String, Integer> named = DemoStory.byName(weights);
    if (named.equals(route)) {
      return;
    }
    route = named;
    reporter.report(
        new DemoEvent.RouteChanged(
            now(), named, named.getOrDefault(DemoSettings.PRIMARY_SERVICE, 0) > 0));
    trackPromote();
    finishIfDone();
  }

  /** Notes which request annotations the gate still has, then reads its status. */
  @Override
  public void onGate(ReplicaGate gate) {
    requestsOnGate.clear();
    Map<String, String> annotations = gate.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.keySet().stream()
          .filter(k -> k.startsWith(ActionRequests.PREFIX))
          .forEach(requestsOnGate::add);
    }
    if (gate.getStatus() == null) {
      finishIfDone();
    } else {
      onStatus(gate.getStatus());
    }
  }

  @Override
  public void onStatus(ReplicaGateStatus newStatus) {
    if (newStatus == null) {
      return;
    }
    status = newStatus;
    // Outcomes first: a promote's record comes before the phase change it made.
    for (ActionStatus a : newStatus.getLastActions()) {
      if (a != null && requested.containsKey(a.getId()) && !recorded.containsKey(a.getId())) {
        recorded(a);
      }
    }
    List<String> ramping = new ArrayList<>();
    for (ReplicaStatus r : newStatus.getReplicas()) {
      ReplicaStatus before = seen.put(r.getName(), r);
      if (before == null
          || !Objects.equals(before.getPhase(), r.getPhase())
          || !Objects.equals(before.getStep(), r.getStep())) {
        replicaChanged(before, r);
      }
      if (joiners.contains(r.getName()) && !entered.containsKey(r.getName()) && weighted(r)) {
        entered.put(r.getName(), now());
      }
      if (is(r, Phase.RAMPING)) {
        ramping.add(r.getName());
      }
      String was = waiting.put(r.getName(), r.getWaitingFor());
      if (!Objects.equals(was, r.getWaitingFor()) && notable(r.getWaitingFor())) {
        reporter.report(
            new DemoEvent.Waiting(
                now(),
                r.getName(),
                r.getWaitingFor(),
                r.getPhase(),
                r.getStep(),
                percent(r.getStep()),
                r.getWeight() == null ? 0 : r.getWeight()));
      }
      if (r.getName().equals(holdTarget) && heldSince != null && resumeId == null) {
        holdMoved |=
            !Objects.equals(heldPhase, r.getPhase()) || !Objects.equals(heldStep, r.getStep());
      }
    }
    mostRamping = Math.max(mostRamping, ramping.size());
    if (ramping.size() > DemoSettings.ROLLOUT_MAX_RAMPING && violation == null) {
      violation =
          String.join(" and ", ramping) + " were Ramping in one status at " + seconds(now());
    }
    if (newStatus.getRollout() != null && !newStatus.getRollout().equals(rollout)) {
      rollout = newStatus.getRollout();
      reporter.report(new DemoEvent.RolloutChanged(now(), rollout));
    }
    act();
    trackPromote();
    finishIfDone();
  }

  /** Nothing until the summary; after it, only while the demo follows on. */
  @Override
  public void table() {
    if (summary != null && settings.follow()) {
      printTable();
    }
  }

  @Override
  public boolean finished() {
    return summary != null;
  }

  /** The summary, once {@link #finished()}. */
  DemoEvent.RolloutEnded summary() {
    return summary;
  }

  @Override
  public String broken() {
    if (violation != null) {
      return "ramp.maxRamping: " + DemoSettings.ROLLOUT_MAX_RAMPING + " was not kept: " + violation;
    }
    if (holdChecked != null && !holdChecked.kept()) {
      return "the hold did not keep "
          + holdTarget
          + " where it was ("
          + where(heldPhase, heldStep)
          + "): "
          + where(holdChecked.phase(), holdChecked.step())
          + " after "
          + seconds(holdChecked.heldSeconds());
    }
    return null;
  }

  @Override
  public DemoEvent.TimedOut timedOut(Duration timeout) {
    String after = " after " + HumanFormat.duration(timeout) + ": ";
    for (String j : joiners) {
      ReplicaStatus r = seen.get(j);
      if (r == null || !is(r, Phase.SERVING)) {
        String phase = r == null ? "not in the gate's status" : r.getPhase();
        String reason = r == null ? null : r.getReason();
        String message =
            j + " is not serving" + after + phase + (reason == null ? "" : " (" + reason + ")");
        return new DemoEvent.TimedOut(now(), j, r == null ? null : r.getPhase(), reason, message);
      }
    }
    for (DemoEvent.ActionRequested a : requested.values()) {
      if (!recorded.containsKey(a.id())) {
        String message =
            "the controller has not recorded " + a.action() + " " + a.replica() + after + a.id();
        return new DemoEvent.TimedOut(now(), a.replica(), null, null, message);
      }
    }
    return new DemoEvent.TimedOut(
        now(), promoteTarget, null, null, "the rollout did not end" + after + "the route lags");
  }

  /** The operator's moves, each once, when the status shows the replica where it needs it. */
  private void act() {
    if (!scaledOut && !caughtUp.isEmpty() && caughtUp.stream().allMatch(this::serving)) {
      scaledOut = true;
      operator.scaleOut();
      List<DemoEvent.Joiner> joined = new ArrayList<>();
      List<Long> backlogs = settings.joinerBacklogs();
      for (int i = 0; i < joiners.size(); i++) {
        joined.add(new DemoEvent.Joiner(joiners.get(i), backlogs.get(i)));
      }
      int before = 1 + caughtUp.size();
      reporter.report(
          new DemoEvent.ScaledOut(now(), before, before + joiners.size(), List.copyOf(joined)));
    }
    ReplicaStatus last = seen.get(promoteTarget);
    if (scaledOut
        && refusedPromoteId == null
        && last != null
        && is(last, Phase.GATED)
        && last.getLagBytes() != null
        && last.getLagBytes() > maxLagBytes) {
      // Far behind: the controller refuses a full share, and says why.
      refusedPromoteId = request(ActionVerb.PROMOTE, promoteTarget);
    }
    ReplicaStatus held = seen.get(holdTarget);
    if (holdId == null
        && held != null
        && is(held, Phase.RAMPING)
        && held.getStep() != null
        && held.getStep() >= holdStep) {
      holdId = request(ActionVerb.HOLD, holdTarget);
    }
    if (holdId != null
        && heldSince == null
        && held != null
        && Boolean.TRUE.equals(held.getHeld())) {
      heldSince = now();
      heldPhase = held.getPhase();
      heldStep = held.getStep();
      operator.later(holdFor, this::endHold);
    }
    if (promoteId == null && last != null && is(last, Phase.RAMPING)) {
      promotedFrom = last.getStep();
      promoteId = request(ActionVerb.PROMOTE, promoteTarget);
    }
  }

  /**
   * The hold has lasted {@link #holdFor}: reads the gate back from the API server, reports whether
   * the replica kept its phase and step, and resumes it.
   */
  private void endHold() {
    ReplicaStatus r = null;
    ReplicaGateStatus live = operator.read();
    if (live != null) {
      r =
          live.getReplicas().stream()
              .filter(x -> holdTarget.equals(x.getName()))
              .findFirst()
              .orElse(null);
    }
    if (r == null) {
      r = seen.get(holdTarget);
    }
    double t = now();
    boolean kept =
        !holdMoved
            && r != null
            && Objects.equals(heldPhase, r.getPhase())
            && Objects.equals(heldStep, r.getStep())
            && Boolean.TRUE.equals(r.getHeld());
    holdChecked =
        new DemoEvent.HoldChecked(
            t,
            holdTarget,
            round(t - heldSince),
            r == null ? null : r.getPhase(),
            r == null ? null : r.getStep(),
            r == null ? null : percent(r.getStep()),
            r == null ? null : r.getWaitingFor(),
            settings.stepInterval(),
            kept);
    reporter.report(holdChecked);
    resumeId = request(ActionVerb.RESUME, holdTarget);
  }

  private String request(ActionVerb verb, String replica) {
    String id = verb.word() + "-" + replica + "-" + nextRequest++;
    String value = operator.request(id, verb, replica, OPERATOR);
    DemoEvent.ActionRequested event =
        new DemoEvent.ActionRequested(
            now(), id, verb.word(), replica, OPERATOR, ActionRequests.key(id), value);
    requested.put(id, event);
    reporter.report(event);
    return id;
  }

  private void recorded(ActionStatus a) {
    DemoEvent.ActionRequested asked = requested.get(a.getId());
    double t = now();
    DemoEvent.ActionRecorded event =
        new DemoEvent.ActionRecorded(
            t,
            a.getId(),
            a.getAction(),
            a.getReplica(),
            a.getBy(),
            a.getResult(),
            a.getMessage(),
            round(t - asked.t()));
    recorded.put(a.getId(), event);
    reporter.report(event);
  }

  /** Once the promote is applied and the route gives the replica its full share: how long. */
  private void trackPromote() {
    if (promoted != null || promoteId == null || route == null) {
      return;
    }
    DemoEvent.ActionRecorded outcome = recorded.get(promoteId);
    ReplicaStatus r = seen.get(promoteTarget);
    Integer routed = route.get(promoteTarget);
    if (outcome == null
        || !ActionStatus.APPLIED.equals(outcome.result())
        || r == null
        || !is(r, Phase.SERVING)
        || routed == null
        || routed == 0
        || !routed.equals(r.getWeight())) {
      return;
    }
    promoted =
        new DemoEvent.Promoted(
            promoteTarget,
            promotedFrom,
            percent(promotedFrom),
            outcome.message(),
            round(now() - requested.get(promoteId).t()),
            routed);
  }

  private void finishIfDone() {
    if (summary != null || route == null || status == null) {
      return;
    }
    for (String j : joiners) {
      ReplicaStatus r = seen.get(j);
      Integer routed = route.get(j);
      if (r == null
          || !is(r, Phase.SERVING)
          || routed == null
          || routed == 0
          || !routed.equals(r.getWeight())) {
        return;
      }
    }
    if (!recorded.keySet().containsAll(requested.keySet())) {
      return;
    }
    if (requested.values().stream().anyMatch(a -> requestsOnGate.contains(a.annotation()))) {
      return; // recorded, but the controller has yet to remove the annotation
    }
    if (heldSince != null && resumeId == null) {
      return; // the hold's end is still to come
    }
    if (promoteId != null && promoted == null && ActionStatus.APPLIED.equals(resultOf(promoteId))) {
      return;
    }
    printTable();
    DemoEvent.ActionRecorded refused =
        recorded.values().stream()
            .filter(a -> ActionStatus.REFUSED.equals(a.result()))
            .findFirst()
            .orElse(null);
    summary =
        new DemoEvent.RolloutEnded(
            now(),
            DemoSettings.Scenario.ROLLOUT.word(),
            java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entered)),
            DemoSettings.ROLLOUT_MAX_RAMPING,
            mostRamping,
            violation,
            holdChecked,
            promoted,
            refused,
            requested.size(),
            route,
            probes.staleReadPercentSeconds());
    reporter.report(summary);
  }

  private String resultOf(String id) {
    DemoEvent.ActionRecorded r = recorded.get(id);
    return r == null ? null : r.result();
  }

  private void printTable() {
    List<DemoEvent.RolloutRow> rows = new ArrayList<>();
    for (ReplicaStatus r : status.getReplicas()) {
      rows.add(
          new DemoEvent.RolloutRow(
              r.getName(),
              r.getPhase(),
              r.getStep(),
              percent(r.getStep()),
              route == null ? 0 : route.getOrDefault(r.getName(), 0),
              r.getLagBytes(),
              DemoEvent.CatchUpTrend.of(r),
              r.getWaitingFor(),
              Boolean.TRUE.equals(r.getHeld())));
    }
    reporter.report(new DemoEvent.RolloutTable(now(), DemoSettings.Scenario.ROLLOUT.word(), rows));
  }

  private void replicaChanged(ReplicaStatus before, ReplicaStatus r) {
    Integer step = is(r, Phase.RAMPING) ? r.getStep() : null;
    reporter.report(
        new DemoEvent.ReplicaChanged(
            now(),
            r.getName(),
            DemoStory.change(before, r),
            r.getPhase(),
            step,
            percent(step),
            r.getWeight() == null ? 0 : r.getWeight(),
            r.getLagBytes(),
            probes.readiness(r.getName()),
            r.getReason()));
  }

  /** Waits that name a turn or a person, not a timer or a lag figure. */
  static boolean notable(String waitingFor) {
    return waitingFor != null
        && (waitingFor.startsWith("its turn")
            || waitingFor.startsWith("resume")
            || waitingFor.startsWith("approval"));
  }

  private boolean serving(String name) {
    ReplicaStatus r = seen.get(name);
    return r != null && is(r, Phase.SERVING);
  }

  /** Takes reads of its own: Ramping or Serving. */
  private static boolean weighted(ReplicaStatus r) {
    return is(r, Phase.RAMPING) || is(r, Phase.SERVING);
  }

  private static boolean is(ReplicaStatus r, Phase phase) {
    return phase.displayName().equals(r.getPhase());
  }

  private Integer percent(Integer step) {
    return step != null && step >= 0 && step < settings.steps().size()
        ? settings.steps().get(step)
        : null;
  }

  private String where(String phase, Integer step) {
    if (Phase.RAMPING.displayName().equals(phase) && percent(step) != null) {
      return "ramp step " + step + " (" + percent(step) + "%)";
    }
    return phase == null ? "not in the status" : phase;
  }

  private double now() {
    return round(elapsedSeconds.getAsDouble());
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  private static String seconds(double t) {
    return String.format(java.util.Locale.ROOT, "%.1fs", t);
  }
}
