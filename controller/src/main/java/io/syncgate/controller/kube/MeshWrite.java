package io.syncgate.controller.kube;

/**
 * The outcome of reconciling one owned mesh object.
 *
 * @param kind {@code DestinationRule} or {@code VirtualService}
 * @param result what the writer did
 * @param before the live object the decision was based on (null when there was none)
 * @param after the object as the API server now holds it after a write, else {@code before}
 * @param message why, for logs and conditions (empty for a plain noop)
 */
public record MeshWrite<T>(String kind, WriteResult result, T before, T after, String message) {}
