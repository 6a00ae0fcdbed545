package io.syncgate.controller.analysis;

import io.syncgate.policy.analysis.CheckDefinition;
import io.syncgate.policy.analysis.CheckEvaluation;
import io.syncgate.policy.analysis.CheckResult;
import io.syncgate.policy.analysis.CheckStatus;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one gate's analysis checks for its ramping replicas: sends each (check, replica) query when
 * it is due, keeps the results, and says where each check stands in the replica's current step.
 *
 * <p>Not thread-safe by design: one runner per gate, every call and every answer on the gate's
 * Vert.x context (a {@link PrometheusClient} called there completes there). {@link #evaluate} never
 * waits: it starts what is due and returns what is known; an answer that arrives later shows up in
 * the next call.
 *
 * <p>The rules, per check and replica:
 *
 * <ul>
 *   <li>A query is due when none is in flight and none was sent within the check's interval; the
 *       first for a replica (or for a check new to the runner) is due at once. Never more often
 *       than the interval, never two in flight; a step change does not make a query due early.
 *   <li>A result counts for a replica's step only if its query was sent at or after the step's
 *       start; older results are neither returned nor counted. When the step start changes, what
 *       was held for the earlier step is dropped.
 *   <li>{@link CheckStatus#consecutiveFailures()} counts the failed results in a row, newest back,
 *       since the step began; a pass resets it.
 *   <li>A check whose definition changed (same name, other query, comparison, threshold or
 *       interval) starts over as a new check; a check no longer listed is forgotten. An answer for
 *       a forgotten check or replica is dropped when it arrives (and still reported to the
 *       listener).
 * </ul>
 *
 * <p>The query function must always complete ({@link PrometheusClient#query} does, within its
 * timeout): a query that never completes holds its check for that replica forever, which fails safe
 * (no new results, so no pass).
 */
public final class AnalysisRunner {

  /** Told of every finished query, on the runner's context, e.g. for metrics. */
  @FunctionalInterface
  public interface ResultListener {
    /**
     * A query of {@code result.check()} for {@code replica} finished, counted or not.
     *
     * @param replica the replica the query was for
     * @param result what it gave
     */
    void finished(String replica, CheckResult result);
  }

  private static final Logger LOG = LoggerFactory.getLogger(AnalysisRunner.class);

  private final Function<String, Future<QueryAnswer>> query;
  private final String namespace;
  private final ResultListener listener;

  /** What is held per replica; a replica's entry is replaced, never reused, when dropped. */
  private final Map<String, ReplicaChecks> replicas = new HashMap<>();

  private int inFlight;

  /** A runner that asks {@code client}. */
  public AnalysisRunner(PrometheusClient client, String namespace) {
    this(Objects.requireNonNull(client, "client")::query, namespace, null);
  }

  /** A runner that asks {@code client} and tells {@code listener} of every finished query. */
  public AnalysisRunner(PrometheusClient client, String namespace, ResultListener listener) {
    this(Objects.requireNonNull(client, "client")::query, namespace, listener);
  }

  /**
   * A runner over any query function (tests use a fake).
   *
   * @param query asks one PromQL instant query; its future must always complete, successfully
   * @param namespace the gate's namespace, for {@link CheckDefinition#NAMESPACE}
   * @param listener told of every finished query, or null
   */
  public AnalysisRunner(
      Function<String, Future<QueryAnswer>> query, String namespace, ResultListener listener) {
    this.query = Objects.requireNonNull(query, "query");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.listener = listener;
  }

  /**
   * Starts every query that is due and returns what is known now, without waiting.
   *
   * @param checks the gate's checks
   * @param stepStarts each ramping replica and when its current step began (monotonic)
   * @param now the monotonic time of this call; a query sent now is stamped with it
   * @return for each replica of {@code stepStarts}, the status of each check that has a result in
   *     the current step, in the order of {@code checks} (a check without one yet is absent);
   *     unmodifiable
   * @throws IllegalArgumentException when two checks have the same name
   */
  public Map<String, Map<String, CheckStatus>> evaluate(
      List<CheckDefinition> checks, Map<String, Instant> stepStarts, Instant now) {
    Objects.requireNonNull(checks, "checks");
    Objects.requireNonNull(stepStarts, "stepStarts");
    Objects.requireNonNull(now, "now");
    requireUniqueNames(checks);
    Map<String, Map<String, CheckStatus>> out = new LinkedHashMap<>();
    stepStarts.forEach(
        (replica, stepStart) -> {
          Objects.requireNonNull(stepStart, "step start of " + replica);
          ReplicaChecks held = replicas.computeIfAbsent(replica, ReplicaChecks::new);
          held.stepStarted(stepStart);
          held.keepOnly(checks);
          Map<String, CheckStatus> statuses = new LinkedHashMap<>();
          for (CheckDefinition def : checks) {
            CheckRun run = held.runOf(def);
            if (run.due(now)) {
              send(held, run, now);
            }
            if (run.status != null) {
              statuses.put(def.name(), run.status);
            }
          }
          out.put(replica, Collections.unmodifiableMap(statuses));
        });
    return Collections.unmodifiableMap(out);
  }

  private static void requireUniqueNames(List<CheckDefinition> checks) {
    Set<String> names = new HashSet<>();
    for (CheckDefinition def : checks) {
      if (!names.add(def.name())) {
        throw new IllegalArgumentException("two checks are named " + def.name());
      }
    }
  }

  /** Drops what is held about replicas not in {@code replicas} (they left the ramp). */
  public void retain(Set<String> replicas) {
    Objects.requireNonNull(replicas, "replicas");
    this.replicas.keySet().retainAll(replicas);
  }

  /** Queries sent and not finished yet, all replicas and checks. */
  public int queriesInFlight() {
    return inFlight;
  }

  private void send(ReplicaChecks held, CheckRun run, Instant now) {
    run.inFlight = true;
    run.lastSent = now;
    CheckDefinition def = run.def;
    String promql;
    try {
      promql = def.queryFor(held.replica, namespace);
    } catch (IllegalArgumentException e) {
      inFlight++;
      answered(held, run, now, QueryAnswer.failed("query not sent: " + e.getMessage()));
      return;
    }
    inFlight++;
    Future<QueryAnswer> answer;
    try {
      answer = query.apply(promql);
    } catch (RuntimeException e) {
      answer = Future.succeededFuture(QueryAnswer.failed("query not sent: " + e));
    }
    if (answer == null) {
      answer = Future.succeededFuture(QueryAnswer.failed("query not sent: no answer to wait for"));
    }
    answer.onComplete(
        ar ->
            answered(
                held,
                run,
                now,
                ar.succeeded() ? ar.result() : QueryAnswer.failed("query failed: " + ar.cause())));
  }

  private void answered(ReplicaChecks held, CheckRun run, Instant sentAt, QueryAnswer answer) {
    inFlight--;
    run.inFlight = false;
    CheckResult result =
        CheckEvaluation.of(
            run.def,
            sentAt,
            answer == null ? QueryAnswer.failed("query answered nothing") : answer);
    // Counted only while the replica and check are still held as they were when it was sent.
    if (replicas.get(held.replica) == held
        && held.runs.get(run.def.name()) == run
        && !sentAt.isBefore(held.stepStart)) {
      run.status = CheckStatus.next(run.status, result);
    }
    if (listener != null) {
      try {
        listener.finished(held.replica, result);
      } catch (RuntimeException e) {
        LOG.warn(
            "analysis result listener failed for {}/{}: {}", namespace, held.replica, e.toString());
      }
    }
  }

  /** What is held for one replica: its step start and one run per check. */
  private static final class ReplicaChecks {
    final String replica;
    Instant stepStart;
    final Map<String, CheckRun> runs = new HashMap<>();

    ReplicaChecks(String replica) {
      this.replica = replica;
    }

    /** A new step drops the results of earlier ones; queries in flight stay in flight. */
    void stepStarted(Instant start) {
      if (!start.equals(stepStart)) {
        stepStart = start;
        runs.values().forEach(run -> run.status = null);
      }
    }

    void keepOnly(List<CheckDefinition> checks) {
      if (runs.size() == checks.size()
          && checks.stream().allMatch(def -> runs.containsKey(def.name()))) {
        return;
      }
      Set<String> names = new HashSet<>();
      checks.forEach(def -> names.add(def.name()));
      runs.keySet().retainAll(names);
    }

    CheckRun runOf(CheckDefinition def) {
      CheckRun run = runs.get(def.name());
      if (run == null || !run.def.equals(def)) {
        run = new CheckRun(def);
        runs.put(def.name(), run);
      }
      return run;
    }
  }

  /** One check for one replica. */
  private static final class CheckRun {
    final CheckDefinition def;
    Instant lastSent;
    boolean inFlight;
    CheckStatus status;

    CheckRun(CheckDefinition def) {
      this.def = def;
    }

    boolean due(Instant now) {
      return !inFlight && (lastSent == null || !now.isBefore(lastSent.plus(def.interval())));
    }
  }
}
