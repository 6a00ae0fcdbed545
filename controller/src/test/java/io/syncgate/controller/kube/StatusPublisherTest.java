package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.status.GateConditions;
import io.syncgate.policy.status.GateStatusBuilder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a status is built on while a write is in flight: the newest status asked for, so that a
 * condition that flipped in the write in flight keeps the {@code lastTransitionTime} it got then.
 */
class StatusPublisherTest {

  private static final Instant T0 = Instant.parse("2026-12-07T15:00:00Z");

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  /** Each write waits for the test to end it; what was written is kept. */
  private static final class Sink implements StatusSink {
    final List<ReplicaGateStatus> written = new CopyOnWriteArrayList<>();
    final List<Promise<WriteOutcome<ReplicaGate>>> pending = new CopyOnWriteArrayList<>();

    @Override
    public Future<ReplicaGate> read(GateKey key) {
      return Future.succeededFuture(null);
    }

    @Override
    public Future<WriteOutcome<ReplicaGate>> write(
        ReplicaGate gate, ReplicaGateStatus status, String resourceVersion) {
      written.add(GateStatusBuilder.copy(status));
      Promise<WriteOutcome<ReplicaGate>> done = Promise.promise();
      pending.add(done);
      return done.future();
    }

    @Override
    public Future<Void> clearRequests(GateKey key, Map<String, String> requests) {
      return Future.succeededFuture();
    }

    /** Ends the oldest write still open as a successful update. */
    void settleNext(ReplicaGate gate) {
      pending.remove(0).complete(new WriteOutcome.Updated<>(gate, null));
    }
  }

  @Test
  void aStatusBuiltWhileAWriteIsInFlightStartsFromTheOneInFlight() {
    Context context = vertx.getOrCreateContext();
    Sink sink = new Sink();
    ReplicaGate gate = new ReplicaGate();
    gate.setMetadata(new ObjectMetaBuilder().withNamespace("db").withName("hippo").build());
    Term term = new Term();
    StatusPublisher publisher =
        new StatusPublisher(
            new GateKey("db", "hippo"),
            sink,
            context,
            Duration.ofSeconds(10),
            SyncgateMetrics::new);

    // t0: not ready; written, the write stays open. t1: ready (a flip: lastTransitionTime t1),
    // queued behind it. t2: still ready, built on what the publisher gives as the base.
    Await.onContext(
        context,
        () -> {
          publisher.publish(gate, ready(publisher.base(gate), false, T0), term, T0);
          Instant t1 = T0.plusSeconds(1);
          publisher.publish(gate, ready(publisher.base(gate), true, t1), term, t1);
          Instant t2 = T0.plusSeconds(2);
          publisher.publish(gate, ready(publisher.base(gate), true, t2), term, t2);
          return Future.succeededFuture();
        });
    assertThat(sink.written).hasSize(1);

    Await.onContext(
        context,
        () -> {
          sink.settleNext(gate);
          return Future.succeededFuture();
        });
    Await.until(
        Duration.ofSeconds(5), "the queued status written", () -> sink.written.size(), n -> n == 2);

    // Ready turned True once, at t1; the status written after the one in flight says so.
    assertThat(readyCondition(sink.written.get(0)).getStatus()).isEqualTo("False");
    Condition ready = readyCondition(sink.written.get(1));
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-12-07T15:00:01Z");
  }

  private static ReplicaGateStatus ready(ReplicaGateStatus base, boolean ready, Instant now) {
    List<Condition> merged =
        GateConditions.merge(
            base.getConditions(),
            List.of(
                new GateConditions.Desired(
                    GateConditions.READY, ready, ready ? "Reconciled" : "Waiting", "")),
            1L,
            now);
    return GateStatusBuilder.withConditions(base, 1L, merged);
  }

  private static Condition readyCondition(ReplicaGateStatus status) {
    return status.getConditions().stream()
        .filter(c -> GateConditions.READY.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }
}
