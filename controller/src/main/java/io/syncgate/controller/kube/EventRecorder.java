package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about gates ({@code kubectl describe rgate} shows them), de-duplicated,
 * rate-limited per gate and bounded per controller.
 *
 * <ul>
 *   <li><b>De-duplicated:</b> an event that repeats the gate's previous event (same reason and
 *       message, nothing else recorded for the gate in between) less than {@code window} after it
 *       is dropped. A condition that holds for many ticks is reported once, not once per tick,
 *       while a story that repeats itself (ejected, admitted, ejected again) is told in full.
 *   <li><b>Rate-limited:</b> a gate may record a burst of events at once, then one per interval
 *       ({@link RateLimit#DEFAULT}: 30, then 1 every 5 s; a {@link TokenBucket} per gate), so a
 *       member that flaps every tick cannot flood the API server. An event over the limit is
 *       dropped and counted in {@code syncgate_events_dropped_total}; the next event the gate may
 *       record is preceded by one {@link EventReason#EVENTS_DROPPED} event that says how many were
 *       dropped (it takes no token of its own, so a gate writes at most two events per token).
 *       Repeats of the event dropped last count once, as they would have been suppressed had it
 *       been recorded.
 *   <li><b>Bounded:</b> event writes share the worker pool of status writes. At most {@code
 *       maxInFlight} of them are on the pool at once, all gates together, so a status write waits
 *       behind at most that many event writes; the rest wait here in order, at most {@link
 *       #MAX_QUEUED}; beyond that, events are dropped and counted as above.
 * </ul>
 *
 * <p>Times come from the injected clock, as the de-duplication window always has; a clock set back
 * earns no tokens (see {@link TokenBucket}).
 *
 * <p>Call on the controller's context. The state is guarded by this object's lock anyway, held only
 * for bookkeeping, never across I/O: writes complete on whatever context called, and tests call
 * from their own thread. The write itself runs on the {@link KubeWorker} and its failure is logged,
 * never propagated: an event is worth less than the tick that produced it.
 */
public final class EventRecorder implements EventSink {

  /** The {@code source.component} / {@code reportingComponent} of every event. */
  public static final String COMPONENT = "syncgate";

  /**
   * A gate's event allowance: {@code burst} events at once, then one more per {@code
   * refillInterval}.
   */
  public record RateLimit(int burst, Duration refillInterval) {

    /** 30 at once, then 1 every 5 s. */
    // A new gate over ten healthy replicas tells about 50 events in its first minute and a half
    // (admitted, three ramp steps, serving, each): they all get through; a member flapping every
    // tick is cut to one event every 5 s.
    public static final RateLimit DEFAULT = new RateLimit(30, Duration.ofSeconds(5));

    public RateLimit {
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1, got " + burst);
      }
      Objects.requireNonNull(refillInterval, "refillInterval");
      if (refillInterval.isZero() || refillInterval.isNegative()) {
        throw new IllegalArgumentException(
            "refillInterval must be positive, got " + refillInterval);
      }
    }
  }

  /** Events waiting for the worker pool, all gates together; beyond this they are dropped. */
  static final int MAX_QUEUED = 1024;

  // Kubernetes rejects longer event messages.
  private static final int MAX_MESSAGE_LENGTH = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  /** Creates one event; blocking, run on the worker pool. */
  interface EventWriter {
    WriteResult create(Event event);
  }

  private final EventWriter writer;
  private final KubeWorker worker;
  private final Clock clock;
  private final String instance;
  private final Duration window;
  private final RateLimit rateLimit;
  private final int maxInFlight;
  private final SyncgateMetrics metrics;

  private final Map<GateKey, Sent> lastSent = new HashMap<>();
  private final Map<GateKey, Allowance> allowances = new HashMap<>();
  private final Queue<Pending> queued = new ArrayDeque<>();
  private int inFlight;

  private record Sent(EventReason reason, String message, Instant at) {}

  /** An event waiting for the pool, and who waits for its result. */
  private record Pending(GateKey gate, Event event, Promise<WriteResult> written) {}

  /** An event's reason and message. */
  private record Said(EventReason reason, String message) {}

  /** What limits one gate: its tokens, and what it dropped since its last recorded event. */
  private static final class Allowance {
    final TokenBucket bucket;
    long dropped;

    /**
     * The event dropped last, so that its repeats, which a recorded one would suppress, count once.
     */
    Said lastDropped;

    Allowance(RateLimit limit, Instant now) {
      bucket = new TokenBucket(limit.burst(), limit.refillInterval(), now);
    }
  }

  /**
   * @param worker the pool the writes run on (shared with status writes)
   * @param instance this controller's identity ({@code reportingInstance})
   * @param window how long an identical event is suppressed
   * @param rateLimit each gate's allowance
   * @param maxInFlight how many event writes may be on the pool at once; see {@link
   *     #maxInFlight(int)}
   */
  public EventRecorder(
      KubernetesClient client,
      KubeWorker worker,
      Clock clock,
      String instance,
      Duration window,
      RateLimit rateLimit,
      int maxInFlight,
      SyncgateMetrics metrics) {
    this(
        event -> create(client, event),
        worker,
        clock,
        instance,
        window,
        rateLimit,
        maxInFlight,
        metrics);
  }

  EventRecorder(
      EventWriter writer,
      KubeWorker worker,
      Clock clock,
      String instance,
      Duration window,
      RateLimit rateLimit,
      int maxInFlight,
      SyncgateMetrics metrics) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
    this.writer = writer;
    this.worker = worker;
    this.clock = clock;
    this.instance = instance;
    this.window = window;
    this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
    this.maxInFlight = maxInFlight;
    this.metrics = metrics;
  }

  /**
   * Event writes in flight for a worker pool of {@code poolSize} shared with status writes: half of
   * it, at least one, so the other half is always free for status.
   */
  public static int maxInFlight(int poolSize) {
    return Math.max(1, poolSize / 2);
  }

  /**
   * Records an event about {@code gate} unless it repeats the gate's previous one within the
   * window, or the gate's rate limit or the backlog drops it.
   *
   * @return {@link WriteResult#CREATED}, {@link WriteResult#NOOP} when suppressed or dropped, or
   *     {@link WriteResult#ERROR}; never a failed future
   */
  @Override
  public Future<WriteResult> record(HasMetadata gate, EventReason reason, String message) {
    Objects.requireNonNull(gate, "gate");
    Future<WriteResult> result = admit(gate, reason, truncate(message));
    sendQueued();
    return result;
  }

  @Override
  public synchronized void forget(GateKey gate) {
    lastSent.remove(gate);
    allowances.remove(gate);
  }

  /** Suppressed, dropped, or queued (after a summary of what the gate dropped before). */
  private synchronized Future<WriteResult> admit(
      HasMetadata gate, EventReason reason, String text) {
    Instant now = clock.instant();
    forgetOlderThan(now.minus(window));
    GateKey key = GateKey.of(gate);
    Sent previous = lastSent.get(key);
    if (previous != null && previous.reason() == reason && previous.message().equals(text)) {
      return Future.succeededFuture(WriteResult.NOOP);
    }
    Allowance allowance = allowances.computeIfAbsent(key, k -> new Allowance(rateLimit, now));
    Said said = new Said(reason, text);
    int events = allowance.dropped > 0 ? 2 : 1;
    if (queued.size() + events > MAX_QUEUED || !allowance.bucket.tryTake(now)) {
      if (!said.equals(allowance.lastDropped)) {
        allowance.dropped++;
        allowance.lastDropped = said;
        metrics.eventDropped(key.namespace(), key.name());
      }
      return Future.succeededFuture(WriteResult.NOOP);
    }
    allowance.lastDropped = null;
    lastSent.put(key, new Sent(reason, text, now));
    if (allowance.dropped > 0) {
      Promise<WriteResult> summary = Promise.promise();
      queued.add(
          new Pending(
              key,
              event(gate, EventReason.EVENTS_DROPPED, droppedMessage(allowance.dropped), now),
              summary));
      allowance.dropped = 0;
      // Nobody else sees this write's result: count it here, unless the gate is gone by then.
      summary.future().onSuccess(written -> countSummary(key, written));
    }
    Promise<WriteResult> written = Promise.promise();
    queued.add(new Pending(key, event(gate, reason, text, now), written));
    return written.future();
  }

  /** Puts queued events on the pool while fewer than {@code maxInFlight} are there. */
  private void sendQueued() {
    List<Pending> sending = new ArrayList<>();
    synchronized (this) {
      while (inFlight < maxInFlight && !queued.isEmpty()) {
        sending.add(queued.remove());
        inFlight++;
      }
    }
    for (Pending pending : sending) {
      Future<WriteResult> write;
      try {
        write = worker.call(() -> writer.create(pending.event()));
      } catch (RuntimeException e) {
        write = Future.failedFuture(e); // the pool is closed: the controller is stopping
      }
      write.onComplete(
          ar -> {
            synchronized (this) {
              inFlight--;
            }
            if (ar.failed()) {
              LOG.warn(
                  "{}: cannot record event {}: {}",
                  pending.gate(),
                  pending.event().getReason(),
                  ar.cause().toString());
            }
            pending.written().complete(ar.succeeded() ? ar.result() : WriteResult.ERROR);
            sendQueued();
          });
    }
  }

  private synchronized void countSummary(GateKey gate, WriteResult written) {
    if (allowances.containsKey(gate)) {
      metrics.meshWrite(gate.namespace(), gate.name(), "event", written.label());
    }
  }

  // Runs on the worker pool.
  private static WriteResult create(KubernetesClient client, Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      return WriteResult.CREATED;
    } catch (KubernetesClientException e) {
      LOG.warn(
          "ReplicaGate({}/{}): cannot record event {}: {}",
          event.getInvolvedObject().getNamespace(),
          event.getInvolvedObject().getName(),
          event.getReason(),
          e.getMessage());
      return WriteResult.ERROR;
    }
  }

  private Event event(HasMetadata gate, EventReason reason, String message, Instant now) {
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    String namespace = gate.getMetadata().getNamespace();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        // kubectl's naming: <object>.<unique suffix>.
        .withName(
            gate.getMetadata().getName()
                + "."
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(gate.getApiVersion())
                .withKind(gate.getKind())
                .withNamespace(namespace)
                .withName(gate.getMetadata().getName())
                .withUid(gate.getMetadata().getUid())
                .build())
        .withType(reason.type().value())
        .withReason(reason.value())
        .withMessage(message)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .withFirstTimestamp(timestamp)
        .withLastTimestamp(timestamp)
        .withCount(1)
        .build();
  }

  /** "5 events about this gate were dropped: ...". */
  String droppedMessage(long dropped) {
    return dropped
        + (dropped == 1 ? " event about this gate was" : " events about this gate were")
        + " dropped: syncgate records at most "
        + rateLimit.burst()
        + " at once, then 1 every "
        + HumanFormat.duration(rateLimit.refillInterval())
        + " (syncgate_events_dropped_total counts them)";
  }

  private void forgetOlderThan(Instant cutoff) {
    for (Iterator<Sent> it = lastSent.values().iterator(); it.hasNext(); ) {
      if (!it.next().at().isAfter(cutoff)) {
        it.remove();
      }
    }
  }

  /** Printable and cut to what the API server accepts: messages quote Patroni's answers. */
  private static String truncate(String message) {
    return message == null ? "" : SafeText.of(message, MAX_MESSAGE_LENGTH);
  }
}
