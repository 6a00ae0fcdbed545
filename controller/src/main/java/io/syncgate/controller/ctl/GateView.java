package io.syncgate.controller.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.RampSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.rollout.ActionRequests;
import io.syncgate.policy.status.LagTrendText;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code kubectl syncgate} shows of gates: plain functions from the objects (and the time ages
 * are measured at) to text lines or JSON, no I/O.
 *
 * <p>Every text taken from the gate is made printable first ({@link SafeText}): status and
 * annotations are written by whoever may write them, and an escape sequence in a reason must not
 * repaint the operator's terminal. Long texts are cut in tables; {@code --output json} has them
 * whole.
 */
public final class GateView {

  /** How many of {@code status.lastActions} the status view shows, newest last. */
  public static final int LAST_ACTIONS_SHOWN = 5;

  /** Shown for a value that is not there. */
  static final String NONE = "-";

  private static final int MAX_CELL = 80;
  private static final int MAX_MESSAGE = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Indented as kubectl and jq indent: two spaces, {@code "key": value}, one item a line. */
  private static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private GateView() {}

  /**
   * The gates as {@code kubectl get rgate} shows them, sorted by namespace and name: NAME, LEADER,
   * SERVING, RAMPING, GATED, ROLLOUT, READY, AGE, and NAMESPACE first when {@code withNamespace}.
   */
  public static List<String> list(List<ReplicaGate> gates, boolean withNamespace, Instant now) {
    List<String> header = new ArrayList<>();
    if (withNamespace) {
      header.add("NAMESPACE");
    }
    header.addAll(List.of("NAME", "LEADER", "SERVING", "RAMPING", "GATED", "ROLLOUT", "READY"));
    header.add("AGE");
    TextTable table = new TextTable(header);
    List<ReplicaGate> sorted = new ArrayList<>(gates);
    sorted.sort(
        Comparator.comparing((ReplicaGate g) -> nullToEmpty(g.getMetadata().getNamespace()))
            .thenComparing(g -> nullToEmpty(g.getMetadata().getName())));
    for (ReplicaGate gate : sorted) {
      ReplicaGateStatus status = gate.getStatus();
      List<String> row = new ArrayList<>();
      if (withNamespace) {
        row.add(cell(gate.getMetadata().getNamespace()));
      }
      row.add(cell(gate.getMetadata().getName()));
      if (status == null) {
        row.addAll(List.of(NONE, NONE, NONE, NONE, NONE, NONE));
      } else {
        row.add(cell(status.getLeader()));
        row.add(number(status.getServing()));
        row.add(number(status.getRamping()));
        row.add(number(status.getGated()));
        row.add(cell(status.getRollout()));
        Condition ready = condition(status, "Ready");
        row.add(ready == null ? NONE : cell(ready.getStatus()));
      }
      row.add(ageOf(gate.getMetadata().getCreationTimestamp(), now));
      table.row(row);
    }
    return table.lines();
  }

  /**
   * One gate in full: a row per replica (NAME, PHASE, WEIGHT, STEP, LAG, WAITING FOR, SINCE,
   * REASON); then the leader, the conditions that matter (Ready and Degraded always, any other only
   * while True), the rollout line, the last {@value #LAST_ACTIONS_SHOWN} actions and the requests
   * the controller has not answered yet.
   */
  public static List<String> status(ReplicaGate gate, Instant now) {
    List<String> out = new ArrayList<>();
    ReplicaGateStatus status = gate.getStatus();
    if (status == null) {
      out.add(
          "No status yet: the controller has not reported on "
              + cell(gate.getMetadata().getNamespace())
              + "/"
              + cell(gate.getMetadata().getName())
              + " (is it running, and watching this namespace?).");
      pendingRequests(gate, now, out);
      return out;
    }
    List<Integer> steps = steps(gate.getSpec());
    if (status.getReplicas().isEmpty()) {
      out.add("No replicas.");
    } else {
      TextTable replicas =
          new TextTable(
              List.of("NAME", "PHASE", "WEIGHT", "STEP", "LAG", "WAITING FOR", "SINCE", "REASON"));
      for (ReplicaStatus r : status.getReplicas()) {
        replicas.row(
            List.of(
                cell(r.getName()),
                cell(r.getPhase()),
                number(r.getWeight()),
                step(r, steps),
                lag(r.getLagBytes(), r.getLagSeconds()) + catchUp(r),
                waitingFor(r),
                ageOf(r.getSince(), now),
                cell(r.getReason(), MAX_MESSAGE)));
      }
      out.addAll(replicas.lines());
    }

    out.add("");
    TextTable facts = TextTable.withoutHeader(2);
    String leader = status.getLeader() == null ? "unknown" : cell(status.getLeader());
    if (status.getTimeline() != null) {
      leader += ", timeline " + status.getTimeline();
    }
    facts.row(List.of("Leader:", leader));
    for (Condition c : status.getConditions()) {
      if (c == null || c.getType() == null) {
        continue;
      }
      boolean always = c.getType().equals("Ready") || c.getType().equals("Degraded");
      if (always || "True".equals(c.getStatus())) {
        facts.row(List.of(cell(c.getType()) + ":", conditionText(c)));
      }
    }
    if (gate.getSpec() != null && Boolean.TRUE.equals(gate.getSpec().getPaused())) {
      facts.row(List.of("Paused:", "spec.paused: no admissions, no ramp steps; ejection applies"));
    }
    facts.row(List.of("Rollout:", status.getRollout() == null ? NONE : cell(status.getRollout())));
    out.addAll(facts.lines());

    List<ActionStatus> actions = status.getLastActions();
    if (!actions.isEmpty()) {
      out.add("");
      out.add("Last actions:");
      TextTable table =
          new TextTable(List.of("AGE", "ACTION", "REPLICA", "BY", "RESULT", "MESSAGE"));
      int from = Math.max(0, actions.size() - LAST_ACTIONS_SHOWN);
      for (ActionStatus a : actions.subList(from, actions.size())) {
        if (a == null) {
          continue;
        }
        String at = a.getAppliedAt() != null ? a.getAppliedAt() : a.getRequestedAt();
        table.row(
            List.of(
                ageOf(at, now),
                cell(a.getAction()),
                cell(a.getReplica()),
                cell(a.getBy()),
                cell(a.getResult()),
                cell(a.getMessage(), MAX_MESSAGE)));
      }
      out.addAll(table.lines());
    }
    pendingRequests(gate, now, out);
    return out;
  }

  /**
   * The gate's status as JSON: indented, or on one line (one object per line when watching). A gate
   * without status gives {@code {}}.
   */
  public static String statusJson(ReplicaGate gate, boolean pretty) {
    Object status = gate.getStatus() == null ? Map.of() : gate.getStatus();
    try {
      return pretty
          ? JSON.writer(PRETTY).writeValueAsString(status)
          : JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the status as JSON", e);
    }
  }

  /**
   * The request annotations the controller has not answered yet, oldest first (one it answered
   * stays until the controller removes it, a moment later).
   */
  private static void pendingRequests(ReplicaGate gate, Instant now, List<String> out) {
    Map<String, String> annotations = gate.getMetadata().getAnnotations();
    if (annotations == null) {
      return;
    }
    Set<String> answered = new HashSet<>();
    if (gate.getStatus() != null) {
      gate.getStatus().getLastActions().stream()
          .filter(Objects::nonNull)
          .forEach(a -> answered.add(ActionRequests.PREFIX + a.getId()));
    }
    Map<String, String> open = new LinkedHashMap<>(annotations);
    open.keySet().removeIf(k -> k == null || !k.startsWith(ActionRequests.PREFIX));
    open.keySet().removeAll(answered);
    List<ActionRequests.Request> pending = ActionRequests.pending(open);
    if (pending.isEmpty()) {
      return;
    }
    int total = open.size();
    out.add("");
    out.add("Pending requests (not answered by the controller yet):");
    TextTable table = new TextTable(List.of("ID", "ACTION", "REPLICA", "BY", "AGE"));
    for (ActionRequests.Request request : pending) {
      if (request.valid()) {
        table.row(
            List.of(
                cell(request.id()),
                request.action().verb().word(),
                cell(request.action().replica()),
                cell(request.action().by()),
                request.action().requestedAt() == null
                    ? NONE
                    : age(Duration.between(request.action().requestedAt(), now))));
      } else {
        table.row(
            List.of(cell(request.id()), "invalid: " + cell(request.error()), NONE, NONE, NONE));
      }
    }
    out.addAll(table.lines());
    if (total > pending.size()) {
      out.add("... and " + (total - pending.size()) + " more");
    }
  }

  /** The percent of a full share while Ramping, from {@code spec.ramp.steps}; else {@code -}. */
  static String step(ReplicaStatus replica, List<Integer> steps) {
    Integer step = replica.getStep();
    if (!"Ramping".equals(replica.getPhase()) || step == null) {
      return NONE;
    }
    if (step < 0 || step >= steps.size() || steps.get(step) == null) {
      return "step " + step;
    }
    return steps.get(step) + "%";
  }

  /** {@code 1.2 MiB / 3.4s}, {@code 1.2 MiB}, or {@code -} when unknown. */
  static String lag(Long bytes, Double seconds) {
    if (bytes == null && seconds == null) {
      return NONE;
    }
    String b = bytes == null ? "?" : HumanFormat.bytes(bytes);
    return seconds == null ? b : b + " / " + HumanFormat.seconds(seconds);
  }

  /**
   * What the lag's trend says, after the lag: {@code , catching up 256 MiB/s, ETA 18s}, {@code ,
   * flat}, {@code , growing 5 MiB/s}; nothing while the controller has no estimate.
   */
  static String catchUp(ReplicaStatus r) {
    String text =
        LagTrendText.of(r.getLagTrend(), r.getCatchUpBytesPerSecond(), r.getCatchUpEtaSeconds());
    if (text.isEmpty()) {
      return "";
    }
    return ", " + ("CatchingUp".equals(r.getLagTrend()) ? "catching up " : "") + text;
  }

  /**
   * What it waits for, then HELD, ABORTED and APPROVED as they apply and the text does not say
   * already ({@code resume (held)} needs no HELD).
   */
  static String waitingFor(ReplicaStatus replica) {
    String waiting = replica.getWaitingFor() == null ? null : cell(replica.getWaitingFor());
    String said = waiting == null ? "" : waiting.toLowerCase(Locale.ROOT);
    List<String> marks = new ArrayList<>();
    if (Boolean.TRUE.equals(replica.getHeld()) && !said.contains("held")) {
      marks.add("HELD");
    }
    if (Boolean.TRUE.equals(replica.getAborted()) && !said.contains("aborted")) {
      marks.add("ABORTED");
    }
    if (Boolean.TRUE.equals(replica.getApproved()) && !said.contains("approved")) {
      marks.add("APPROVED");
    }
    if (marks.isEmpty()) {
      return waiting == null ? NONE : waiting;
    }
    String marked = String.join(", ", marks);
    return waiting == null ? marked : waiting + " (" + marked + ")";
  }

  /**
   * A duration as {@code kubectl get} shows ages: {@code 45s}, {@code 5m30s}, {@code 42m}, {@code
   * 3h5m}, {@code 30h}, {@code 2d5h}, {@code 300d}, {@code 2y45d}; negative (clock skew) as {@code
   * 0s}.
   */
  public static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    long m = s / 60;
    long h = m / 60;
    long days = h / 24;
    long years = days / 365;
    if (s < 120) {
      return s + "s";
    } else if (m < 10) {
      return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
    } else if (m < 180) {
      return m + "m";
    } else if (h < 8) {
      return m % 60 == 0 ? h + "h" : h + "h" + (m % 60) + "m";
    } else if (h < 48) {
      return h + "h";
    } else if (h < 24 * 8) {
      return h % 24 == 0 ? days + "d" : days + "d" + (h % 24) + "h";
    } else if (days < 365 * 2) {
      return days + "d";
    } else if (days < 365 * 8) {
      return days % 365 == 0 ? years + "y" : years + "y" + (days % 365) + "d";
    }
    return years + "y";
  }

  /** The age of an RFC 3339 time; {@code -} when absent, {@code ?} when unreadable. */
  static String ageOf(String time, Instant now) {
    if (time == null || time.isBlank()) {
      return NONE;
    }
    Instant at = instant(time);
    return at == null ? "?" : age(Duration.between(at, now));
  }

  /** An RFC 3339 time, or null. */
  static Instant instant(String time) {
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(time).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static String conditionText(Condition c) {
    StringBuilder out = new StringBuilder(cell(c.getStatus()));
    if (c.getReason() != null) {
      out.append(", ").append(cell(c.getReason()));
    }
    if (c.getMessage() != null && !c.getMessage().isBlank()) {
      out.append(": ").append(cell(c.getMessage(), MAX_MESSAGE));
    }
    return out.toString();
  }

  private static Condition condition(ReplicaGateStatus status, String type) {
    return status.getConditions().stream()
        .filter(Objects::nonNull)
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static List<Integer> steps(ReplicaGateSpec spec) {
    RampSpec ramp = spec == null ? null : spec.getRamp();
    return ramp == null || ramp.getSteps() == null ? RampSpec.DEFAULT_STEPS : ramp.getSteps();
  }

  private static String number(Integer n) {
    return n == null ? NONE : n.toString();
  }

  private static String cell(String text) {
    return cell(text, MAX_CELL);
  }

  private static String cell(String text, int max) {
    return text == null || text.isEmpty() ? NONE : SafeText.of(text, max);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
