package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;

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
}
