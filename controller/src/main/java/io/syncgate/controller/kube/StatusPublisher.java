package io.syncgate.controller.kube;

import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.status.GateStatusBuilder;
import io.syncgate.policy.status.TickReport;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one gate's status off the tick: a slow API server delays the status, not the next poll or
 * mesh write. At most one write is in flight; the newest status asked for meanwhile is written when
 * it ends, so none is lost even without another tick, and none is sent twice. A status is written
 * only when it differs significantly from the last one written, or its lag figures are older than
 * the lag interval ({@link GateStatusBuilder#writeDue}). Call on the controller's context.
 */
final class StatusPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

  private final GateKey key;
  private final StatusSink sink;
  private final Context context;
  private final Duration lagInterval;
  private final Supplier<SyncgateMetrics> metrics;

  private ReplicaGateStatus written;
  private Instant writtenAt;

  /**
   * The newest status asked for (written, in flight, queued or not due), which the next one is
   * built on: built on {@link #written} while a write is in flight, a condition that flipped in the
   * one in flight would flip again with a new {@code lastTransitionTime}, and the two times would
   * alternate in what is written.
   */
  private ReplicaGateStatus latest;

  /** The gate's resourceVersion as last seen (informer or our own write), for the PUT. */
  private String resourceVersion;

  private boolean inFlight;
  private Runnable queued;

  /** A conflicting write is being retried: a second conflict is reported, not retried again. */
  private boolean retried;

  StatusPublisher(
      GateKey key,
      StatusSink sink,
      Context context,
      Duration lagInterval,
      Supplier<SyncgateMetrics> metrics) {
    this.key = key;
    this.sink = sink;
    this.context = context;
    this.lagInterval = lagInterval;
    this.metrics = metrics;
  }

  /** The gate's resourceVersion seen by the informer. */
  void seen(String version) {
    resourceVersion = version;
  }

  /** Forgets what was written: a new term starts from the stored status. */
  void reset() {
    written = null;
    writtenAt = null;
    latest = null;
  }

  /** Adopts the status read fresh from the API server as the last one written. */
  void adopt(ReplicaGateStatus stored, String version) {
    written = stored == null ? null : GateStatusBuilder.copy(stored);
    writtenAt = null;
    latest = written;
    if (version != null) {
      resourceVersion = version;
    }
  }

  /**
   * The status a new one is built on: the newest asked for, else the gate's (a copy, never null).
   */
  ReplicaGateStatus base(ReplicaGate gate) {
    if (latest != null) {
      return latest;
    }
    return gate.getStatus() == null
        ? new ReplicaGateStatus()
        : GateStatusBuilder.copy(gate.getStatus());
  }

  /**
   * Writes {@code desired} when it is due; returns at once. Nothing is sent once {@code term}
   * ended.
   */
  void publish(ReplicaGate gate, ReplicaGateStatus desired, Term term, Instant now) {
    if (term.current()) {
      latest = desired;
    }
    if (inFlight) {
      queued = () -> publish(gate, desired, term, now);
      return;
    }
    ReplicaGateStatus before = written != null ? written : gate.getStatus();
    if (!GateStatusBuilder.writeDue(before, desired, writtenAt, lagInterval, now)
        || !term.current()) {
      return;
    }
    inFlight = true;
    OnContext.of(context, sink.write(gate, desired, resourceVersion))
        .onComplete(
            ar -> {
              inFlight = false;
              settle(ar, desired, term, now);
              Runnable next = queued;
              queued = null;
              if (next != null) {
                next.run();
              }
            });
  }

  private void settle(
      AsyncResult<WriteOutcome<ReplicaGate>> ar,
      ReplicaGateStatus desired,
      Term term,
      Instant now) {
    if (ar.failed()) {
      LOG.warn("{}: status write failed: {}", key, ar.cause().toString());
      return;
    }
    WriteOutcome<ReplicaGate> outcome = ar.result();
    metrics
        .get()
        .meshWrite(
            key.namespace(), key.name(), "status", TickReport.metricResult(outcome.result()));
    if (!term.current()) {
      return;
    }
    if (outcome.result().settled()) {
      written = desired;
      writtenAt = now;
      outcome
          .live()
          .filter(gate -> gate.getMetadata() != null)
          .ifPresent(gate -> resourceVersion = gate.getMetadata().getResourceVersion());
    } else if (outcome instanceof WriteOutcome.Conflict && !retried) {
      // The version we had is stale: read the gate's current one and try once more, still with a
      // precondition and only while this term lasts.
      retried = true;
      OnContext.of(context, sink.read(key))
          .onComplete(
              r -> {
                if (r.succeeded() && r.result() != null && term.current()) {
                  resourceVersion = r.result().getMetadata().getResourceVersion();
                  // A newer status asked for meanwhile supersedes this one, with the new version.
                  if (!inFlight && queued == null) {
                    publish(r.result(), desired, term, now);
                  }
                }
                retried = false;
              });
    } else {
      LOG.warn("{}: status write {}: {}", key, outcome.result().label(), outcome.message());
    }
  }
}
