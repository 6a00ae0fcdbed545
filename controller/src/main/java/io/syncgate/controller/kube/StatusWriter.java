package io.syncgate.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads gates and writes their status subresource. Blocking calls run on the {@link KubeWorker}
 * inside each method.
 *
 * <p>The write replaces the whole status. It is sent with the resourceVersion the caller last saw
 * (from the gate informer or its own previous write), so a write costs one PUT and no read. A write
 * never goes without that precondition: a stale version (409) comes back as a conflict, and {@link
 * StatusPublisher} reads the gate again and retries with the version it finds, if it still leads.
 * (Sent without one, an old leader's late write could overwrite the new leader's status.)
 */
public final class StatusWriter implements StatusSink {

  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final KubeWorker worker;
  private final Set<String> clearing = ConcurrentHashMap.newKeySet();

  public StatusWriter(KubernetesClient client, KubeWorker worker) {
    this.client = client;
    this.worker = worker;
  }

  @Override
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
   * @return {@link WriteOutcome.Updated} with the written gate, {@link WriteOutcome.Conflict} on
   *     409 or {@link WriteOutcome.Failed}; never a failed future
   */
  @Override
  public Future<WriteOutcome<ReplicaGate>> write(
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
    return worker.call(() -> send(gate, copy));
  }

  /**
   * One JSON patch per gate: for each request, a {@code test} of its value and a {@code remove}. A
   * request changed since it was read fails the test (422) and the whole patch, which the next tick
   * sends again without it once the status records the new one. Removals already sent and not yet
   * answered are not sent again.
   */
  @Override
  public Future<Void> clearRequests(GateKey key, Map<String, String> requests) {
    String inFlightKey = key + " " + new TreeMap<>(requests);
    if (requests.isEmpty() || !clearing.add(inFlightKey)) {
      return Future.succeededFuture();
    }
    ArrayNode patch = JSON.createArrayNode();
    new TreeMap<>(requests)
        .forEach(
            (annotation, value) -> {
              String path = "/metadata/annotations/" + escape(annotation);
              patch.addObject().put("op", "test").put("path", path).put("value", value);
              patch.addObject().put("op", "remove").put("path", path);
            });
    return worker
        .<Void>call(
            () -> {
              client
                  .resources(ReplicaGate.class)
                  .inNamespace(key.namespace())
                  .withName(key.name())
                  .patch(PatchContext.of(PatchType.JSON), patch.toString());
              return null;
            })
        .transform(
            ar -> {
              clearing.remove(inFlightKey);
              if (ar.failed()) {
                LOG.debug("{}: cannot remove recorded requests yet", key, ar.cause());
              }
              return Future.<Void>succeededFuture();
            });
  }

  /** A JSON pointer token (RFC 6901): "~" and "/" escaped. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  // Runs on the worker pool.
  private WriteOutcome<ReplicaGate> send(ReplicaGate gate, ReplicaGate copy) {
    try {
      ReplicaGate written =
          client
              .resources(ReplicaGate.class)
              .inNamespace(copy.getMetadata().getNamespace())
              .resource(copy)
              .updateStatus();
      return new WriteOutcome.Updated<>(gate, written);
    } catch (KubernetesClientException e) {
      return OwnedObjectWriter.failed(e.getMessage(), e);
    }
  }
}
