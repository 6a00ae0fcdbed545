package io.syncgate.controller.kube;

import io.syncgate.controller.metrics.SyncgateMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What every gate's reconciler shares with the controller.
 *
 * @param context the controller's context: every gate's state is touched on it only
 * @param clock wall time, for what is written down (status, metrics)
 * @param nanoTime a monotonic clock, for every duration measured in the process
 * @param statusLagInterval how often a status whose only change is lag figures is written
 */
record GateEnv(
    Vertx vertx,
    Context context,
    Clock clock,
    LongSupplier nanoTime,
    Duration statusLagInterval,
    SyncgateMetrics metrics) {}
