package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.vertx.core.Future;
import java.net.HttpURLConnection;

/**
 * Reads gates and writes their status subresource. Blocking calls run on the {@link KubeWorker}
 * inside each method.
 *
 * <p>The write replaces the whole status. It is sent with the resourceVersion the caller last saw
 * (from the gate informer or its own previous write), so a write costs one PUT and no read. When
 * that version is stale (409), the write is sent once more without a precondition, for which
 * fabric8 reads the current version just before the PUT: only the elected controller writes status,
 * and it writes what it computed from the live state, so there is nothing newer to lose.
 */
public final class StatusWriter {

  private final KubernetesClient client;
  private final KubeWorker worker;

  public StatusWriter(KubernetesClient client, KubeWorker worker) {
    this.client = client;
    this.worker = worker;
  }

  /** The gate as the API server has it now, or null when it is gone. */
  public Future<ReplicaGate> read(GateKey key) {
    return worker.call(
        () ->
            client
                .resources(ReplicaGate.class)
                .inNamespace(key.namespace())
                .withName(key.name())
                .get());
  }

  /**
   * Writes {@code status} to the gate's status subresource.
   *
   * @param gate the gate (not modified; its spec goes along unchanged, which the API server ignores
   *     on the status subresource)
   * @param resourceVersion the gate's version as last seen, or null to have fabric8 read it first
   * @return {@link WriteResult#UPDATED} with the written gate as {@code after}, {@link
   *     WriteResult#CONFLICT} on 409 or {@link WriteResult#ERROR}; never a failed future
   */
  public Future<MeshWrite<ReplicaGate>> write(
      ReplicaGate gate, ReplicaGateStatus status, String resourceVersion) {
    ReplicaGate copy = new ReplicaGate();
    copy.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(gate.getMetadata().getNamespace())
            .withName(gate.getMetadata().getName())
            .withResourceVersion(resourceVersion)
            .build());
    copy.setSpec(gate.getSpec());
    copy.setStatus(status);
    return worker.call(
        () -> {
          MeshWrite<ReplicaGate> first = send(copy);
          if (first.result() != WriteResult.CONFLICT || resourceVersion == null) {
            return first;
          }
          copy.getMetadata().setResourceVersion(null);
          return send(copy);
        });
  }

  // Runs on the worker pool.
  private MeshWrite<ReplicaGate> send(ReplicaGate copy) {
    try {
      ReplicaGate written =
          client
              .resources(ReplicaGate.class)
              .inNamespace(copy.getMetadata().getNamespace())
              .resource(copy)
              .updateStatus();
      return new MeshWrite<>("status", WriteResult.UPDATED, null, written, "updated");
    } catch (KubernetesClientException e) {
      WriteResult result =
          e.getCode() == HttpURLConnection.HTTP_CONFLICT ? WriteResult.CONFLICT : WriteResult.ERROR;
      return new MeshWrite<>("status", result, null, null, e.getMessage());
    }
  }
}
