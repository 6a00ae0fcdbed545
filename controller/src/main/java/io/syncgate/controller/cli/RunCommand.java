package io.syncgate.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.app.ControllerApp;
import io.syncgate.controller.kube.ControllerConfig;
import io.syncgate.controller.kube.KubeClients;
import io.syncgate.controller.kube.Shards;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncgate run}: the controller against the cluster of the current kubeconfig (or the
 * in-cluster service account), until SIGTERM/SIGINT.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the controller against the cluster in your kubeconfig")
public final class RunCommand implements Callable<Integer> {

  /** How long shutdown may take before the process exits anyway. */
  static final long SHUTDOWN_SECONDS = 20;

  @Spec CommandSpec spec;

  @Option(
      names = "--namespace",
      paramLabel = "NAMESPACE",
      description = "Watch only this namespace (repeatable). Default: all namespaces.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--metrics-port",
      defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--metrics-address",
      defaultValue = "0.0.0.0",
      description = "Address /healthz, /readyz and /metrics bind to (default: ${DEFAULT-VALUE}).")
  String metricsAddress;

  @Option(
      names = "--leader-elect",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Campaign for a coordination.k8s.io Lease and write only while holding it"
              + " (default: on; --no-leader-elect for a single instance).")
  boolean leaderElect;

  @Option(
      names = "--lease-name",
      defaultValue = ControllerConfig.DEFAULT_LEASE_NAME,
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      description =
          "Namespace of the Lease (default: $POD_NAMESPACE, else the kubeconfig's namespace,"
              + " else default).")
  String leaseNamespace;

  @Option(
      names = "--shards",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Spread the gates over N shards, each with a Lease of its own (<lease-name>-shard-<i>-of-<N>"
              + " when N > 1), so several replicas share the work; every replica must be given"
              + " the same N (default: ${DEFAULT-VALUE}: one Lease, one writer).")
  int shards;

  @Option(
      names = "--identity",
      description =
          "This instance's name in the Lease and in events (default: $POD_NAME, else"
              + " the host name with a random suffix).")
  String identity;

  /** The environment; a field so tests can give their own. */
  Function<String, String> environment = System::getenv;

  @Override
  public Integer call() {
    checkShards();
    Vertx vertx = Vertx.vertx();
    KubernetesClient client;
    try {
      client = KubeClients.create(vertx);
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("syncgate run: cannot configure a client: " + e);
      vertx.close();
      return 1;
    }
    ControllerApp.Settings settings = settings(client.getNamespace());
    ControllerApp app;
    try {
      app =
          ControllerApp.start(vertx, client, settings, Clock.systemUTC())
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      spec.commandLine().getErr().println("syncgate run: cannot start: " + e);
      client.close();
      vertx.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    // One after the other: nothing may be chained past vertx.close(), whose
                    // event loops are gone by the time it completes.
                    await(app.stop());
                    client.close();
                    await(vertx.close());
                  } catch (Exception e) {
                    System.err.println("syncgate run: unclean shutdown: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "syncgate-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
  }

  /** The settings from the options, the environment and the client's namespace. */
  ControllerApp.Settings settings(String clientNamespace) {
    String namespace = firstNonBlank(leaseNamespace, environment.apply("POD_NAMESPACE"));
    namespace = firstNonBlank(namespace, clientNamespace);
    namespace = firstNonBlank(namespace, "default");
    checkShards();
    ControllerConfig config =
        ControllerConfig.defaults(namespace, identity())
            .withNamespaces(namespaces)
            .withLeaderElection(leaderElect, namespace, leaseName)
            .withShards(new Shards(shards));
    return new ControllerApp.Settings(config, metricsAddress, metricsPort);
  }

  /** {@code --shards}: within bounds, and only with leader election. */
  private void checkShards() {
    if (shards < 1 || shards > Shards.MAX) {
      throw new ParameterException(
          spec.commandLine(), "--shards must be 1.." + Shards.MAX + ", got " + shards);
    }
    if (shards > 1 && !leaderElect) {
      throw new ParameterException(
          spec.commandLine(), "--shards needs leader election: each shard is a Lease of its own");
    }
  }

  private String identity() {
    String given = firstNonBlank(identity, environment.apply("POD_NAME"));
    if (given != null) {
      return given;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "syncgate";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : (b != null && !b.isBlank() ? b : null);
  }
}
