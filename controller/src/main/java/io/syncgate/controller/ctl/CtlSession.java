package io.syncgate.controller.ctl;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A connection as kubectl makes one: the kubeconfig ({@code --kubeconfig}, else {@code
 * $KUBECONFIG}, else {@code ~/.kube/config}, else the in-cluster service account, as fabric8
 * auto-configures), one of its contexts ({@code --context}, else its current context), the
 * namespace ({@code -n}, else the context's, else {@code default}) and the user name that goes into
 * requests as {@code by} (the context's user, else the OS user).
 *
 * <p>The client rides on a small Vert.x of its own, closed with the session. Unlike the
 * controller's client ({@code KubeClients}) it retries a failed request, but only {@value
 * #REQUEST_RETRIES} times: fabric8's default of ten retries with doubling backoff would leave a
 * command silent for well over a minute against an API server that is down.
 */
public final class CtlSession implements AutoCloseable {

  /** How often a request that failed to connect or got a 5xx or 429 is sent again. */
  public static final int REQUEST_RETRIES = 2;

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String namespace;
  private final String user;

  private CtlSession(Vertx vertx, KubernetesClient client, String namespace, String user) {
    this.vertx = vertx;
    this.client = client;
    this.namespace = namespace;
    this.user = user;
  }

  /**
   * Opens a session from the kubeconfig.
   *
   * @param kubeconfig the kubeconfig file, or null for fabric8's auto-configuration
   * @param context the context to use, or null for the current one
   * @param namespace the namespace, or null for the context's
   * @param osUser the OS user's name, for {@code by} when the kubeconfig names no user
   * @throws CtlException when the kubeconfig or the context cannot be used
   */
  public static CtlSession open(Path kubeconfig, String context, String namespace, String osUser) {
    Config config = config(kubeconfig, context);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
    try {
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(config).withRequestRetryBackoffLimit(REQUEST_RETRIES).build())
              .withHttpClientFactory(new VertxHttpClientFactory(vertx))
              .build();
      return new CtlSession(vertx, client, namespace(namespace, config), user(config, osUser));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** The client configuration: the kubeconfig file and context, checked as kubectl would. */
  static Config config(Path kubeconfig, String context) {
    Config config;
    try {
      if (kubeconfig != null) {
        if (!Files.isRegularFile(kubeconfig)) {
          throw new CtlException("kubeconfig " + kubeconfig + ": no such file");
        }
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } else {
        config = Config.autoConfigure(context);
      }
    } catch (KubernetesClientException e) {
      throw new CtlException("cannot read the kubeconfig: " + e.getMessage(), e);
    }
    if (context != null && !contextNames(config).contains(context)) {
      throw new CtlException("context \"" + context + "\" not found in the kubeconfig");
    }
    return config;
  }

  /** The namespace: the one given, else the context's, else {@code default}. */
  static String namespace(String given, Config config) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    String fromConfig = config.getNamespace();
    return fromConfig != null && !fromConfig.isBlank() ? fromConfig : "default";
  }

  /** The current context's user name, else the OS user's, else {@code unknown}. */
  static String user(Config config, String osUser) {
    NamedContext current = config.getCurrentContext();
    if (current != null && current.getContext() != null) {
      String user = current.getContext().getUser();
      if (user != null && !user.isBlank()) {
        return user;
      }
    }
    return osUser != null && !osUser.isBlank() ? osUser : "unknown";
  }

  private static List<String> contextNames(Config config) {
    return config.getContexts() == null
        ? List.of()
        : config.getContexts().stream().map(NamedContext::getName).toList();
  }

  public KubernetesClient client() {
    return client;
  }

  public String namespace() {
    return namespace;
  }

  /** Who asks, as requests name it. */
  public String user() {
    return user;
  }

  /** The API server's URL, for messages. */
  public String server() {
    return client.getConfiguration().getMasterUrl();
  }

  @Override
  public void close() {
    client.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The process is about to end; nothing left to do about a slow close.
    }
  }
}
