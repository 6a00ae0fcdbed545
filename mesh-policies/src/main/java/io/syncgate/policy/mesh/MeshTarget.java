package io.syncgate.policy.mesh;

import java.time.Duration;
import java.util.Objects;

/**
 * The values of one ReplicaGate that the Istio renderer needs: who owns the mesh objects and what
 * they route. The controller builds it from the gate; the renderer never sees the gate itself, so
 * rendering stays independent of the CRD model.
 *
 * @param namespace the gate's namespace; both mesh objects live there
 * @param gateName the gate's name; both mesh objects are named after it
 * @param gateUid the gate's uid, for the owner reference
 * @param host the read host clients connect to ({@code spec.mesh.host})
 * @param port the read port ({@code spec.mesh.port})
 * @param subsetLabel the pod label that tells one member pod from another
 * @param maxConnectionDuration how long a pooled TCP connection may live, or null for no limit
 * @param primaryHost the primary's own Service ({@code spec.mesh.primaryHost}), the {@code Primary}
 *     fallback's destination, or null to fall back to the leader's subset of {@code host}
 */
public record MeshTarget(
    String namespace,
    String gateName,
    String gateUid,
    String host,
    long port,
    String subsetLabel,
    Duration maxConnectionDuration,
    String primaryHost) {

  /** Istio rejects shorter connection durations than this. */
  static final Duration MIN_CONNECTION_DURATION = Duration.ofMillis(1);

  /** A target without a primary Service: the fallback is the leader's subset. */
  public MeshTarget(
      String namespace,
      String gateName,
      String gateUid,
      String host,
      long port,
      String subsetLabel,
      Duration maxConnectionDuration) {
    this(namespace, gateName, gateUid, host, port, subsetLabel, maxConnectionDuration, null);
  }

  public MeshTarget {
    if (primaryHost != null) {
      requireText(primaryHost, "primaryHost");
    }
    requireText(namespace, "namespace");
    requireText(gateName, "gateName");
    requireText(gateUid, "gateUid");
    requireText(host, "host");
    requireText(subsetLabel, "subsetLabel");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("mesh port out of 1..65535: " + port);
    }
    if (maxConnectionDuration != null
        && maxConnectionDuration.compareTo(MIN_CONNECTION_DURATION) < 0) {
      throw new IllegalArgumentException(
          "maxConnectionDuration must be at least 1ms, got " + maxConnectionDuration);
    }
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
