package io.syncgate.controller.kube;

import io.syncgate.controller.metrics.SyncgateMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * What every gate's reconciler shares with the controller.
 *
 * @param context the controller's context: every gate's state is touched on it only
 * @param clock wall time for what is written down, monotonic time for every duration
 * @param statusLagInterval how often a status whose only change is lag figures is written
 */
record GateEnv(
    Vertx vertx,
    Context context,
    TickClock clock,
    Duration statusLagInterval,
    SyncgateMetrics metrics) {}
