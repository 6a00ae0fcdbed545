package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about gates ({@code kubectl describe rgate} shows them), de-duplicated: an
 * event that repeats the gate's previous event (same reason and message, nothing else recorded for
 * the gate in between) less than {@code window} after it is dropped. A condition that holds for
 * many ticks is reported once, not once per tick, while a story that repeats itself (ejected,
 * admitted, ejected again) is told in full.
 *
 * <p>Call on the controller's context only (the de-duplication memory is not thread-safe); the
 * write itself runs on the {@link KubeWorker} and its failure is logged, never propagated: an event
 * is worth less than the tick that produced it.
 */
public final class EventRecorder implements EventSink {

  /** The {@code source.component} / {@code reportingComponent} of every event. */
  public static final String COMPONENT = "syncgate";

  // Kubernetes rejects longer event messages.
  private static final int MAX_MESSAGE_LENGTH = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final KubeWorker worker;
  private final Clock clock;
  private final String instance;
  private final Duration window;
  private final Map<GateKey, Sent> lastSent = new HashMap<>();

  private record Sent(EventReason reason, String message, Instant at) {}

  /**
   * @param instance this controller's identity ({@code reportingInstance})
   * @param window how long an identical event is suppressed
   */
  public EventRecorder(
      KubernetesClient client, KubeWorker worker, Clock clock, String instance, Duration window) {
    this.client = client;
    this.worker = worker;
    this.clock = clock;
    this.instance = instance;
    this.window = window;
  }

  /**
   * Records an event about {@code gate} unless it repeats the gate's previous one within the
   * window.
   *
   * @return {@link WriteResult#CREATED}, {@link WriteResult#NOOP} when suppressed, or {@link
   *     WriteResult#ERROR}; never a failed future
   */
  @Override
  public Future<WriteResult> record(HasMetadata gate, EventReason reason, String message) {
    Objects.requireNonNull(gate, "gate");
    String text = truncate(message);
    Instant now = clock.instant();
    forgetOlderThan(now.minus(window));
    GateKey key = GateKey.of(gate);
    Sent previous = lastSent.get(key);
    if (previous != null && previous.reason() == reason && previous.message().equals(text)) {
      return Future.succeededFuture(WriteResult.NOOP);
    }
    lastSent.put(key, new Sent(reason, text, now));
    Event event = event(gate, reason, text, now);
    return worker.call(() -> send(event));
  }

  @Override
  public void forget(GateKey gate) {
    lastSent.remove(gate);
  }

  // Runs on the worker pool.
  private WriteResult send(Event event) {
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
