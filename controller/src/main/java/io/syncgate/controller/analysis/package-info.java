/**
 * Metric analysis against Prometheus, the I/O side: asking instant queries and scheduling them for
 * a gate's ramping replicas. What an answer means is pure and lives in mesh-policies ({@code
 * io.syncgate.policy.analysis}).
 *
 * <ul>
 *   <li>{@link io.syncgate.controller.analysis.PrometheusClient} asks {@code GET
 *       <address>/api/v1/query} on the event loop, never failing: every outcome is a {@code
 *       QueryAnswer}, within the timeout, with the body capped. TLS and credentials as for Patroni
 *       ({@link io.syncgate.controller.analysis.PrometheusOptions}).
 *   <li>{@link io.syncgate.controller.analysis.PrometheusAnswer} parses an answer (pure; tested on
 *       answers recorded from Prometheus 2.42).
 *   <li>{@link io.syncgate.controller.analysis.AnalysisRunner}, one per gate on its context, sends
 *       each (check, replica) query when due (never more often than the check's interval, never two
 *       in flight) and keeps the results of each replica's current ramp step.
 * </ul>
 *
 * <p>Prometheus behaviours worth knowing: an instant query sees a series' last sample up to the
 * lookback delta (5 minutes by default) old, unless the target's scrapes mark it stale (a series
 * gone from a successful scrape, or a failed scrape); sample values are strings, {@code NaN} and
 * {@code ±Inf} included; an error comes with 400 ({@code bad_data}), 422 ({@code execution}) or 503
 * ({@code timeout}, {@code canceled}) and a JSON body saying why.
 */
package io.syncgate.controller.analysis;
