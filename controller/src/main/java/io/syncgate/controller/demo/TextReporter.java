package io.syncgate.controller.demo;

import io.syncgate.policy.gating.HumanFormat;
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
    }
    out.flush();
  }

  private void started(DemoEvent.Started s) {
    line("syncgate demo: the controller of `syncgate run`, against an in-process Kubernetes API");
    line(
        "server and a simulated Patroni 3.0.2 cluster on loopback addresses. Nothing leaves this"
            + " machine.");
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
    line("Patroni's /readiness answers 200 for any running replica, however far behind, so an");
    line(
        "operator that uses it as the pod's readiness probe sends reads to %s at once.",
        s.joiner());
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
          case "admitted" -> "admitted " + r.stepPercent() + "%";
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
        "%s  %-8s %-11s %-17s %-10s %-8s %6s",
        time(t.t()), "replica", "/readiness", t.replicaCheck(), "lag", "phase", "weight");
    String indent = " ".repeat(time(t.t()).length());
    for (DemoEvent.Row row : t.rows()) {
      boolean readyButIdle = row.readiness() == 200 && row.weight() == 0;
      line(
          "%s  %-8s %-11s %-17s %-10s %-8s %6d%s",
          indent,
          row.replica(),
          status(row.readiness()),
          status(row.replicaCheck()),
          lag(row.lagBytes()),
          row.phase(),
          row.weight(),
          readyButIdle ? "  " + READY_BUT_NO_READS : "");
    }
    line("");
  }

  private void summary(DemoEvent.Summary s) {
    line("");
    line("%s serves after %s:", s.replica(), seconds(s.t()));
    line(
        "  %-14s %6s  while Patroni's /readiness answered 200 (%d of %d checks)",
        "held at 0%",
        seconds(s.gatedSeconds()),
        s.readinessOkWhileGated(),
        s.readinessChecksWhileGated());
    line("  %-14s %6s  %s of a share", "ramping", seconds(s.rampingSeconds()), percents(s.steps()));
    line("  %-14s %s", "final weights", weights(s.weights()));
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

  private static String status(int status) {
    return status == PatroniProbe.NO_ANSWER ? "---" : Integer.toString(status);
  }
}
