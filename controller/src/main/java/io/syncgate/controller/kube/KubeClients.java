package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.syncgate.policy.ReplicaGate;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Builds the controller's Kubernetes client on the controller's own {@link Vertx}, so the process
 * has one event-loop stack. Closing the client leaves that Vert.x running.
 */
public final class KubeClients {

  private KubeClients() {}

  /**
   * A client configured the standard way: {@code KUBECONFIG} / {@code ~/.kube/config}, or the
   * in-cluster service account (fabric8 auto-configuration).
   */
  public static KubernetesClient create(Vertx vertx) {
    return create(vertx, Config.autoConfigure(null));
  }

  /** A client with the given configuration. */
  public static KubernetesClient create(Vertx vertx, Config config) {
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new VertxHttpClientFactory(vertx))
        .build();
  }

  /** The kinds the controller reads, lists and watches. */
  static final List<Class<?>> KINDS =
      List.of(
          ReplicaGate.class,
          Pod.class,
          DestinationRule.class,
          VirtualService.class,
          Lease.class,
          Event.class,
          Secret.class);

  /**
   * Builds the client's JSON (de)serializers for every kind the controller handles. Blocking, and
   * slow the first time (the model registry scans the class path, Jackson builds deserializers for
   * the large Istio model): fabric8's Vert.x transport deserializes watch events on the event loop,
   * so this must happen on a worker before the first watch starts.
   */
  public static void warmUp(KubernetesClient client) {
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    serialization.unmarshal(
        "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}}",
        WatchEvent.class);
    for (Class<?> kind : KINDS) {
      Object empty = serialization.unmarshal("{}", kind);
      serialization.asJson(empty);
    }
  }
}
