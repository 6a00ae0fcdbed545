package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.Timer;
import io.syncgate.controller.demo.LoopbackSubnet;
import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.demo.SimulatedMember;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.controller.testing.RouteEndpointCheck;
import io.syncgate.controller.testing.StrictVertxFixture;
import io.syncgate.policy.PatroniSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.ReplicaStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One controller scenario on loopback: the mock API server with the CRDs, a simulated Patroni
 * cluster (each member on its own 127.0.{subnet}.x:8008, like a pod IP), Pod objects pointing at
 * them, a ReplicaGate, and controllers on a Vert.x with a strict blocked-thread checker.
 *
 * <p>A test registers it with {@code @RegisterExtension final ControllerHarness h = new
 * ControllerHarness();}: after each test it closes everything and then fails the test if the
 * checker complained during it ({@link BlockedThreadWatch}).
 *
 * <p>Also records every VirtualService version the API server sent out on a watch, with the time
 * the test saw it, so assertions can cover all versions, not just the last.
 */
final class ControllerHarness extends StrictVertxFixture {

  static final String NAMESPACE = TestGates.NAMESPACE;
  static final String GATE = TestGates.GATE;
  static final int PATRONI_PORT = PatroniSpec.DEFAULT_PORT;
  static final long MESH_PORT = TestGates.MESH_PORT;
  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;

  /** One observed VirtualService version and when the watch delivered it. */
  record Observed(long nanos, VirtualService vs) {
    Map<String, Integer> weights() {
      return TestGates.weightsOf(vs);
    }
  }

  /** A controller under test with its own client and metrics. */
  record Running(SyncgateController controller, KubernetesClient client, SyncgateMetrics metrics) {
    void stop() {
      await(controller.shutdown());
      client.close();
    }

    /** How many ticks of {@code gate} this controller completed (its syncgate_tick_seconds). */
    long ticks(String gate) {
      Timer timer =
          metrics
              .registry()
              .find("syncgate.tick")
              .tags("namespace", NAMESPACE, "gate", gate)
              .timer();
      return timer == null ? 0 : timer.count();
    }

    /** {@link #awaitTicks(String, int, Duration)} of the test gate, allowing a second a tick. */
    void awaitTicks(int ticks) {
      // A second covers a tick of a gate with an invalid spec, the slowest schedule there is.
      awaitTicks(
          GATE,
          ticks,
          Duration.ofSeconds(5).plus(GateRuntime.INVALID_SPEC_INTERVAL.multipliedBy(ticks)));
    }

    /**
     * Waits until {@code ticks} more ticks of {@code gate} have completed. The first of them may
     * have begun before the call; ticks of a gate never overlap, so the other {@code ticks - 1}
     * began after it. They come on the gate's timer, about one a poll interval.
     */
    void awaitTicks(String gate, int ticks, Duration timeout) {
      long target = ticks(gate) + ticks;
      Await.until(
          timeout,
          ticks + " more ticks of " + gate,
          () -> ticks(gate),
          completed -> completed >= target);
    }
  }

  final int subnet;
  final Vertx vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  final Vertx simulatorVertx = Vertx.vertx();
  final EmbeddedApiServer api = EmbeddedApiServer.start();
  private final List<Observed> vsVersions = Collections.synchronizedList(new ArrayList<>());
  private final List<Running> controllers = new ArrayList<>();
  private Watch vsWatch;
  PatroniSimulator simulator;
  private final List<PatroniSimulator> moreSimulators = new ArrayList<>();
  private final List<AutoCloseable> closeAfterControllers = new ArrayList<>();

  /** A scenario on a loopback subnet where eight members' addresses are free. */
  ControllerHarness() {
    this.subnet = LoopbackSubnet.pick(8, PATRONI_PORT);
    vsWatch =
        istio()
            .v1()
            .virtualServices()
            .inNamespace(NAMESPACE)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, VirtualService resource) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                      vsVersions.add(new Observed(System.nanoTime(), resource));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** The pod IP of member {@code index}: 127.0.{subnet}.{index + 2}. */
  String ip(int index) {
    return LoopbackSubnet.address(subnet, index);
  }

  static String member(int index) {
    return "hippo-" + index;
  }

  /** Starts the simulated members (not yet their pods). */
  void simulate(List<SimulatedMember> members) {
    simulator =
        await(PatroniSimulator.start(simulatorVertx, members, PatroniSimulator.Mode.HTTP10_CLOSE));
  }

  /**
   * Starts one more simulated member on a simulator of its own (so it may share a name with a
   * member of {@link #simulate}, as a pod re-created elsewhere does) and returns it.
   */
  SimulatedMember simulateAlso(SimulatedMember member) {
    moreSimulators.add(
        await(
            PatroniSimulator.start(
                simulatorVertx, List.of(member), PatroniSimulator.Mode.HTTP10_CLOSE)));
    return member;
  }

  /** Where the leader and every caught-up replica start in {@link #cluster}. */
  static final long START_POSITION = 8 * GIB;

  /** How far behind a joiner of {@link #cluster} starts: it catches up only when told. */
  static final long JOINER_LAG = 5 * GIB;

  /**
   * A leader (member 0) and {@code replicas} caught-up replicas with pods, {@code joiners} more
   * members simulated {@link #JOINER_LAG} behind without pods yet, and the gate (ramp steps [50,
   * 100] unless {@code customize} says otherwise); no controller yet.
   */
  void cluster(int replicas, int joiners, Consumer<ReplicaGateSpec> customize) {
    List<SimulatedMember> members = new ArrayList<>();
    members.add(leader(0));
    for (int i = 1; i <= replicas + joiners; i++) {
      members.add(replica(i));
    }
    simulate(members);
    sim(0).setLocation(START_POSITION);
    for (int i = 1; i <= replicas + joiners; i++) {
      sim(i).setReceivedAndReplayed(i <= replicas ? START_POSITION : START_POSITION - JOINER_LAG);
    }
    for (int i = 0; i <= replicas; i++) {
      createPod(i);
    }
    createGate(
        spec -> {
          spec.getRamp().setSteps(List.of(50, 100));
          customize.accept(spec);
        });
  }

  /**
   * A leader (member 0) and {@code replicas} replicas, all caught up, with pods, the gate (ramp
   * steps [50, 100] unless {@code customize} says otherwise) and a controller without leader
   * election; returns once every replica serves.
   */
  Running servingCluster(int replicas, Consumer<ReplicaGateSpec> customize) {
    cluster(replicas, 0, customize);
    Running running = startController();
    awaitServing(replicas);
    return running;
  }

  /**
   * A leader and two caught-up replicas, the test gate (steps [50, 100]), and two controllers with
   * leader election, controller-a and controller-b; returns once both replicas serve, the Lease
   * holder first.
   */
  List<Running> twoControllersServing() {
    cluster(2, 0, spec -> {});
    Running a = startController(config("controller-a"));
    Running b = startController(config("controller-b"));
    awaitServing(2);
    return a.controller().leading() ? List.of(a, b) : List.of(b, a);
  }

  /** Waits until replicas 1..{@code replicas} serve, in status and in the route. */
  void awaitServing(int replicas) {
    Map<String, Integer> equalShares = new LinkedHashMap<>();
    for (int i = 1; i <= replicas; i++) {
      equalShares.put(member(i), 100 / replicas + (i <= 100 % replicas ? 1 : 0));
    }
    Await.until(
        Duration.ofSeconds(15),
        "replicas 1.." + replicas + " serving",
        () -> {
          for (int i = 1; i <= replicas; i++) {
            if (!"Serving".equals(phase(i))) {
              return false;
            }
          }
          return weights().equals(equalShares);
        });
    awaitObserved(equalShares);
  }

  SimulatedMember leader(int index) {
    return SimulatedMember.leader(member(index), ip(index), PATRONI_PORT);
  }

  SimulatedMember replica(int index) {
    return SimulatedMember.replica(member(index), ip(index), PATRONI_PORT);
  }

  SimulatedMember sim(int index) {
    return simulator.member(member(index));
  }

  /** A Running pod of member {@code index} with its IP and the gate's labels. */
  Pod createPod(int index) {
    return TestGates.createPod(admin(), member(index), ip(index));
  }

  /** The test gate ({@link TestGates#gate}); {@code customize} may change anything. */
  ReplicaGate createGate(Consumer<ReplicaGateSpec> customize) {
    return admin()
        .resources(ReplicaGate.class)
        .inNamespace(NAMESPACE)
        .resource(TestGates.gate(customize))
        .create();
  }

  /** Starts a controller watching the test namespace, without leader election. */
  Running startController() {
    return startController(config("controller-a").withLeaderElection(false, NAMESPACE, "unused"));
  }

  ControllerConfig config(String identity) {
    return ControllerConfig.defaults(NAMESPACE, identity)
        .withNamespaces(List.of(NAMESPACE))
        // The stories here run 10 to 30 times faster than the defaults (stepInterval 1 s, not
        // 30 s), and so may events: their rate limit has its own tests.
        .withEventRateLimit(new EventRecorder.RateLimit(10, Duration.ofMillis(300)))
        .withLeaseTiming(
            new LeaderElection.Timing(
                Duration.ofMillis(2000), Duration.ofMillis(1500), Duration.ofMillis(200)));
  }

  Running startController(ControllerConfig config) {
    return startController(config, api.config().getMasterUrl(), Clock.systemUTC());
  }

  /** {@link #deployController(ControllerConfig, String, Clock)}, returning once it has synced. */
  Running startController(ControllerConfig config, String masterUrl, Clock wall) {
    Running running = deployController(config, masterUrl, wall);
    Await.until(
        Duration.ofSeconds(10), "controller informers synced", running.controller()::synced);
    return running;
  }

  /** Deploys a controller and returns at once, synced or not. */
  Running deployController(ControllerConfig config) {
    return deployController(config, api.config().getMasterUrl(), Clock.systemUTC());
  }

  /**
   * Deploys a controller that reaches the API server at {@code masterUrl} (a {@link
   * io.syncgate.controller.testing.TcpFaultProxy} in front of it, say) and reads wall time from
   * {@code wall}; returns at once, synced or not.
   */
  Running deployController(ControllerConfig config, String masterUrl, Clock wall) {
    Config clientConfig = new ConfigBuilder(api.config()).withMasterUrl(masterUrl).build();
    // The API server's request log tells the controllers apart by this.
    clientConfig.setUserAgent(userAgent(config.identity()));
    KubernetesClient client = KubeClients.create(vertx, clientConfig);
    SyncgateMetrics metrics = new SyncgateMetrics();
    SyncgateController controller =
        await(SyncgateController.deploy(vertx, client, config, metrics, wall));
    Running running = new Running(controller, client, metrics);
    controllers.add(running);
    return running;
  }

  /** The User-Agent of the controller {@code identity}'s requests. */
  static String userAgent(String identity) {
    return "syncgate-test/" + identity;
  }

  KubernetesClient admin() {
    return api.admin();
  }

  IstioClient istio() {
    return admin().adapt(IstioClient.class);
  }

  VirtualService virtualService() {
    return TestGates.virtualService(admin());
  }

  DestinationRule destinationRule() {
    return istio().v1().destinationRules().inNamespace(NAMESPACE).withName(GATE).get();
  }

  ReplicaGate gate() {
    return admin().resources(ReplicaGate.class).inNamespace(NAMESPACE).withName(GATE).get();
  }

  /** The live VirtualService's weights by subset, empty when there is none. */
  Map<String, Integer> weights() {
    return TestGates.weights(admin());
  }

  /** The gate's status entry of a replica, or null. */
  ReplicaStatus replicaStatus(int index) {
    ReplicaGate gate = gate();
    if (gate == null || gate.getStatus() == null) {
      return null;
    }
    return gate.getStatus().getReplicas().stream()
        .filter(r -> member(index).equals(r.getName()))
        .findFirst()
        .orElse(null);
  }

  String phase(int index) {
    ReplicaStatus status = replicaStatus(index);
    return status == null ? null : status.getPhase();
  }

  /** Every VirtualService version seen so far, oldest first. */
  List<Observed> vsVersions() {
    synchronized (vsVersions) {
      return List.copyOf(vsVersions);
    }
  }

  /** Waits until the watch has delivered a VirtualService with these weights; returns all seen. */
  List<Observed> awaitObserved(Map<String, Integer> weights) {
    Await.until(
        Duration.ofSeconds(5),
        "a VirtualService with weights " + weights + " on the watch",
        () -> vsVersions().stream().anyMatch(o -> o.weights().equals(weights)));
    return vsVersions();
  }

  /** Events about the gate, oldest first. */
  List<Event> events() {
    List<Event> events =
        new ArrayList<>(admin().v1().events().inNamespace(NAMESPACE).list().getItems());
    events.removeIf(e -> !GATE.equals(e.getInvolvedObject().getName()));
    events.sort(
        java.util.Comparator.comparing(
            (Event e) -> Integer.parseInt(e.getMetadata().getResourceVersion())));
    return events;
  }

  List<String> eventReasons() {
    return events().stream().map(Event::getReason).toList();
  }

  /** Every request the API server received so far. */
  List<RecordedRequest> requests() {
    return api.requests();
  }

  /** Non-GET requests whose path contains {@code part}. */
  List<RecordedRequest> writesTo(String part) {
    return api.writesTo(part);
  }

  static final String VS_PATH = "/apis/networking.istio.io/v1/namespaces/db/virtualservices";
  static final String DR_PATH = "/apis/networking.istio.io/v1/namespaces/db/destinationrules";
  static final String STATUS_PATH = "/replicagates/" + GATE + "/status";

  /** Writes of VirtualService bodies, decoded, in the order the API server received them. */
  List<VirtualService> vsWrites() {
    return writesTo(VS_PATH).stream()
        .map(
            r -> {
              String body = api.bodyOf(r);
              if (body.isBlank()) {
                // A write without a body would make every check of the written routes vacuous.
                throw new AssertionError(
                    "no body recorded for " + r.getMethod() + " " + r.getPath());
              }
              return admin().getKubernetesSerialization().unmarshal(body, VirtualService.class);
            })
        .toList();
  }

  static Map<String, Integer> expected(Object... subsetWeightPairs) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < subsetWeightPairs.length; i += 2) {
      out.put((String) subsetWeightPairs[i], (Integer) subsetWeightPairs[i + 1]);
    }
    return out;
  }

  /** The future's result within 30 s: starting and stopping a scenario's parts can be slow. */
  static <T> T await(Future<T> future) {
    return Await.result(future, Duration.ofSeconds(30));
  }

  /** Closes {@code resource} after the test, once the controllers have stopped. */
  void onClose(AutoCloseable resource) {
    closeAfterControllers.add(resource);
  }

  @Override
  public void close() {
    // Every route the controllers wrote sent weight only where a ready endpoint could answer.
    RouteEndpointCheck.Report routes =
        RouteEndpointCheck.check(api, admin().getKubernetesSerialization());
    for (Running running : controllers) {
      try {
        if (running.controller().deploymentID() != null
            && vertx.deploymentIDs().contains(running.controller().deploymentID())) {
          running.stop();
        }
      } catch (AssertionError | RuntimeException e) {
        // Best effort: the test's own assertion is the interesting failure.
      }
    }
    for (AutoCloseable resource : closeAfterControllers) {
      try {
        resource.close();
      } catch (Exception e) {
        // Best effort, as above.
      }
    }
    if (vsWatch != null) {
      vsWatch.close();
    }
    if (simulator != null) {
      await(simulator.close());
    }
    for (PatroniSimulator more : moreSimulators) {
      await(more.close());
    }
    await(vertx.close());
    await(simulatorVertx.close());
    api.close();
    routes.assertNone();
  }
}
