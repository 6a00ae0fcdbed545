package io.syncgate.controller.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.app.ControllerApp;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.controller.kube.ControllerConfig;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.rollout.ActionRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code syncgate demo} without its command line: the controller of {@code syncgate run} (same
 * {@link ControllerApp}, informers, tick and writers; leader election off) against an {@link
 * EmbeddedApiServer} and a {@link DemoCluster} on loopback, watched through the API server the way
 * a user with kubectl would watch it.
 *
 * <p>Each party on a Vert.x of its own, so none can stall another: the controller; the simulated
 * Patroni cluster and the probes that ask it what Patroni's own checks answer; the reader's client.
 * One story thread owns all of the demo's bookkeeping, so it needs no locks.
 */
public final class DemoRun {

  /** How the demo ended. */
  public enum Outcome {
    /** The joining replica serves (and, with {@code --follow}, the demo was then stopped). */
    SERVING,
    /** The joining replica did not serve within the timeout. */
    TIMED_OUT,
    /** Stopped (Ctrl-C) before the joining replica served. */
    STOPPED,
    /**
     * The story reached its end, but something it set out to show did not hold ({@link #broken()}
     * says what).
     */
    BROKEN
  }

  /** How long start-up steps and shutdown may take. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  static final String IDENTITY = "syncgate-demo";

  private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);

  private static final ObjectMapper PATCH_JSON = new ObjectMapper();

  private final DemoSettings settings;
  private final DemoReporter reporter;
  private final PrintWriter out;
  private final CompletableFuture<Void> stop;
  private volatile DemoEvent.TimedOut timedOut;
  private volatile String broken;

  /**
   * @param out where the story goes (the reporter's stream)
   * @param stop completes when the demo should stop (Ctrl-C); never completing is fine
   */
  public DemoRun(DemoSettings settings, PrintWriter out, CompletableFuture<Void> stop) {
    this.settings = settings;
    this.out = out;
    this.reporter = DemoReporter.of(settings.output(), out);
    this.stop = stop;
  }

  /**
   * Runs the demo to its end.
   *
   * @throws DemoFailure when something could not start or the emitted files could not be written
   */
  public Outcome run() {
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    try (QuietLogs quiet = QuietLogs.apply();
        Resources r = new Resources()) {
      return run(r);
    }
  }

  /** After {@link Outcome#TIMED_OUT}: where the story got stuck. */
  public DemoEvent.TimedOut timedOut() {
    return timedOut;
  }

  /** After {@link Outcome#BROKEN}: what did not hold. */
  public String broken() {
    return broken;
  }

  private Outcome run(Resources r) {
    r.api = EmbeddedApiServer.startUnrecorded();
    r.controllerVertx = Vertx.vertx();
    r.worldVertx = Vertx.vertx();
    r.storyThread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "syncgate-demo-story");
              t.setDaemon(true);
              return t;
            });
    r.cluster = await(DemoCluster.start(r.worldVertx, settings, Clock.systemUTC()), "Patroni");
    KubernetesClient admin = r.api.admin();
    admin.services().inNamespace(DemoSettings.NAMESPACE).resource(readService()).create();
    admin.services().inNamespace(DemoSettings.NAMESPACE).resource(primaryService()).create();
    boolean rollout = settings.scenario() == DemoSettings.Scenario.ROLLOUT;
    // The rollout's joining replicas get their pods when the cluster scales out.
    List<String> later = rollout ? settings.joinerNames() : List.of();
    for (Map.Entry<String, String> member : r.cluster.addresses().entrySet()) {
      if (!later.contains(member.getKey())) {
        createMember(admin, member.getKey(), member.getValue());
      }
    }
    admin.resources(ReplicaGate.class).resource(settings.gate()).create();

    r.readerVertx = Vertx.vertx();
    r.reader = r.api.clientOn(r.readerVertx);
    warmUp(r.reader.getKubernetesSerialization());
    r.probe = new PatroniProbe(r.worldVertx);
    long[] startedNanos = {System.nanoTime()};
    DemoCluster cluster = r.cluster;
    PatroniProbe probe = r.probe;
    long maxLagBytes = settings.maxLagBytes();
    DemoStory.Probes probes =
        new DemoStory.Probes() {
          @Override
          public int readiness(String member) {
            return probe.readiness(cluster.baseUri(member));
          }

          @Override
          public int replicaWithinMaxLag(String member) {
            return probe.replicaWithin(cluster.baseUri(member), maxLagBytes);
          }

          @Override
          public Double staleReadPercentSeconds() {
            ControllerApp app = r.app;
            return app == null
                ? null
                : app.metrics()
                    .staleReadExposurePercentSeconds(DemoSettings.NAMESPACE)
                    .get(DemoSettings.GATE);
          }
        };
    DoubleSupplier elapsed = () -> (System.nanoTime() - startedNanos[0]) / 1e9;
    CompletableFuture<Void> served = new CompletableFuture<>();
    // The story, set right below; the steps run on the story thread only after that.
    Story[] told = new Story[1];
    Consumer<Runnable> onStory =
        step -> {
          try {
            r.storyThread.execute(
                guarded(
                    () -> {
                      step.run();
                      if (told[0].finished()) {
                        served.complete(null);
                      }
                    }));
          } catch (RejectedExecutionException e) {
            // The demo is shutting down; a late watch event has nobody left to tell.
          }
        };
    told[0] =
        rollout
            ? new RolloutStory(settings, reporter, probes, operator(r, onStory), elapsed)
            : new DemoStory(settings, reporter, probes, elapsed);
    Story story = told[0];
    r.watches.add(
        r.reader
            .adapt(IstioClient.class)
            .v1()
            .virtualServices()
            .inNamespace(DemoSettings.NAMESPACE)
            .withName(DemoSettings.GATE)
            .watch(
                watcher(
                    vs -> {
                      // The Primary fallback's destination is the primary Service, without a
                      // subset: read back as RouteDestination.PRIMARY_SERVICE.
                      Map<String, Integer> weights =
                          MeshDiff.routeOf(vs, MeshSpec.DEFAULT_PORT, DemoSettings.PRIMARY_HOST)
                              .map(Route::weights)
                              .orElse(Map.of());
                      // The controller's first write: from now on the cluster moves.
                      cluster.begin();
                      onStory.accept(() -> story.onRoute(weights));
                    })));
    r.watches.add(
        r.reader
            .resources(ReplicaGate.class)
            .inNamespace(DemoSettings.NAMESPACE)
            .withName(DemoSettings.GATE)
            .watch(watcher(gate -> onStory.accept(() -> story.onGate(gate)))));

    int metricsPort = freeLoopbackPort();
    reporter.report(rollout ? rolloutStarted(r, metricsPort) : started(r, metricsPort));
    r.controllerClient = r.api.clientOn(r.controllerVertx);
    r.app =
        await(
            ControllerApp.start(
                r.controllerVertx,
                r.controllerClient,
                new ControllerApp.Settings(
                    controllerConfig(settings.pollIntervalDuration()), "127.0.0.1", metricsPort),
                Clock.systemUTC()),
            "the controller");
    awaitSynced(r.app);
    // Time zero: the controller is ready. The leader starts writing and the new replica replaying
    // when the controller first writes the route (below), so the story starts from the full
    // backlog.
    startedNanos[0] = System.nanoTime();
    long tableMillis = settings.tableInterval().toMillis();
    ScheduledFuture<?> tables =
        r.storyThread.scheduleAtFixedRate(
            guarded(story::table), tableMillis, tableMillis, TimeUnit.MILLISECONDS);
    long checkMillis = DemoSettings.READINESS_CHECK_INTERVAL.toMillis();
    ScheduledFuture<?> readinessChecks =
        r.storyThread.scheduleAtFixedRate(
            guarded(story::readinessCheck), 0, checkMillis, TimeUnit.MILLISECONDS);

    Outcome outcome = awaitServing(served, story, r);
    readinessChecks.cancel(false);
    if (outcome != Outcome.SERVING) {
      return outcome;
    }
    broken = onStoryThread(r, story::broken);
    if (broken != null) {
      tables.cancel(false);
      return Outcome.BROKEN;
    }
    if (!settings.follow()) {
      tables.cancel(false);
    }
    if (settings.emitDir() != null) {
      emit(admin, settings.emitDir(), (System.nanoTime() - startedNanos[0]) / 1e9);
    }
    if (settings.follow()) {
      if (settings.output() == DemoSettings.Output.TEXT) {
        out.println();
        out.println("--follow: still running; Ctrl-C stops.");
        out.println();
        out.flush();
      }
      stop.join();
    }
    return Outcome.SERVING;
  }

  /**
   * Deserializes a gate and a VirtualService once on this thread: fabric8's Vert.x transport
   * deserializes watch events on the event loop, and the first one of a kind loads and builds
   * Jackson's deserializers for it, long enough to stall that loop.
   */
  private void warmUp(KubernetesSerialization serialization) {
    serialization.unmarshal(serialization.asJson(settings.gate()), ReplicaGate.class);
    VirtualService vs =
        new VirtualServiceBuilder()
            .withNewMetadata()
            .withName(DemoSettings.GATE)
            .endMetadata()
            .withNewSpec()
            .addToHosts(DemoSettings.HOST)
            .addNewTcp()
            .addNewMatch()
            .withPort((long) MeshSpec.DEFAULT_PORT)
            .endMatch()
            .addNewRoute()
            .withNewDestination()
            .withHost(DemoSettings.PRIMARY_HOST)
            .endDestination()
            .withWeight(100)
            .endRoute()
            .endTcp()
            .endSpec()
            .build();
    serialization.unmarshal(serialization.asJson(vs), VirtualService.class);
  }

  /** Waits until the controller's informers have synced: from then on it ticks. */
  private static void awaitSynced(ControllerApp app) {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (!app.controller().synced()) {
      if (System.nanoTime() > deadline) {
        throw new DemoFailure("the controller's informers did not sync within " + STEP_TIMEOUT);
      }
      try {
        // A start-up wait of a few hundred milliseconds at most; nothing to hook a callback to.
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoFailure("interrupted while the controller started", e);
      }
    }
  }

  private Outcome awaitServing(CompletableFuture<Void> served, Story story, Resources r) {
    try {
      CompletableFuture.anyOf(served, stop)
          .get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return served.isDone() ? Outcome.SERVING : Outcome.STOPPED;
    } catch (TimeoutException e) {
      timedOut = onStoryThread(r, () -> story.timedOut(settings.timeout()));
      reporter.report(timedOut);
      return Outcome.TIMED_OUT;
    } catch (ExecutionException e) {
      throw new DemoFailure("waiting for the new replica failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.STOPPED;
    }
  }

  private static <T> T onStoryThread(Resources r, java.util.concurrent.Callable<T> task) {
    try {
      return r.storyThread.submit(task).get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new DemoFailure("the story thread failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted", e);
    }
  }

  private void emit(KubernetesClient admin, Path dir, double t) {
    IstioClient istio = admin.adapt(IstioClient.class);
    ReplicaGate gate =
        admin
            .resources(ReplicaGate.class)
            .inNamespace(DemoSettings.NAMESPACE)
            .withName(DemoSettings.GATE)
            .get();
    DestinationRule dr =
        istio
            .v1()
            .destinationRules()
            .inNamespace(DemoSettings.NAMESPACE)
            .withName(DemoSettings.GATE)
            .get();
    VirtualService vs =
        istio
            .v1()
            .virtualServices()
            .inNamespace(DemoSettings.NAMESPACE)
            .withName(DemoSettings.GATE)
            .get();
    if (gate == null || dr == null || vs == null) {
      throw new DemoFailure(
          "cannot emit YAML: the gate, DestinationRule or VirtualService is gone");
    }
    try {
      List<Path> files = MeshYaml.write(dir, admin.getKubernetesSerialization(), gate, dr, vs);
      reporter.report(
          new DemoEvent.Emitted(
              Math.round(t * 1000) / 1000.0, files.stream().map(Path::toString).toList()));
    } catch (IOException e) {
      throw new DemoFailure("cannot write YAML to " + dir + ": " + e.getMessage(), e);
    }
  }

  private DemoEvent.Started started(Resources r, int metricsPort) {
    Map<String, String> patroni = new LinkedHashMap<>();
    for (String member : r.cluster.addresses().keySet()) {
      patroni.put(member, r.cluster.baseUri(member));
    }
    String master = r.api.config().getMasterUrl();
    return new DemoEvent.Started(
        0,
        DemoSettings.NAMESPACE,
        DemoSettings.GATE,
        settings.leaderName(),
        settings.caughtUpNames(),
        settings.joinerName(),
        DemoSettings.READ_SERVICE,
        DemoSettings.PRIMARY_SERVICE,
        settings.backlogBytes(),
        settings.catchUpBytesPerSecond(),
        settings.writeBytesPerSecond(),
        settings.maxLag(),
        settings.stableFor(),
        settings.steps(),
        settings.stepInterval(),
        settings.pollInterval(),
        patroni,
        master.endsWith("/") ? master.substring(0, master.length() - 1) : master,
        "http://127.0.0.1:" + metricsPort + "/metrics",
        settings.patroniVersion().word());
  }

  private DemoEvent.RolloutStarted rolloutStarted(Resources r, int metricsPort) {
    Map<String, String> patroni = new LinkedHashMap<>();
    for (String member : r.cluster.addresses().keySet()) {
      patroni.put(member, r.cluster.baseUri(member));
    }
    List<DemoEvent.Joiner> joiners = new ArrayList<>();
    List<Long> backlogs = settings.joinerBacklogs();
    for (int i = 0; i < backlogs.size(); i++) {
      joiners.add(new DemoEvent.Joiner(settings.joinerNames().get(i), backlogs.get(i)));
    }
    String master = r.api.config().getMasterUrl();
    return new DemoEvent.RolloutStarted(
        0,
        DemoSettings.Scenario.ROLLOUT.word(),
        DemoSettings.NAMESPACE,
        DemoSettings.GATE,
        settings.leaderName(),
        settings.caughtUpNames(),
        List.copyOf(joiners),
        DemoSettings.READ_SERVICE,
        DemoSettings.PRIMARY_SERVICE,
        settings.catchUpBytesPerSecond(),
        settings.writeBytesPerSecond(),
        settings.maxLag(),
        settings.stableFor(),
        settings.steps(),
        settings.stepInterval(),
        DemoSettings.ROLLOUT_MAX_RAMPING,
        settings.pollInterval(),
        RolloutStory.OPERATOR,
        patroni,
        master.endsWith("/") ? master.substring(0, master.length() - 1) : master,
        "http://127.0.0.1:" + metricsPort + "/metrics",
        settings.patroniVersion().word());
  }

  /**
   * The rollout's operator: scales the cluster out through the admin client, asks for actions as
   * {@code kubectl syncgate} does (a JSON merge patch of the gate's annotations), and reads the
   * gate back with the reader's client, as {@code kubectl get} would. Called on the story thread.
   */
  private RolloutStory.Operator operator(Resources r, Consumer<Runnable> onStory) {
    KubernetesClient admin = r.api.admin();
    return new RolloutStory.Operator() {
      @Override
      public void scaleOut() {
        Map<String, String> addresses = r.cluster.addresses();
        for (String joiner : settings.joinerNames()) {
          createMember(admin, joiner, addresses.get(joiner));
        }
        r.cluster.startCatchingUp();
      }

      @Override
      public String request(String id, ActionVerb verb, String replica, String by) {
        String value = ActionRequests.value(verb, replica, by, Instant.now());
        admin
            .resources(ReplicaGate.class)
            .inNamespace(DemoSettings.NAMESPACE)
            .withName(DemoSettings.GATE)
            .patch(PatchContext.of(PatchType.JSON_MERGE), requestPatch(id, value));
        return value;
      }

      @Override
      public ReplicaGateStatus read() {
        ReplicaGate gate =
            r.reader
                .resources(ReplicaGate.class)
                .inNamespace(DemoSettings.NAMESPACE)
                .withName(DemoSettings.GATE)
                .get();
        return gate == null ? null : gate.getStatus();
      }

      @Override
      public void later(Duration delay, Runnable task) {
        try {
          r.storyThread.schedule(
              () -> onStory.accept(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          // Shutting down: nobody is left to tell.
        }
      }
    };
  }

  /**
   * The JSON merge patch that adds the request {@code id} with {@code value}, as {@code kubectl
   * syncgate} sends it: {@code
   * {"metadata":{"annotations":{"request.syncgate.io/<id>":"<value>"}}}}.
   */
  static String requestPatch(String id, String value) {
    ObjectNode patch = PATCH_JSON.createObjectNode();
    patch.putObject("metadata").putObject("annotations").put(ActionRequests.key(id), value);
    return patch.toString();
  }

  /** A member's pod and the EndpointSlice that makes it a ready endpoint of its Service. */
  private void createMember(KubernetesClient admin, String name, String ip) {
    boolean leads = name.equals(settings.leaderName());
    Pod pod =
        admin.pods().inNamespace(DemoSettings.NAMESPACE).resource(pod(name, ip, leads)).create();
    admin
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(DemoSettings.NAMESPACE)
        .resource(endpointOf(pod, leads))
        .create();
  }

  /**
   * The configuration of {@code syncgate run --namespace db --no-leader-elect}, except that lag
   * figures reach the status every poll instead of every 10 s, so the tables show current lag.
   */
  static ControllerConfig controllerConfig(Duration statusLagInterval) {
    return ControllerConfig.defaults(DemoSettings.NAMESPACE, IDENTITY)
        .withNamespaces(List.of(DemoSettings.NAMESPACE))
        .withLeaderElection(false, DemoSettings.NAMESPACE, ControllerConfig.DEFAULT_LEASE_NAME)
        .withStatusLagInterval(statusLagInterval);
  }

  /**
   * A Running member pod with its pod IP and the labels the gate selects, like PGO's, and the role
   * label Patroni keeps: the leader's or a replica's.
   */
  static Pod pod(String name, String ip, boolean leads) {
    return MemberPods.running(
        DemoSettings.NAMESPACE,
        name,
        ip,
        Map.of(
            DemoSettings.CLUSTER_LABEL,
            DemoSettings.CLUSTER,
            MeshSpec.DEFAULT_SUBSET_LABEL,
            name,
            DemoSettings.ROLE_LABEL,
            leads ? DemoSettings.ROLE_PRIMARY : DemoSettings.ROLE_REPLICA));
  }

  /**
   * The EndpointSlice that makes a member pod a ready endpoint, as Kubernetes and Patroni would:
   * the leader of the primary Service ({@link DemoSettings#PRIMARY_SERVICE}, whose one endpoint
   * Patroni keeps on the leader), a replica of the read Service ({@link DemoSettings#READ_SERVICE},
   * which selects replicas only). The demo has no failover; one would move the two members' slices
   * from one Service to the other, as Patroni relabels their pods.
   */
  static EndpointSlice endpointOf(Pod pod, boolean leads) {
    return MemberPods.readyEndpoint(
        leads ? DemoSettings.PRIMARY_SERVICE : DemoSettings.READ_SERVICE, pod, true);
  }

  /**
   * The read host's Service, like PGO's {@code <cluster>-replicas}: it selects the cluster's
   * replica pods only. The embedded API server runs no EndpointSlice controller: {@link
   * #endpointOf} makes its slices.
   */
  static Service readService() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(DemoSettings.NAMESPACE)
        .withName(DemoSettings.READ_SERVICE)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .addToSelector(DemoSettings.CLUSTER_LABEL, DemoSettings.CLUSTER)
        .addToSelector(DemoSettings.ROLE_LABEL, DemoSettings.ROLE_REPLICA)
        .addNewPort()
        .withName("postgres")
        .withPort(MeshSpec.DEFAULT_PORT)
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * The primary's own Service, like PGO's {@code <cluster>-ha}: a ClusterIP Service without a
   * selector, whose one endpoint Patroni keeps on the leader pod ({@link #endpointOf}).
   */
  static Service primaryService() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(DemoSettings.NAMESPACE)
        .withName(DemoSettings.PRIMARY_SERVICE)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .addNewPort()
        .withName("postgres")
        .withPort(MeshSpec.DEFAULT_PORT)
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * Logs what a story step throws instead of letting the executor swallow it (and, for the table
   * timer, cancel every later run).
   */
  private static Runnable guarded(Runnable step) {
    return () -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        LOG.warn("demo story step failed", e);
      }
    };
  }

  private static <T> Watcher<T> watcher(Consumer<T> onChange) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.ADDED || action == Action.MODIFIED) {
          onChange.accept(resource);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        // The demo closes its watches itself; a watch that breaks earlier shows as a timeout.
      }
    };
  }

  private static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new DemoFailure("cannot start " + what + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new DemoFailure(what + " did not start within " + STEP_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted while starting " + what, e);
    }
  }

  /** The demo could not run as asked; the message says why. */
  public static final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
      super(message);
    }

    DemoFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Everything the demo starts, closed in reverse order whatever happened. */
  private static final class Resources implements AutoCloseable {
    EmbeddedApiServer api;
    Vertx controllerVertx;
    Vertx worldVertx;
    Vertx readerVertx;
    ScheduledExecutorService storyThread;
    DemoCluster cluster;
    KubernetesClient reader;
    KubernetesClient controllerClient;
    PatroniProbe probe;
    // Set on the main thread, read on the story thread.
    volatile ControllerApp app;
    final List<Watch> watches = new ArrayList<>();

    @Override
    public void close() {
      List<Runnable> steps = new ArrayList<>();
      steps.add(() -> watches.forEach(Watch::close));
      steps.add(() -> quietly(app == null ? null : app.stop()));
      steps.add(() -> close(controllerClient));
      steps.add(
          () -> {
            if (storyThread != null) {
              storyThread.shutdownNow();
            }
          });
      steps.add(() -> close(reader));
      steps.add(() -> close(probe));
      steps.add(() -> quietly(cluster == null ? null : cluster.close()));
      steps.add(() -> quietly(controllerVertx == null ? null : controllerVertx.close()));
      steps.add(() -> quietly(worldVertx == null ? null : worldVertx.close()));
      steps.add(() -> quietly(readerVertx == null ? null : readerVertx.close()));
      steps.add(() -> close(api));
      for (Runnable step : steps) {
        try {
          step.run();
        } catch (RuntimeException e) {
          // Keep closing the rest; a failure to stop is not worth hiding the demo's outcome.
        }
      }
    }

    private static void close(AutoCloseable closeable) {
      if (closeable == null) {
        return;
      }
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private static void quietly(Future<Void> stopping) {
      if (stopping == null) {
        return;
      }
      try {
        stopping
            .toCompletionStage()
            .toCompletableFuture()
            .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
