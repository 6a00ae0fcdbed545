package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
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

  /**
   * A client with the given configuration, except that it never retries a request by itself.
   * fabric8 would resend a request that failed to connect or got a 5xx or 429 up to ten times with
   * exponential backoff (a minute and more in all): a mesh write resent that way could reach the
   * API server after its leadership term ended, and a first list against an API server that is down
   * would say nothing for as long. The controller retries at its own pace instead, each time
   * fenced: the next tick rewrites the route, the status publisher the status, informers relist
   * with their backoff.
   */
  public static KubernetesClient create(Vertx vertx, Config config) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build())
        .withHttpClientFactory(new VertxHttpClientFactory(vertx))
        .build();
  }
}
