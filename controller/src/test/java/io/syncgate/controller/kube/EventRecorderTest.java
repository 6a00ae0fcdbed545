package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.micrometer.core.instrument.Counter;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.controller.testing.TestClock;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event rate limit per gate and the bound on event writes per controller, against a writer that
 * records what it is given (and can be held) on a real worker pool, on a test clock.
 */
class EventRecorderTest {

  /** The limit these tests count with: 10 at once, then 1 every 10 s. */
  private static final EventRecorder.RateLimit LIMIT =
      new EventRecorder.RateLimit(10, Duration.ofSeconds(10));

  @RegisterExtension final BlockedThreadWatch blockedThreads = new BlockedThreadWatch();

  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(5);

  private final Vertx vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  private final KubeWorker worker = new KubeWorker(vertx, 2, KubeWorker.STATUS_POOL_NAME);
  private final TestClock clock = new TestClock(START);
  private final SyncgateMetrics metrics = new SyncgateMetrics();
  private final Writer writer = new Writer();
  private final ReplicaGate gate = gate(TestGates.GATE);

  /** Records each event it is asked to create; while held, waits for the release first. */
  private static final class Writer implements EventRecorder.EventWriter {
    final List<Event> created = new CopyOnWriteArrayList<>();
    final AtomicInteger writing = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    volatile CountDownLatch release = new CountDownLatch(0);

    @Override
    public WriteResult create(Event event) {
      mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
      try {
        if (!release.await(5, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the writer");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        writing.decrementAndGet();
      }
      created.add(event);
      return WriteResult.CREATED;
    }

    List<String> messages() {
      return created.stream().map(Event::getMessage).toList();
    }
  }

  @AfterEach
  void close() {
    writer.release.countDown();
    worker.close();
    Await.result(vertx.close());
  }

  private EventRecorder recorder(int maxInFlight) {
    return new EventRecorder(
        writer, worker, clock, "controller-a", WINDOW, LIMIT, maxInFlight, metrics);
  }

  private static ReplicaGate gate(String name) {
    ReplicaGate gate = TestGates.gate(spec -> {});
    gate.getMetadata().setName(name);
    return gate;
  }

  private double dropped(String gateName) {
    Counter counter =
        metrics
            .registry()
            .find("syncgate.events.dropped")
            .tags("namespace", TestGates.NAMESPACE, "gate", gateName)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aGateRecordsABurstOfTenThenOneEveryTenSecondsAndSumsUpTheRest() {
    EventRecorder events = recorder(1);
    List<WriteResult> results = new ArrayList<>();
    for (int i = 1; i <= 15; i++) {
      results.add(Await.result(events.record(gate, EventReason.PATRONI_UNREACHABLE, "flap " + i)));
    }
    clock.advance(Duration.ofSeconds(9));
    results.add(Await.result(events.record(gate, EventReason.PATRONI_UNREACHABLE, "flap 16")));

    assertThat(results.subList(0, 10)).containsOnly(WriteResult.CREATED);
    assertThat(results.subList(10, 16)).containsOnly(WriteResult.NOOP);
    assertThat(writer.created).hasSize(10);
    assertThat(dropped(TestGates.GATE)).isEqualTo(6);

    clock.advance(Duration.ofSeconds(1));
    assertThat(Await.result(events.record(gate, EventReason.REPLICA_EJECTED, "ejected")))
        .isEqualTo(WriteResult.CREATED);

    Await.until("the summary and the event", () -> writer.created.size() == 12);
    Event summary = writer.created.get(10);
    assertThat(summary.getReason()).isEqualTo("EventsDropped");
    assertThat(summary.getType()).isEqualTo("Warning");
    assertThat(summary.getMessage())
        .isEqualTo(
            "6 events about this gate were dropped: syncgate records at most 10 at once, then 1"
                + " every 10s (syncgate_events_dropped_total counts them)");
    assertThat(writer.created.get(11).getMessage()).isEqualTo("ejected");
    // The summary's own write is counted with the other event writes.
    Await.until(
        "the summary's write counted",
        () ->
            metrics
                    .registry()
                    .find("syncgate.mesh.writes")
                    .tags("kind", "event", "result", "created")
                    .counter()
                != null);
    // The next token is 10 s away again.
    assertThat(Await.result(events.record(gate, EventReason.REPLICA_ADMITTED, "admitted")))
        .isEqualTo(WriteResult.NOOP);
  }

  @Test
  void identicalRepeatsAreSuppressedWithoutSpendingTheAllowance() {
    EventRecorder events = recorder(1);
    for (int i = 0; i < 50; i++) {
      Await.result(events.record(gate, EventReason.CONFLICT, "VirtualService db/g exists"));
    }

    assertThat(writer.created).hasSize(1);
    assertThat(dropped(TestGates.GATE)).isZero();
    for (int i = 1; i <= 9; i++) {
      assertThat(Await.result(events.record(gate, EventReason.RAMP_STEP, "step " + i)))
          .isEqualTo(WriteResult.CREATED);
    }
  }

  @Test
  void repeatsOfTheDroppedEventCountOnceAndItIsRecordedWhenATokenComes() {
    EventRecorder events = recorder(1);
    for (int i = 1; i <= 10; i++) {
      Await.result(events.record(gate, EventReason.RAMP_STEP, "step " + i));
    }
    for (int tick = 0; tick < 50; tick++) {
      Await.result(events.record(gate, EventReason.CONFLICT, "VirtualService db/g exists"));
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(dropped(TestGates.GATE)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(5));
    assertThat(
            Await.result(events.record(gate, EventReason.CONFLICT, "VirtualService db/g exists")))
        .isEqualTo(WriteResult.CREATED);
    Await.until("the summary and the event", () -> writer.created.size() == 12);
    assertThat(writer.messages().subList(10, 12))
        .containsExactly(
            "1 event about this gate was dropped: syncgate records at most 10 at once, then 1"
                + " every 10s (syncgate_events_dropped_total counts them)",
            "VirtualService db/g exists");
  }

  @Test
  void eachGateHasItsOwnAllowanceAndForgettingAGateResetsIt() {
    EventRecorder events = recorder(2);
    ReplicaGate other = gate("other-reads");
    for (int i = 1; i <= 10; i++) {
      assertThat(Await.result(events.record(gate, EventReason.RAMP_STEP, "step " + i)))
          .isEqualTo(WriteResult.CREATED);
      assertThat(Await.result(events.record(other, EventReason.RAMP_STEP, "step " + i)))
          .isEqualTo(WriteResult.CREATED);
    }
    assertThat(Await.result(events.record(gate, EventReason.RAMP_STEP, "step 11")))
        .isEqualTo(WriteResult.NOOP);

    events.forget(GateKey.of(gate));

    assertThat(Await.result(events.record(gate, EventReason.RAMP_STEP, "step 11")))
        .isEqualTo(WriteResult.CREATED);
  }

  @Test
  void aStatusWriteOnTheSharedPoolNeverWaitsBehindMoreEventsThanMayBeInFlight() {
    EventRecorder events = recorder(1);
    writer.release = new CountDownLatch(1);
    List<Future<WriteResult>> recorded = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      recorded.add(events.record(gate("gate-" + i), EventReason.REPLICA_EJECTED, "ejected"));
    }
    Await.until("the first event write", () -> writer.writing.get() >= 1);

    // Both threads of the pool would be held by event writes without the bound.
    assertThat(Await.result(worker.call(() -> "status written"), Duration.ofSeconds(2)))
        .isEqualTo("status written");
    assertThat(writer.writing.get()).isEqualTo(1);

    writer.release.countDown();
    for (Future<WriteResult> result : recorded) {
      assertThat(Await.result(result)).isEqualTo(WriteResult.CREATED);
    }
    assertThat(writer.created).hasSize(20);
    assertThat(writer.mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void eventsBeyondTheBacklogAreDroppedAndCounted() {
    EventRecorder events = recorder(1);
    writer.release = new CountDownLatch(1);
    int accepted = EventRecorder.MAX_QUEUED + 1; // one in flight, the rest queued
    List<Future<WriteResult>> recorded = new ArrayList<>();
    for (int i = 0; i < accepted + 10; i++) {
      recorded.add(events.record(gate("gate-" + i), EventReason.REPLICA_EJECTED, "ejected"));
    }

    for (int i = accepted; i < accepted + 10; i++) {
      assertThat(Await.result(recorded.get(i))).isEqualTo(WriteResult.NOOP);
      assertThat(dropped("gate-" + i)).isEqualTo(1);
    }
    writer.release.countDown();
    for (int i = 0; i < accepted; i++) {
      assertThat(Await.result(recorded.get(i))).isEqualTo(WriteResult.CREATED);
    }
    assertThat(writer.created).hasSize(accepted);
  }
}
