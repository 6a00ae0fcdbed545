package io.syncgate.controller.demo;

import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.status.LagTrendText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo for a person at a terminal: the set-up, one line per change, a table every few seconds
 * and a summary. The table puts what Patroni answers next to the weight the replica gets, so "ready
 * by Patroni, 0 % of reads" is plain to see.
 */
final class TextReporter implements DemoReporter {

  /** Marks a table row whose replica Patroni calls ready while it gets no reads. */
  static final String READY_BUT_NO_READS = "<- ready by Patroni, 0% of reads";

  /** Width of the tables' catch-up column: "253.9 MiB/s, ETA 12s" and a little more. */
  private static final int CATCH_UP_WIDTH = 21;

  private final PrintWriter out;
  private boolean lastLineBlank = true;

  TextReporter(PrintWriter out) {
    this.out = out;
  }

  /** One line; an empty line only when the previous one was not empty already. */
  private void line(String text) {
    if (text.isEmpty() && lastLineBlank) {
      return;
    }
    out.println(text);
    lastLineBlank = text.isEmpty();
  }

  private void line(String format, Object... args) {
    line(String.format(Locale.ROOT, format, args));
  }

  @Override
  public synchronized void report(DemoEvent event) {
    // Java 17 has no pattern matching in switch yet.
    if (event instanceof DemoEvent.Started s) {
      started(s);
    } else if (event instanceof DemoEvent.RouteChanged r) {
      route(r);
    } else if (event instanceof DemoEvent.ReplicaChanged r) {
      replica(r);
    } else if (event instanceof DemoEvent.Table t) {
      table(t);
    } else if (event instanceof DemoEvent.Summary s) {
      summary(s);
    } else if (event instanceof DemoEvent.Emitted e) {
      line("");
      line("wrote %s", String.join(", ", e.files()));
    } else if (event instanceof DemoEvent.TimedOut t) {
      line("%s  %s", time(t.t()), t.message());
    } else if (event instanceof DemoEvent.RolloutStarted s) {
      rolloutStarted(s);
    } else if (event instanceof DemoEvent.ScaledOut s) {
      scaledOut(s);
    } else if (event instanceof DemoEvent.Waiting w) {
      waiting(w);
    } else if (event instanceof DemoEvent.ActionRequested a) {
      line(
          "%s  %-8s %s %s: annotation %s added (JSON merge patch)",
          time(a.t()), "operator", a.action(), a.replica(), a.annotation());
    } else if (event instanceof DemoEvent.ActionRecorded a) {
      line(
          "%s  %-8s %s %s %s  (status.lastActions, after %s)",
          time(a.t()), "operator", a.action(), a.replica(), outcome(a), seconds(a.afterSeconds()));
    } else if (event instanceof DemoEvent.RolloutChanged r) {
      line("%s  %-8s %s", time(r.t()), "rollout", r.rollout());
    } else if (event instanceof DemoEvent.HoldChecked h) {
      holdChecked(h);
    } else if (event instanceof DemoEvent.RolloutTable t) {
      rolloutTable(t);
    } else if (event instanceof DemoEvent.RolloutEnded e) {
      rolloutEnded(e);
    }
    out.flush();
  }

  private void started(DemoEvent.Started s) {
    line("syncgate demo: the controller of `syncgate run`, against an in-process Kubernetes API");
    line(
        "server and a simulated Patroni %s cluster on loopback addresses. Nothing leaves this"
            + " machine.",
        s.patroniVersion());
    line("");
    line(
        "  cluster  %-8s leader, writing %s/s of WAL",
        s.leader(), HumanFormat.bytes(s.writeBytesPerSecond()));
    for (String r : s.caughtUp()) {
      line("           %-8s replica, caught up", r);
    }
    line(
        "           %-8s replica restored from an old backup: %s behind, replaying %s/s",
        s.joiner(),
        HumanFormat.bytes(s.backlogBytes()),
        HumanFormat.bytes(s.catchUpBytesPerSecond()));
    List<String> replicas = new ArrayList<>(s.caughtUp());
    replicas.add(s.joiner());
    line(
        "  services %-15s the read host's, replicas only: %s",
        s.readService(), String.join(", ", replicas));
    line(
        "           %-15s the primary's, for reads while no replica is admitted: %s",
        s.primaryService(), s.leader());
    line(
        "  gate     %s/%s: admit at lag <= %s held for %s, then ramp %s of a share,",
        s.namespace(), s.gate(), s.maxLag(), s.stableFor(), percents(s.steps()));
    line(
        "           one step every %s; Patroni polled every %s",
        s.stepInterval(), s.pollInterval());
    List<String> uris = List.copyOf(s.patroni().values());
    line(
        "  patroni  %s ... %s, an address per member like pod IPs",
        uris.get(0), uris.get(uris.size() - 1));
    line("  kube     %s (fabric8 mock API server)", s.apiServer());
    line("  metrics  %s", s.metrics());
    line("");
    if (lagAware(s.patroniVersion())) {
      line(
          "Patroni %s's /readiness answers 503 while a replica is not streaming or more than",
          s.patroniVersion());
      line(
          "maximum_lag_on_failover (1 MiB by default) behind, and 200 once it is within: a pod"
              + " readiness");
      line(
          "probe on it keeps %s out until then, and then gives it a full share of reads at once.",
          s.joiner());
    } else {
      line("Patroni's /readiness answers 200 for any running replica, however far behind, so an");
      line(
          "operator that uses it as the pod's readiness probe sends reads to %s at once.",
          s.joiner());
    }
    line("Here is what syncgate writes into the mesh instead (time since the controller started):");
    line("");
  }

  private void route(DemoEvent.RouteChanged r) {
    line(
        "%s  %-8s %s%s",
        time(r.t()),
        "route",
        weights(r.weights()),
        r.fallback() ? "  (the primary Service: no replica admitted yet)" : "");
  }

  private void replica(DemoEvent.ReplicaChanged r) {
    String what =
        switch (r.change()) {
          // Without a step: straight to a full share.
          case "admitted" -> "admitted " + (r.stepPercent() == null ? 100 : r.stepPercent()) + "%";
          case "step" -> "ramp " + r.stepPercent() + "%";
          default -> r.change();
        };
    line(
        "%s  %-8s %-13s weight %3d  lag %-9s  /readiness %-3s  %s",
        time(r.t()),
        r.replica(),
        what,
        r.weight(),
        lag(r.lagBytes()),
        status(r.readiness()),
        r.reason() == null ? "" : r.reason());
  }

  private void table(DemoEvent.Table t) {
    line("");
    line(
        "%s  %-8s %-11s %-17s %-10s %-" + CATCH_UP_WIDTH + "s %-8s %6s",
        time(t.t()),
        "replica",
        "/readiness",
        t.replicaCheck(),
        "lag",
        "catch-up",
        "phase",
        "weight");
    String indent = " ".repeat(time(t.t()).length());
    for (DemoEvent.Row row : t.rows()) {
      boolean readyButIdle = row.readiness() == 200 && row.weight() == 0;
      line(
          "%s  %-8s %-11s %-17s %-10s %-" + CATCH_UP_WIDTH + "s %-8s %6d%s",
          indent,
          row.replica(),
          status(row.readiness()),
          status(row.replicaCheck()),
          lag(row.lagBytes()),
          catchUp(row.catchUp()),
          row.phase(),
          row.weight(),
          readyButIdle ? "  " + READY_BUT_NO_READS : "");
    }
    line("");
  }

  private void summary(DemoEvent.Summary s) {
    line("");
    line("%s serves after %s:", s.replica(), seconds(s.t()));
    if (s.readinessUnavailableWhileGated() == 0) {
      line(
          "  %-14s %6s  while Patroni's /readiness answered 200 (%d of %d checks)",
          "held at 0%",
          seconds(s.gatedSeconds()),
          s.readinessOkWhileGated(),
          s.readinessChecksWhileGated());
    } else {
      line(
          "  %-14s %6s  while Patroni's /readiness answered 503 to %d checks and 200 to %d (of %d)",
          "held at 0%",
          seconds(s.gatedSeconds()),
          s.readinessUnavailableWhileGated(),
          s.readinessOkWhileGated(),
          s.readinessChecksWhileGated());
    }
    line("  %-14s %6s  %s of a share", "ramping", seconds(s.rampingSeconds()), percents(s.steps()));
    DemoEvent.ReadinessTimeline r = s.readiness();
    if (r != null) {
      line(
          "  %-14s Patroni %s, checked every %s: %sfirst 200 at %s;",
          "/readiness",
          r.patroniVersion(),
          seconds(r.checkIntervalSeconds()),
          r.unavailableUntil() == null ? "" : "503 until " + seconds(r.unavailableUntil()) + ", ",
          r.firstOk() == null ? "never" : seconds(r.firstOk()));
      line(
          "  %-14s syncgate gave %s reads at %s, a full share at %s",
          "", s.replica(), seconds(r.weightAt()), seconds(r.fullShareAt()));
    }
    line("  %-14s %s", "final weights", weights(s.weights()));
    staleReads(s.staleReadPercentSeconds());
    if (r != null && lagAware(r.patroniVersion())) {
      line("");
      line(
          "Patroni %s's /readiness already catches a replica that is far behind: it answered 503"
              + " while",
          r.patroniVersion());
      line(
          "%s was more than maximum_lag_on_failover behind, so a readiness probe on it keeps the"
              + " pod out",
          s.replica());
      line("of the read Service. What it does not do:");
      line(
          "  - no ramp: on its first 200 the pod turns Ready and takes a full share of reads at"
              + " once;");
      line(
          "  - no hysteresis: one threshold both ways, so a replica hovering around it goes in and"
              + " out;");
      line(
          "  - the kubelet acts after periodSeconds x failureThreshold (10s x 3 by default) when a"
              + " replica");
      line("    falls behind, and up to periodSeconds after it has caught up.");
    }
  }

  private static boolean lagAware(String patroniVersion) {
    return patroniVersion != null && PatroniReadiness.lagAware(patroniVersion);
  }

  /** The exposure counter at the end, and what it means. */
  private void staleReads(Double percentSeconds) {
    line(
        "  %-14s %s percent-seconds of reads routed to replicas of unknown lag or over"
            + " admission.maxLag",
        "stale reads",
        percentSeconds == null ? "?" : String.format(Locale.ROOT, "%.1f", percentSeconds));
    line(
        "  %-14s (syncgate_stale_read_exposure_percent_seconds_total): 0 expected, except within"
            + " the documented grace windows",
        "");
  }

  private void rolloutStarted(DemoEvent.RolloutStarted s) {
    line(
        "syncgate demo --scenario rollout: the controller of `syncgate run`, against an"
            + " in-process");
    line(
        "Kubernetes API server and a simulated Patroni %s cluster on loopback addresses."
            + " Nothing",
        s.patroniVersion());
    line("leaves this machine.");
    line("");
    line(
        "  cluster  %-8s leader, writing %s/s of WAL",
        s.leader(), HumanFormat.bytes(s.writeBytesPerSecond()));
    for (String r : s.caughtUp()) {
      line("           %-8s replica, caught up", r);
    }
    for (DemoEvent.Joiner j : s.joiners()) {
      line(
          "           %-8s joins later, restored from a backup: %s behind, replaying %s/s",
          j.name(),
          HumanFormat.bytes(j.backlogBytes()),
          HumanFormat.bytes(s.catchUpBytesPerSecond()));
    }
    line("  services %-15s the read host's, replicas only", s.readService());
    line(
        "           %-15s the primary's, for reads while no replica is admitted: %s",
        s.primaryService(), s.leader());
    line(
        "  gate     %s/%s: admit at lag <= %s held for %s, then ramp %s of a share,",
        s.namespace(), s.gate(), s.maxLag(), s.stableFor(), percents(s.steps()));
    line(
        "           one step every %s, at most %d replica ramping at a time (ramp.maxRamping: %d);",
        s.stepInterval(), s.maxRamping(), s.maxRamping());
    line("           Patroni polled every %s", s.pollInterval());
    List<String> uris = List.copyOf(s.patroni().values());
    line(
        "  patroni  %s ... %s, an address per member like pod IPs",
        uris.get(0), uris.get(uris.size() - 1));
    line("  kube     %s (fabric8 mock API server)", s.apiServer());
    line("  metrics  %s", s.metrics());
    line("");
    int before = 1 + s.caughtUp().size();
    List<String> joiners = s.joiners().stream().map(DemoEvent.Joiner::name).toList();
    line(
        "The cluster scales from %d to %d members once %s serve%s. The new replicas catch up",
        before,
        before + joiners.size(),
        String.join(" and ", s.caughtUp()),
        s.caughtUp().size() == 1 ? "s" : "");
    line(
        "at different times and enter the read route one at a time, each through the whole ramp."
            + " The demo");
    String held = joiners.get(1);
    String promoted = joiners.get(joiners.size() - 1);
    line("is the operator: like kubectl syncgate, it asks for an action with an annotation");
    line(
        "request.syncgate.io/<id> on the gate (by: %s). It asks for a promote of %s while that",
        s.operator(), promoted);
    line(
        "is far behind, a hold of %s while it ramps and then a resume, and a promote of %s while",
        held, promoted);
    line(
        "it ramps. The controller records each outcome in status.lastActions and removes the"
            + " annotation.");
    line("What a reader of the API server sees (time since the controller started):");
    line("");
  }

  private void scaledOut(DemoEvent.ScaledOut s) {
    String joiners =
        s.joiners().stream()
            .map(j -> j.name() + " (" + HumanFormat.bytes(j.backlogBytes()) + " behind)")
            .collect(Collectors.joining(", "));
    line(
        "%s  %-8s %d -> %d members: %s, pods and endpoints created",
        time(s.t()), "scale", s.membersBefore(), s.membersAfter(), joiners);
  }

  private void waiting(DemoEvent.Waiting w) {
    line(
        "%s  %-8s %-13s %s%s, weight %d",
        time(w.t()),
        w.replica(),
        "waiting for",
        w.waitingFor(),
        w.stepPercent() == null ? "" : ", at ramp step " + w.step() + " (" + w.stepPercent() + "%)",
        w.weight());
  }

  private void holdChecked(DemoEvent.HoldChecked h) {
    String where =
        h.stepPercent() == null
            ? String.valueOf(h.phase())
            : h.phase() + " at ramp step " + h.step() + " (" + h.stepPercent() + "%)";
    line(
        "%s  %-8s %-13s %s, waiting for %s; one step is %s: %s",
        time(h.t()),
        h.replica(),
        "held " + seconds(h.heldSeconds()),
        where,
        h.waitingFor(),
        h.stepInterval(),
        h.kept() ? "the step did not move" : "IT MOVED");
  }

  private void rolloutTable(DemoEvent.RolloutTable t) {
    line("");
    line(
        "%s  %-8s %-8s %-9s %6s  %-10s %-" + CATCH_UP_WIDTH + "s %s",
        time(t.t()),
        "replica",
        "phase",
        "step",
        "weight",
        "lag",
        "catch-up",
        "waiting for");
    String indent = " ".repeat(time(t.t()).length());
    for (DemoEvent.RolloutRow row : t.rows()) {
      String step = row.stepPercent() == null ? "" : row.step() + " (" + row.stepPercent() + "%)";
      line(
          String.format(
                  Locale.ROOT,
                  "%s  %-8s %-8s %-9s %6d  %-10s %-" + CATCH_UP_WIDTH + "s %s",
                  indent,
                  row.replica(),
                  row.phase(),
                  step,
                  row.weight(),
                  lag(row.lagBytes()),
                  catchUp(row.catchUp()),
                  row.waitingFor() == null ? "" : row.waitingFor())
              .stripTrailing());
    }
    line("");
  }

  private void rolloutEnded(DemoEvent.RolloutEnded e) {
    line("");
    line("The new replicas serve after %s:", seconds(e.t()));
    line(
        "  %-14s %s",
        "entered",
        e.entered().entrySet().stream()
            .map(x -> x.getKey() + " at " + seconds(x.getValue()))
            .collect(Collectors.joining(", ")));
    if (e.violation() == null) {
      line(
          "  %-14s at most %d at once in every status seen (ramp.maxRamping: %d)",
          "ramping", e.mostRampingAtOnce(), e.maxRamping());
    } else {
      line("  %-14s NOT KEPT: %s (ramp.maxRamping: %d)", "ramping", e.violation(), e.maxRamping());
    }
    DemoEvent.HoldChecked h = e.hold();
    if (h == null) {
      line("  %-14s none took effect", "hold");
    } else {
      line(
          "  %-14s %s held %s at %s, one step being %s: %s",
          "hold",
          h.replica(),
          seconds(h.heldSeconds()),
          h.stepPercent() == null
              ? String.valueOf(h.phase())
              : "ramp step " + h.step() + " (" + h.stepPercent() + "%)",
          h.stepInterval(),
          h.kept() ? "the step did not move" : "IT MOVED");
    }
    DemoEvent.Promoted p = e.promote();
    if (p == null) {
      line("  %-14s none reached a full share", "promote");
    } else {
      line(
          "  %-14s %s from %s to a full share (weight %d) in %s",
          "promote",
          p.replica(),
          p.fromStepPercent() == null
              ? "Gated"
              : "ramp step " + p.fromStep() + " (" + p.fromStepPercent() + "%)",
          p.weight(),
          seconds(p.seconds()));
    }
    DemoEvent.ActionRecorded r = e.refused();
    if (r == null) {
      line("  %-14s none", "refused");
    } else {
      line("  %-14s %s %s: %s", "refused", r.action(), r.replica(), withoutResult(r));
    }
    line(
        "  %-14s %d, each recorded in status.lastActions and its annotation removed",
        "requests", e.requests());
    line("  %-14s %s", "final weights", weights(e.weights()));
    staleReads(e.staleReadPercentSeconds());
  }

  /** "applied: held at ramp step 1 (25%)", "refused: lag 3 GiB > 1 MiB, …". */
  private static String outcome(DemoEvent.ActionRecorded a) {
    return String.valueOf(a.result()).toLowerCase(Locale.ROOT) + ": " + withoutResult(a);
  }

  /** The message without the "refused: " the controller starts a refusal with. */
  private static String withoutResult(DemoEvent.ActionRecorded a) {
    String message = a.message() == null ? "" : a.message();
    return message.startsWith("refused: ") ? message.substring("refused: ".length()) : message;
  }

  private static String percents(List<Integer> steps) {
    return steps.stream().map(p -> p + "%").collect(Collectors.joining(" > "));
  }

  private static String weights(Map<String, Integer> weights) {
    return weights.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** Seconds with one decimal, right-aligned, so the time column lines up. */
  private static String time(double t) {
    return String.format(Locale.ROOT, "%6.1fs", t);
  }

  private static String seconds(double t) {
    return String.format(Locale.ROOT, "%.1fs", t);
  }

  private static String lag(Long bytes) {
    return bytes == null ? "?" : HumanFormat.bytes(bytes);
  }

  /** Which way the lag goes, from the status ({@link LagTrendText}); blank while unknown. */
  static String catchUp(DemoEvent.CatchUpTrend trend) {
    return trend == null
        ? ""
        : LagTrendText.of(trend.lagTrend(), trend.bytesPerSecond(), trend.etaSeconds());
  }

  private static String status(int status) {
    return status == PatroniProbe.NO_ANSWER ? "---" : Integer.toString(status);
  }
}
