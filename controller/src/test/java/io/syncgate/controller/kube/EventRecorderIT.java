package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.TestClock;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events about a gate: what they say, which repeats are dropped, and the rate limit. */
class EventRecorderIT {

  @RegisterExtension final ApiServerFixture kube = new ApiServerFixture();

  private static final Duration WINDOW = Duration.ofMinutes(5);

  private final EmbeddedApiServer api = kube.api();
  private final TestClock clock = new TestClock(Instant.parse("2026-11-28T16:00:00Z"));
  private final SyncgateMetrics metrics = new SyncgateMetrics();
  private final EventRecorder events =
      new EventRecorder(
          kube.client(),
          kube.worker(),
          clock,
          "controller-a",
          WINDOW,
          EventRecorder.RateLimit.DEFAULT,
          1,
          metrics);
  private final ReplicaGate gate = api.admin().resource(TestGates.gate(spec -> {})).create();

  private WriteResult record(EventReason reason, String message) {
    return Await.result(events.record(gate, reason, message));
  }

  private List<Event> written() {
    return api.admin().v1().events().inNamespace(TestGates.NAMESPACE).list().getItems();
  }

  @Test
  void anEventNamesTheGateItsReasonTypeAndReporter() {
    assertThat(record(EventReason.REPLICA_EJECTED, "replica hippo-2: lag 100 MiB > 16 MiB"))
        .isEqualTo(WriteResult.CREATED);

    Event event = written().get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("ReplicaEjected");
    assertThat(event.getMessage()).isEqualTo("replica hippo-2: lag 100 MiB > 16 MiB");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("ReplicaGate");
    assertThat(event.getInvolvedObject().getName()).isEqualTo(TestGates.GATE);
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(gate.getMetadata().getUid());
    assertThat(event.getSource().getComponent()).isEqualTo("syncgate");
    assertThat(event.getReportingInstance()).isEqualTo("controller-a");
    assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-28T16:00:00Z");
  }

  @Test
  void anUnbrokenRepeatIsDroppedUntilTheWindowHasPassed() {
    record(EventReason.INVALID_SPEC, "spec.ramp.steps: must increase");
    clock.advance(Duration.ofSeconds(1));
    assertThat(record(EventReason.INVALID_SPEC, "spec.ramp.steps: must increase"))
        .isEqualTo(WriteResult.NOOP);
    clock.advance(WINDOW);
    assertThat(record(EventReason.INVALID_SPEC, "spec.ramp.steps: must increase"))
        .isEqualTo(WriteResult.CREATED);
    assertThat(written()).hasSize(2);
  }

  @Test
  void aStoryThatRepeatsItselfIsToldInFull() {
    record(EventReason.REPLICA_EJECTED, "replica hippo-2: lag 100 MiB > 16 MiB");
    record(EventReason.REPLICA_ADMITTED, "replica hippo-2: admitted");
    record(EventReason.REPLICA_EJECTED, "replica hippo-2: lag 100 MiB > 16 MiB");

    assertThat(written())
        .extracting(Event::getReason)
        .containsExactlyInAnyOrder("ReplicaEjected", "ReplicaAdmitted", "ReplicaEjected");
  }

  @Test
  void aLongMessageIsCutToWhatTheApiServerAccepts() {
    record(EventReason.CONFLICT, "x".repeat(5000));

    assertThat(written().get(0).getMessage()).hasSize(1024).endsWith("…");
  }

  @Test
  void aMessageCannotCarryLineBreaksOrEscapes() {
    record(EventReason.PATRONI_UNREACHABLE, "member pg-1: state running\n\u001b[31mforged");

    assertThat(written().get(0).getMessage()).isEqualTo("member pg-1: state running??[31mforged");
  }

  @Test
  void aFlappingMemberGetsItsBurstOfEventsThenOneSummingUpWhatWasDropped() {
    for (int flap = 1; flap <= 50; flap++) {
      record(
          flap % 2 == 1 ? EventReason.PATRONI_UNREACHABLE : EventReason.REPLICA_ADMITTED,
          "replica hippo-2: flap " + flap);
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(written()).hasSize(30);

    clock.advance(EventRecorder.RateLimit.DEFAULT.refillInterval());
    record(EventReason.REPLICA_EJECTED, "replica hippo-2: lag 100 MiB > 16 MiB");

    assertThat(written())
        .extracting(Event::getReason)
        .containsOnlyOnce("EventsDropped", "ReplicaEjected")
        .hasSize(32);
    Event summary =
        written().stream().filter(e -> e.getReason().equals("EventsDropped")).findFirst().get();
    assertThat(summary.getType()).isEqualTo("Warning");
    assertThat(summary.getMessage()).startsWith("20 events about this gate were dropped");
    assertThat(summary.getInvolvedObject().getName()).isEqualTo(TestGates.GATE);
    assertThat(metrics.scrape())
        .contains("syncgate_events_dropped_total{gate=\"hippo-reads\",namespace=\"db\"} 20.0");
  }
}
