package io.syncgate.controller.demo;

import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.RouteDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * Turns what a reader of the API server sees (the gate's status, the VirtualService's route) into
 * the demo's events: a line per phase or step change, a table on request, and the summary once the
 * joining replica serves. It asks Patroni what its own checks would answer at each of those
 * moments.
 *
 * <p>Not thread-safe: the demo calls it from one story thread only.
 */
final class DemoStory implements Story {

  /** What the demo asks around: Patroni's own checks for a member, the controller's metrics. */
  interface Probes {
    /** {@code GET /readiness}, by HTTP status. */
    int readiness(String member);

    /** {@code GET /replica?lag=<admission.maxLag>}, by HTTP status. */
    int replicaWithinMaxLag(String member);

    /**
     * The gate's {@code syncgate_stale_read_exposure_percent_seconds_total} now; null when it
     * cannot be read.
     */
    default Double staleReadPercentSeconds() {
      return null;
    }
  }

  private final DemoSettings settings;
  private final DemoReporter reporter;
  private final Probes probes;
  private final DoubleSupplier elapsedSeconds;
  private final String joiner;
  private final String replicaCheck;

  /** The live route by {@link #byName}, or null before the first. */
  private Map<String, Integer> route;

  private ReplicaGateStatus status;
  private final Map<String, ReplicaStatus> seen = new TreeMap<>();

  private Double joinerFirstSeen;
  private Double joinerAdmitted;
  private Double joinerServing;
  private int readinessOkWhileGated;
  private int readinessUnavailableWhileGated;
  private int readinessChecksWhileGated;
  private Double readinessUnavailableAt;
  private Double readinessFirstOk;
  private Double readinessUnavailableUntil;
  private DemoEvent.Summary summary;

  DemoStory(
      DemoSettings settings, DemoReporter reporter, Probes probes, DoubleSupplier elapsedSeconds) {
    this.settings = settings;
    this.reporter = reporter;
    this.probes = probes;
    this.elapsedSeconds = elapsedSeconds;
    this.joiner = settings.joinerName();
    this.replicaCheck = "/replica?lag=" + PatroniProbe.lagParameter(settings.maxLagBytes());
  }

  /**
   * The live VirtualService's route as a watch delivered it: weights by subset, the primary
   * Service's (the {@code Primary} fallback's destination, without a subset) under {@link
   * RouteDestination#PRIMARY_SERVICE}, as {@link io.syncgate.policy.gating.Route#weights()} has
   * them.
   */
  @Override
  public void onRoute(Map<String, Integer> weights) {
    Map<String, Integer> named = byName(weights);
    if (named.equals(route)) {
      return;
    }
    route = named;
    reporter.report(
        new DemoEvent.RouteChanged(
            now(), named, named.getOrDefault(DemoSettings.PRIMARY_SERVICE, 0) > 0));
    finishIfServing();
  }

  /**
   * The route's weights by the name a reader knows each destination by, unmodifiable: the primary
   * Service's first, under {@link DemoSettings#PRIMARY_SERVICE}, then the members' subsets by name.
   */
  static Map<String, Integer> byName(Map<String, Integer> weights) {
    Map<String, Integer> out = new LinkedHashMap<>();
    Integer primary = weights.get(RouteDestination.PRIMARY_SERVICE);
    if (primary != null) {
      out.put(DemoSettings.PRIMARY_SERVICE, primary);
    }
    new TreeMap<>(weights)
        .forEach(
            (subset, weight) -> {
              if (!RouteDestination.PRIMARY_SERVICE.equals(subset)) {
                out.put(subset, weight);
              }
            });
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The gate's status as a watch delivered it. */
  @Override
  public void onStatus(ReplicaGateStatus newStatus) {
    if (newStatus == null) {
      return;
    }
    status = newStatus;
    for (ReplicaStatus r : newStatus.getReplicas()) {
      ReplicaStatus before = seen.put(r.getName(), r);
      if (joiner.equals(r.getName()) && joinerFirstSeen == null) {
        joinerFirstSeen = now();
      }
      boolean changed =
          before == null
              || !Objects.equals(before.getPhase(), r.getPhase())
              || !Objects.equals(before.getStep(), r.getStep());
      if (changed) {
        replicaChanged(before, r);
      }
    }
    finishIfServing();
  }

  /**
   * Reports every replica: what Patroni answers, its lag, phase and weight. Nothing before the
   * first status, and nothing after the summary unless the demo follows on.
   */
  @Override
  public void table() {
    if (status == null || (summary != null && !settings.follow())) {
      return;
    }
    List<DemoEvent.Row> rows = new ArrayList<>();
    for (ReplicaStatus r : sortedReplicas()) {
      int readiness = readiness(r);
      rows.add(
          new DemoEvent.Row(
              r.getName(),
              readiness,
              probes.replicaWithinMaxLag(r.getName()),
              r.getLagBytes(),
              DemoEvent.CatchUpTrend.of(r),
              r.getPhase(),
              weightOf(r)));
    }
    reporter.report(new DemoEvent.Table(now(), replicaCheck, rows));
  }

  /** True once the joining replica serves in the status and in the live route. */
  @Override
  public boolean finished() {
    return summary != null;
  }

  /** The summary, once {@link #finished()}. */
  DemoEvent.Summary summary() {
    return summary;
  }

  /** The timeout event: where the joining replica got stuck. */
  @Override
  public DemoEvent.TimedOut timedOut(Duration timeout) {
    ReplicaStatus r = seen.get(joiner);
    String phase = r == null ? "not in the gate's status" : r.getPhase();
    String reason = r == null ? null : r.getReason();
    String message =
        joiner
            + " is not serving after "
            + HumanFormat.duration(timeout)
            + ": "
            + phase
            + (reason == null ? "" : " (" + reason + ")");
    return new DemoEvent.TimedOut(now(), joiner, r == null ? null : r.getPhase(), reason, message);
  }

  private void replicaChanged(ReplicaStatus before, ReplicaStatus r) {
    String change = change(before, r);
    if (joiner.equals(r.getName())) {
      if ("admitted".equals(change) && joinerAdmitted == null) {
        joinerAdmitted = now();
      }
      if (Phase.SERVING.displayName().equals(r.getPhase()) && joinerServing == null) {
        joinerServing = now();
        if (joinerAdmitted == null) {
          joinerAdmitted = joinerServing; // a single-step ramp serves on admission
        }
      }
    }
    Integer step = r.getStep();
    Integer percent =
        step != null && step >= 0 && step < settings.steps().size()
            ? settings.steps().get(step)
            : null;
    reporter.report(
        new DemoEvent.ReplicaChanged(
            now(),
            r.getName(),
            change,
            r.getPhase(),
            step,
            percent,
            r.getWeight() == null ? 0 : r.getWeight(),
            r.getLagBytes(),
            readiness(r),
            r.getReason()));
  }

  /** How a replica moved, in the words of the story. */
  static String change(ReplicaStatus before, ReplicaStatus now) {
    String phase = now.getPhase();
    boolean ramping = Phase.RAMPING.displayName().equals(phase);
    boolean wasRamping = before != null && Phase.RAMPING.displayName().equals(before.getPhase());
    if (ramping && !wasRamping) {
      return before == null ? "ramping" : "admitted";
    }
    if (ramping) {
      return "step";
    }
    if (Phase.SERVING.displayName().equals(phase) && before != null && !wasRamping) {
      // Straight from Gated to Serving: a ramp of one step.
      return "admitted";
    }
    return phase == null ? "unknown" : phase.toLowerCase(java.util.Locale.ROOT);
  }

  /** Asks the member's /readiness for a line or a table. */
  private int readiness(ReplicaStatus r) {
    return probes.readiness(r.getName());
  }

  /**
   * Asks the joining replica's /readiness, as a readiness probe would every {@link
   * DemoSettings#READINESS_CHECK_INTERVAL}: counts its answers while it gets no reads, and notes
   * when it first answered 200 and the last 503 before that. Nothing once the story has ended.
   */
  @Override
  public void readinessCheck() {
    if (summary != null) {
      return;
    }
    int answer = probes.readiness(joiner);
    double t = now();
    if (joinerAdmitted == null) {
      readinessChecksWhileGated++;
      if (answer == 200) {
        readinessOkWhileGated++;
      } else if (answer == 503) {
        readinessUnavailableWhileGated++;
      }
    }
    if (readinessFirstOk == null) {
      if (answer == 200) {
        readinessFirstOk = t;
        readinessUnavailableUntil = readinessUnavailableAt;
      } else if (answer == 503) {
        readinessUnavailableAt = t;
      }
    }
  }

  private void finishIfServing() {
    if (summary != null || joinerServing == null || route == null) {
      return;
    }
    ReplicaStatus r = seen.get(joiner);
    Integer routed = route.get(joiner);
    if (r == null || routed == null || routed == 0 || !routed.equals(r.getWeight())) {
      return;
    }
    table();
    double first = joinerFirstSeen == null ? 0 : joinerFirstSeen;
    summary =
        new DemoEvent.Summary(
            now(),
            joiner,
            round(joinerAdmitted - first),
            round(joinerServing - joinerAdmitted),
            readinessOkWhileGated,
            readinessUnavailableWhileGated,
            readinessChecksWhileGated,
            settings.steps(),
            route,
            probes.staleReadPercentSeconds(),
            new DemoEvent.ReadinessTimeline(
                settings.patroniVersion().word(),
                DemoSettings.READINESS_CHECK_INTERVAL.toMillis() / 1000.0,
                readinessUnavailableUntil,
                readinessFirstOk,
                joinerAdmitted,
                joinerServing));
    reporter.report(summary);
  }

  /** The status's replicas (the controller sorts them by name). */
  private List<ReplicaStatus> sortedReplicas() {
    return status.getReplicas();
  }

  private int weightOf(ReplicaStatus r) {
    if (route != null) {
      return route.getOrDefault(r.getName(), 0);
    }
    return r.getWeight() == null ? 0 : r.getWeight();
  }

  private double now() {
    return round(elapsedSeconds.getAsDouble());
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
