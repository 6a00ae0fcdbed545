package io.syncgate.controller.ctl;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.syncgate.policy.ReplicaGate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An informer on one gate, by name, turned into a queue of events the command's own thread takes:
 * the gate as first listed and after every change, its deletion, the informer's failure, and {@link
 * #stop()}. fabric8's informer re-lists and re-watches by itself after a dropped watch.
 */
public final class GateWatch implements AutoCloseable {

  /** Something that happened to the watched gate, or to the watch. */
  public sealed interface Event permits Changed, Deleted, Failed, Stopped {}

  /** The gate as listed at the start, or as changed since. */
  public record Changed(ReplicaGate gate) implements Event {}

  /** The gate was deleted. */
  public record Deleted() implements Event {}

  /** The informer stopped on an error, or could not start. */
  public record Failed(Throwable cause) implements Event {}

  /** {@link #stop()} was called. */
  public record Stopped() implements Event {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final SharedIndexInformer<ReplicaGate> informer;

  private GateWatch(KubernetesClient client, String namespace, String name) {
    informer =
        client
            .resources(ReplicaGate.class)
            .inNamespace(namespace)
            .withName(name)
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<ReplicaGate>() {
          @Override
          public void onAdd(ReplicaGate gate) {
            events.add(new Changed(gate));
          }

          @Override
          public void onUpdate(ReplicaGate before, ReplicaGate after) {
            events.add(new Changed(after));
          }

          @Override
          public void onDelete(ReplicaGate gate, boolean finalStateUnknown) {
            events.add(new Deleted());
          }
        });
  }

  /**
   * Starts watching {@code namespace/name}; returns at once, the first {@link Changed} (when the
   * gate exists) follows once the informer has listed it.
   */
  public static GateWatch start(KubernetesClient client, String namespace, String name) {
    GateWatch watch = new GateWatch(client, namespace, name);
    watch
        .informer
        .start()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                watch.events.add(new Failed(e));
              }
            });
    watch
        .informer
        .stopped()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                watch.events.add(new Failed(e));
              }
            });
    return watch;
  }

  /** The next event, waiting as long as it takes. */
  public Event next() throws InterruptedException {
    return events.take();
  }

  /** The next event, or null when none comes within {@code timeout}. */
  public Event next(Duration timeout) throws InterruptedException {
    return events.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** Makes {@link #next()} answer {@link Stopped} once the events before it are taken. */
  public void stop() {
    events.add(new Stopped());
  }

  @Override
  public void close() {
    informer.close();
  }
}
