package io.syncgate.controller.kube;

import io.syncgate.controller.metrics.SyncgateMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * What every gate's reconciler shares with the controller.
 *
 * @param context the controller's context: every gate's state is touched on it only
 * @param statusLagInterval how often a status whose only change is lag figures is written
 */
record GateEnv(
    Vertx vertx,
    Context context,
    Clock clock,
    Duration statusLagInterval,
    SyncgateMetrics metrics) {}
