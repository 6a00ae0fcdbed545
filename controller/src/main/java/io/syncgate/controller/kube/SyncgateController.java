package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.AnyNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.mesh.HostClaims;
import io.syncgate.policy.mesh.IstioRenderer;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: watches ReplicaGates (and, per namespace with gates, its pods and EndpointSlices:
 * {@link NamespaceWatches}), the DestinationRules and VirtualServices labelled as syncgate's, and
 * runs one {@link GateRuntime} per gate while it holds leadership. VirtualServices it does not
 * manage are listed per namespace with gates ({@link ForeignRoutes}), for the host check, and never
 * cached whole.
 *
 * <p>A verticle, so it has an event-loop context of its own: informer callbacks (fabric8 pool
 * threads) hop onto it with {@code runOnContext}, and all controller state lives there without
 * locks. Blocking fabric8 calls run on the named worker pools {@value KubeWorker#POOL_NAME} and
 * (status, events) {@value KubeWorker#STATUS_POOL_NAME}.
 *
 * <p>Order of start-up: informers start; once all have synced the controller is ready and campaigns
 * for the Lease (or, without leader election, leads at once); only a leader ticks. With more than
 * one shard ({@link Shards}) there is a Lease per shard, each with its own {@link LeaderElection}
 * and fencing; a gate ticks only while this controller holds its shard's Lease.
 */
public final class SyncgateController extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(SyncgateController.class);

  /** One poll context per core: polling is most of the controller's work. */
  private static final int POLL_LOOPS = Runtime.getRuntime().availableProcessors();

  private final KubernetesClient client;
  private final ControllerConfig config;
  private final SyncgateMetrics metrics;
  private final Clock clock;

  private final Map<GateKey, GateRuntime> gates = new TreeMap<>();
  private final List<SharedIndexInformer<ReplicaGate>> gateInformers = new ArrayList<>();
  private final List<SharedIndexInformer<DestinationRule>> drInformers = new ArrayList<>();
  private final List<SharedIndexInformer<VirtualService>> vsInformers = new ArrayList<>();

  private KubeWorker worker;
  private KubeWorker statusWorker;
  private PollLoops pollLoops;
  private GateEnv env;
  private OwnedObjectWriter<DestinationRule> destinationRuleWriter;
  private OwnedObjectWriter<VirtualService> virtualServiceWriter;
  private StatusWriter statusWriter;
  private SecretReader secrets;
  private EventRecorder events;
  private ForeignRoutes foreignRoutes;
  private NamespaceWatches namespaceWatches;
  private final Shards shards;

  /** The election of each shard this controller campaigns for, by shard. */
  private final Map<Integer, LeaderElection> elections = new TreeMap<>();

  /** The shards whose Lease this controller holds (all, without leader election). */
  private final Set<Integer> held = new TreeSet<>();

  /** The order in which this controller campaigns for the shards. */
  private List<Integer> campaignOrder = List.of();

  private long campaignStartNanos;
  private long campaignTimer = -1;
  private KubernetesClient electionClient;
  private volatile boolean synced;

  /** Why an informer has not synced yet (its list keeps failing), or null. */
  private volatile String informerFailure;

  private final long startedNanos = System.nanoTime();

  /** When the controller's context last ran its heartbeat, on the monotonic clock. */
  private volatile long heartbeatNanos = System.nanoTime();

  private long heartbeatTimer = -1;
  private volatile boolean leading;
  private volatile Set<Integer> heldShards = Set.of();
  private volatile Set<Integer> campaigning = Set.of();
  private final Map<Integer, String> leaseHolders = new ConcurrentHashMap<>();

  public SyncgateController(
      KubernetesClient client, ControllerConfig config, SyncgateMetrics metrics, Clock clock) {
    this.client = client;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.shards = config.shards();
  }

  /** Deploys a controller on {@code vertx}; completes once its informers are created. */
  public static Future<SyncgateController> deploy(
      Vertx vertx,
      KubernetesClient client,
      ControllerConfig config,
      SyncgateMetrics metrics,
      Clock clock) {
    SyncgateController controller = new SyncgateController(client, config, metrics, clock);
    return vertx.deployVerticle(controller).map(id -> controller);
  }

  /** True once every informer has its initial list. Safe from any thread. */
  public boolean synced() {
    return synced;
  }

  /**
   * True while this instance holds the Lease, or with more than one shard, at least one shard's
   * Lease (always, without leader election).
   */
  public boolean leading() {
    return leading;
  }

  /** The shards whose Lease this instance holds now. Safe from any thread. */
  public Set<Integer> heldShards() {
    return heldShards;
  }

  /** The shards this instance campaigns for (holding or standing by). Safe from any thread. */
  public Set<Integer> campaigningFor() {
    return campaigning;
  }

  /** How the gates are spread over shards. */
  public Shards shards() {
    return shards;
  }

  /** The holder last seen of the (first shard's) Lease, or null. */
  public String leaseHolder() {
    return leaseHolder(0);
  }

  /** The holder last seen of {@code shard}'s Lease, or null. */
  public String leaseHolder(int shard) {
    String holder = leaseHolders.get(shard);
    return holder == null || holder.isEmpty() ? null : holder;
  }

  /** Why the controller is not ready yet, or null when it is. */
  public String notReadyReason() {
    if (synced) {
      return null;
    }
    String failure = informerFailure;
    return "informers have not synced yet" + (failure == null ? "" : ": " + failure);
  }

  /** How long the informers may take to sync before the controller counts as stuck. */
  static final Duration SYNC_DEADLINE = Duration.ofMinutes(2);

  /** How long the controller's context may go without running before it counts as stuck. */
  static final Duration HEARTBEAT_DEADLINE = Duration.ofSeconds(30);

  /**
   * Why this controller cannot make progress, or null: its informers have not synced within {@link
   * #SYNC_DEADLINE} (a restart starts them afresh), or its context has not run for {@link
   * #HEARTBEAT_DEADLINE}. {@code /healthz} fails with it, so the kubelet restarts the process. Safe
   * from any thread.
   */
  public String stuckReason() {
    long now = System.nanoTime();
    Duration sinceHeartbeat = Duration.ofNanos(now - heartbeatNanos);
    if (sinceHeartbeat.compareTo(HEARTBEAT_DEADLINE) > 0) {
      return "the controller's event loop has not run for " + sinceHeartbeat.toSeconds() + "s";
    }
    if (!synced && Duration.ofNanos(now - startedNanos).compareTo(SYNC_DEADLINE) > 0) {
      return "informers have not synced within "
          + SYNC_DEADLINE.toMinutes()
          + "m"
          + (informerFailure == null ? "" : ": " + informerFailure);
    }
    return null;
  }

  /** Stops the controller (undeploys the verticle): releases the Lease, stops all informers. */
  public Future<Void> shutdown() {
    return vertx.undeploy(deploymentID());
  }

  @Override
  public void start(Promise<Void> started) {
    worker = new KubeWorker(vertx, config.kubeWorkers());
    statusWorker = new KubeWorker(vertx, config.kubeWorkers(), KubeWorker.STATUS_POOL_NAME);
    // Deployed from this verticle, so undeploying the controller undeploys them first.
    PollLoops.deploy(vertx, POLL_LOOPS)
        .compose(
            loops -> {
              pollLoops = loops;
              return worker.call(
                  () -> {
                    WarmUp.run(client, vertx);
                    return null;
                  });
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                started.fail(ar.cause());
                return;
              }
              wire();
              heartbeatTimer = vertx.setPeriodic(1000, id -> heartbeat());
              started.complete();
            });
  }

  private void wire() {
    IstioClient istio = client.adapt(IstioClient.class);
    destinationRuleWriter = OwnedObjectWriter.destinationRules(client, worker);
    virtualServiceWriter = OwnedObjectWriter.virtualServices(client, worker);
    statusWriter = new StatusWriter(client, statusWorker);
    secrets = new SecretReader(client, worker);
    events =
        new EventRecorder(
            client,
            statusWorker,
            clock,
            config.identity(),
            config.eventWindow(),
            config.eventRateLimit(),
            EventRecorder.maxInFlight(config.kubeWorkers()),
            metrics);
    env = new GateEnv(vertx, context, TickClock.system(clock), config.statusLagInterval(), metrics);
    // Pods and EndpointSlices: one watch of each per namespace with gates, not one per gate.
    namespaceWatches = new NamespaceWatches(client, worker);
    foreignRoutes =
        new ForeignRoutes(
            namespace -> worker.call(() -> listForeignRoutes(istio, namespace)),
            context,
            env.clock(),
            this::tickGatesIn);

    for (Informable<ReplicaGate> scope : scopes(client.resources(ReplicaGate.class))) {
      SharedIndexInformer<ReplicaGate> informer = informer(scope, gateHandler());
      informer.addIndexers(Map.of(SERVICE_INDEX, SyncgateController::services));
      gateInformers.add(informer);
    }
    // Only the mesh objects syncgate manages: the controller does not cache every DestinationRule
    // and VirtualService of the cluster. Foreign objects of a gate's name are read when needed
    // (SameNameCheck); foreign VirtualServices that route a gate's host are listed (ForeignRoutes).
    for (Informable<DestinationRule> scope : managedScopes(istio.v1().destinationRules())) {
      drInformers.add(informer(scope, null));
    }
    for (Informable<VirtualService> scope : managedScopes(istio.v1().virtualServices())) {
      SharedIndexInformer<VirtualService> informer = informer(scope, null);
      informer.addIndexers(Map.of(SERVICE_INDEX, SyncgateController::services));
      vsInformers.add(informer);
    }
    List<SharedIndexInformer<?>> all = new ArrayList<>();
    all.addAll(gateInformers);
    all.addAll(drInformers);
    all.addAll(vsInformers);
    List<Future<Void>> syncs = new ArrayList<>();
    for (SharedIndexInformer<?> informer : all) {
      syncs.add(startInformer(informer));
    }
    Future.all(syncs)
        .onSuccess(v -> onSynced())
        .onFailure(e -> LOG.error("informers failed to start: {}", e.toString()));
    LOG.info(
        "controller {} watching {}",
        config.identity(),
        config.namespaces().isEmpty() ? "all namespaces" : "namespaces " + config.namespaces());
  }

  /**
   * The VirtualServices of {@code namespace} that syncgate does not manage. Runs on the worker
   * pool. {@code resourceVersion=0} lets the API server answer from its watch cache: the answer is
   * kept for {@link ForeignRoutes#REFRESH} anyway.
   */
  private static List<VirtualService> listForeignRoutes(IstioClient istio, String namespace) {
    return istio
        .v1()
        .virtualServices()
        .inNamespace(namespace)
        .withoutLabel(IstioRenderer.MANAGED_BY_LABEL, IstioRenderer.MANAGED_BY_VALUE)
        .list(new ListOptionsBuilder().withResourceVersion("0").build())
        .getItems();
  }

  /** The first list of a namespace's foreign VirtualServices arrived: its gates go ahead now. */
  private void tickGatesIn(String namespace) {
    if (!leading) {
      return;
    }
    gates.forEach(
        (key, gate) -> {
          if (key.namespace().equals(namespace) && holds(key)) {
            gate.tick();
          }
        });
  }

  /** Runs every second on the controller's context: proves it runs, and watches every gate. */
  private void heartbeat() {
    heartbeatNanos = System.nanoTime();
    for (GateRuntime gate : gates.values()) {
      gate.watchdog();
    }
  }

  @Override
  public void stop(Promise<Void> stopped) {
    if (heartbeatTimer != -1) {
      vertx.cancelTimer(heartbeatTimer);
    }
    if (campaignTimer != -1) {
      vertx.cancelTimer(campaignTimer);
    }
    List<Future<Void>> releases = new ArrayList<>();
    elections.values().forEach(election -> releases.add(election.stop()));
    Future.join(releases)
        .onComplete(
            v -> {
              leading = false;
              held.clear();
              heldShards = Set.of();
              gates.values().forEach(GateRuntime::close);
              gates.clear();
              List<SharedIndexInformer<?>> all = new ArrayList<>();
              all.addAll(gateInformers);
              all.addAll(drInformers);
              all.addAll(vsInformers);
              worker
                  .call(
                      () -> {
                        all.forEach(SharedIndexInformer::close);
                        if (electionClient != null) {
                          electionClient.close();
                        }
                        return null;
                      })
                  .onComplete(
                      x -> {
                        worker.close();
                        statusWorker.close();
                        LOG.info("controller {} stopped", config.identity());
                        stopped.complete();
                      });
            });
  }

  // ------------------------------------------------------------------ leadership

  private void onSynced() {
    synced = true;
    informerFailure = null;
    LOG.info("informers synced: {} gate(s)", gates.size());
    metrics.shards(shards.count());
    if (!config.leaderElect()) {
      for (int shard = 0; shard < shards.count(); shard++) {
        onLeadership(shard, true);
      }
      return;
    }
    // The election's own client: no retries and short timeouts (see LeaderElection, fencing).
    electionClient =
        KubeClients.create(
            vertx,
            LeaderElection.electionClientConfig(client.getConfiguration(), config.leaseTiming()));
    campaignOrder = shards.campaignOrder(config.identity());
    campaignStartNanos = System.nanoTime();
    campaign(campaignOrder.get(0));
    if (shards.count() > 1) {
      long period = Math.max(10, config.leaseTiming().retryPeriod().toMillis());
      campaignTimer = vertx.setPeriodic(period, id -> campaignFurther());
    }
  }

  /**
   * Campaigns for the next shard in {@link #campaignOrder} once {@link
   * Shards#mayCampaignForAnother} allows (every campaign so far has seen its Lease's holder, and a
   * lease duration per shard held has passed): a controller that holds fewer shards reaches sooner,
   * so controllers that start together tend to split them. Once it campaigns for all, it stands by
   * for every shard it does not hold.
   */
  private void campaignFurther() {
    if (elections.size() >= shards.count()) {
      vertx.cancelTimer(campaignTimer);
      campaignTimer = -1;
      return;
    }
    Duration since = Duration.ofNanos(System.nanoTime() - campaignStartNanos);
    int unsettled = 0;
    for (int shard : elections.keySet()) {
      String holder = leaseHolders.get(shard);
      if (holder == null || holder.isEmpty()) {
        unsettled++;
      }
    }
    if (Shards.mayCampaignForAnother(
        held.size(), unsettled, since, config.leaseTiming().leaseDuration())) {
      campaign(campaignOrder.get(elections.size()));
    }
  }

  private void campaign(int shard) {
    String leaseName = shards.leaseName(config.leaseName(), shard);
    LeaderElection election =
        new LeaderElection(
            electionClient,
            context,
            config.leaseNamespace(),
            leaseName,
            config.identity(),
            config.leaseTiming(),
            nowLeading -> onLeadership(shard, nowLeading),
            holder -> {
              // Empty while released: nobody holds it.
              leaseHolders.put(shard, holder == null ? "" : holder);
              LOG.info("Lease {}/{} held by {}", config.leaseNamespace(), leaseName, holder);
            });
    elections.put(shard, election);
    campaigning = Set.copyOf(elections.keySet());
    election.start();
  }

  /** Gained or lost {@code shard}: its gates start or end a term. */
  private void onLeadership(int shard, boolean nowLeading) {
    if (nowLeading) {
      held.add(shard);
    } else {
      held.remove(shard);
    }
    heldShards = Set.copyOf(held);
    leading = !held.isEmpty();
    metrics.recordShard(shard, nowLeading);
    if (shards.count() > 1) {
      LOG.info(
          "{} shard {}: {}", nowLeading ? "gained" : "lost", shard, shards.describe(heldShards));
    }
    for (Map.Entry<GateKey, GateRuntime> gate : gates.entrySet()) {
      if (shards.of(gate.getKey()) != shard) {
        continue;
      }
      if (nowLeading) {
        gate.getValue().activate();
      } else {
        gate.getValue().deactivate();
      }
    }
  }

  /** True while this controller holds the shard of {@code gate}. */
  private boolean holds(GateKey gate) {
    return held.contains(shards.of(gate));
  }

  // ------------------------------------------------------------------ gates

  private ResourceEventHandler<ReplicaGate> gateHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(ReplicaGate gate) {
        ReplicaGate copy = copy(gate);
        context.runOnContext(v -> upsert(copy));
      }

      @Override
      public void onUpdate(ReplicaGate before, ReplicaGate after) {
        ReplicaGate copy = copy(after);
        context.runOnContext(v -> upsert(copy));
      }

      @Override
      public void onDelete(ReplicaGate gate, boolean finalStateUnknown) {
        GateKey key = GateKey.of(gate);
        context.runOnContext(v -> remove(key));
      }
    };
  }

  private ReplicaGate copy(ReplicaGate gate) {
    // Never hand an informer's cached object to code that may change it.
    return client.getKubernetesSerialization().clone(gate);
  }

  private void upsert(ReplicaGate gate) {
    GateKey key = GateKey.of(gate);
    GateRuntime reconciler = gates.get(key);
    boolean fresh = reconciler == null;
    if (fresh) {
      reconciler = new GateRuntime(key, seams(key), env);
      gates.put(key, reconciler);
      LOG.info("{}: watching", key);
    }
    reconciler.update(gate);
    if (fresh && holds(key)) {
      reconciler.activate();
    }
  }

  private void remove(GateKey key) {
    GateRuntime reconciler = gates.remove(key);
    if (reconciler != null) {
      reconciler.close();
      LOG.info("{}: deleted; owner references let the mesh objects go", key);
    }
    if (gates.keySet().stream().noneMatch(k -> k.namespace().equals(key.namespace()))) {
      foreignRoutes.forget(key.namespace());
    }
  }

  /** One gate's seams to the cluster and to Patroni. */
  private GateSeams seams(GateKey key) {
    return new GateSeams(
        namespaceWatches.pods(key),
        namespaceWatches.endpoints(key),
        new PatroniMembers(key, vertx, context, secrets::options, pollLoops),
        new ClusterMeshWriter(
            key,
            destinationRuleWriter,
            virtualServiceWriter,
            new ClusterMeshWriter.MeshCache() {
              @Override
              public DestinationRule destinationRule(GateKey gate) {
                return lookup(drInformers, gate);
              }

              @Override
              public VirtualService virtualService(GateKey gate) {
                return lookup(vsInformers, gate);
              }
            }),
        statusWriter,
        events,
        new HostDirectory() {
          @Override
          public ForeignRoutes.Known routesKnown(String namespace) {
            return foreignRoutes.known(namespace);
          }

          @Override
          public List<VirtualService> routing(String service) {
            List<VirtualService> managed = byIndex(vsInformers, service);
            List<VirtualService> all = new ArrayList<>(managed);
            for (VirtualService foreign : foreignRoutes.routing(service)) {
              // One relabelled since the last list is managed now: the informer knows best.
              if (managed.stream().noneMatch(m -> sameObject(m, foreign))) {
                all.add(foreign);
              }
            }
            return all;
          }

          @Override
          public List<ReplicaGate> gating(String service) {
            return byIndex(gateInformers, service);
          }
        },
        new PrometheusAnalysis(
            key,
            vertx,
            context,
            secrets::prometheusOptions,
            (replica, result) ->
                metrics.recordCheck(key.namespace(), key.name(), result.check(), result.passed())));
  }

  /** The index of the Services a VirtualService's hosts or a gate's mesh.host name. */
  static final String SERVICE_INDEX = "syncgate.io/service";

  private static <T> List<T> byIndex(List<SharedIndexInformer<T>> informers, String service) {
    List<T> out = new ArrayList<>();
    for (SharedIndexInformer<T> informer : informers) {
      out.addAll(informer.getIndexer().byIndex(SERVICE_INDEX, service));
    }
    return out;
  }

  private static boolean sameObject(HasMetadata a, HasMetadata b) {
    return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
        && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }

  private static List<String> services(VirtualService vs) {
    if (vs.getSpec() == null || vs.getSpec().getHosts() == null) {
      return List.of();
    }
    return vs.getSpec().getHosts().stream()
        .map(h -> HostClaims.service(h, vs.getMetadata().getNamespace()))
        .flatMap(Optional::stream)
        .distinct()
        .toList();
  }

  private static List<String> services(ReplicaGate gate) {
    if (gate.getSpec() == null || gate.getSpec().getMesh() == null) {
      return List.of();
    }
    return HostClaims.service(gate.getSpec().getMesh().getHost(), gate.getMetadata().getNamespace())
        .stream()
        .toList();
  }

  // ------------------------------------------------------------------ informers

  private <T extends HasMetadata> List<Informable<T>> scopes(MixedOperation<T, ?, ?> operation) {
    List<Informable<T>> out = new ArrayList<>();
    if (config.namespaces().isEmpty()) {
      AnyNamespaceOperation<T, ?, ?> any = operation.inAnyNamespace();
      out.add(any);
    } else {
      for (String namespace : config.namespaces()) {
        out.add(operation.inNamespace(namespace));
      }
    }
    return out;
  }

  /** As {@link #scopes}, only objects labelled {@code app.kubernetes.io/managed-by: syncgate}. */
  private <T extends HasMetadata> List<Informable<T>> managedScopes(
      MixedOperation<T, ?, ?> operation) {
    List<Informable<T>> out = new ArrayList<>();
    if (config.namespaces().isEmpty()) {
      out.add(
          operation
              .inAnyNamespace()
              .withLabel(IstioRenderer.MANAGED_BY_LABEL, IstioRenderer.MANAGED_BY_VALUE));
    } else {
      for (String namespace : config.namespaces()) {
        out.add(
            operation
                .inNamespace(namespace)
                .withLabel(IstioRenderer.MANAGED_BY_LABEL, IstioRenderer.MANAGED_BY_VALUE));
      }
    }
    return out;
  }

  private <T> SharedIndexInformer<T> informer(
      Informable<T> scope, ResourceEventHandler<T> handler) {
    SharedIndexInformer<T> informer = scope.runnableInformer(0);
    Informers.retryEverything(
        informer,
        e -> {
          String failure = Informers.describe(e);
          if (!Objects.equals(failure, informerFailure)) {
            LOG.warn("an informer's first list failed (retrying): {}", failure);
          }
          informerFailure = failure;
        });
    if (handler != null) {
      informer.addEventHandler(handler);
    }
    return informer;
  }

  private Future<Void> startInformer(SharedIndexInformer<?> informer) {
    Promise<Void> synced = Promise.promise();
    worker
        .call(informer::start)
        .onSuccess(
            stage ->
                stage.whenComplete(
                    (v, e) ->
                        context.runOnContext(
                            x -> {
                              if (e == null) {
                                synced.complete();
                              } else {
                                synced.fail(e);
                              }
                            })))
        .onFailure(synced::fail);
    return synced.future();
  }

  private static <T extends HasMetadata> T lookup(
      List<SharedIndexInformer<T>> informers, GateKey gate) {
    String cacheKey = Cache.namespaceKeyFunc(gate.namespace(), gate.name());
    for (SharedIndexInformer<T> informer : informers) {
      T found = informer.getStore().getByKey(cacheKey);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
