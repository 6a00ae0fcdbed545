package io.syncgate.controller.kube;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Event-loop contexts on which gates poll Patroni, handed out round-robin, one per gate.
 *
 * <p>A connection lives on the event loop of the context that opened it, so polling from the
 * controller's own context would hold every Patroni request of every gate to one core. Each context
 * here belongs to an instance of an empty verticle, so Vert.x places them on its event loops in
 * turn; the gate's reconciler hops each snapshot back to the controller's context.
 */
final class PollLoops {

  private final List<Context> contexts;
  private final AtomicInteger next = new AtomicInteger();

  private PollLoops(List<Context> contexts) {
    this.contexts = List.copyOf(contexts);
  }

  /** Deploys {@code loops} contexts; completes once all have started. */
  static Future<PollLoops> deploy(Vertx vertx, int loops) {
    if (loops < 1) {
      throw new IllegalArgumentException("poll loops must be at least 1, got " + loops);
    }
    List<Context> started = new CopyOnWriteArrayList<>();
    return vertx
        .deployVerticle(
            () ->
                new AbstractVerticle() {
                  @Override
                  public void start() {
                    started.add(context);
                  }
                },
            new DeploymentOptions().setInstances(loops))
        .map(id -> new PollLoops(started));
  }

  /** The context for the next gate. */
  Context next() {
    return contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
  }

  int size() {
    return contexts.size();
  }
}
