/**
 * Metric analysis of a ramp, the pure part: checks that are PromQL instant queries, each compared
 * with a threshold ({@link io.syncgate.policy.analysis.CheckDefinition}), and what one answer means
 * ({@link io.syncgate.policy.analysis.CheckEvaluation}). Asking Prometheus, and when, is the
 * controller's ({@code io.syncgate.controller.analysis}).
 *
 * <p>Like the rest of this module, nothing here does I/O or reads a clock: the time a query was
 * sent is an input.
 */
package io.syncgate.policy.analysis;
