package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.mesh.MeshKind;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

/**
 * In-memory stand-ins for a gate's seams, for reconciler unit tests. Each records what it was
 * asked, completes at once unless told to hold a call open, and is touched on the test's Vert.x
 * context only (the lists are safe to read from the test thread).
 */
final class GateFakes {

  private GateFakes() {}

  /** The member pods, synced at once. */
  static final class Pods implements PodSource {
    final List<LabelSelector> watched = new CopyOnWriteArrayList<>();
    final Map<String, Pod> pods = new LinkedHashMap<>();
    boolean synced = true;
    String failure;
    boolean closed;

    @Override
    public Optional<String> failure() {
      return synced ? Optional.empty() : Optional.ofNullable(failure);
    }

    @Override
    public void watch(LabelSelector selector) {
      watched.add(selector);
    }

    @Override
    public boolean synced() {
      return synced;
    }

    @Override
    public List<Pod> pods() {
      return List.copyOf(pods.values());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /**
   * The ready endpoints of the gate's Services, synced at once: by default every pod of {@code
   * pods} is a ready endpoint of every Service; {@link #ready} sets a Service's addresses instead.
   */
  static final class Endpoints implements EndpointSource {
    final List<Set<String>> watched = new CopyOnWriteArrayList<>();
    final Map<String, Set<String>> ready = new LinkedHashMap<>();
    private final Pods pods;
    boolean synced = true;
    String failure;
    boolean closed;

    Endpoints(Pods pods) {
      this.pods = pods;
    }

    @Override
    public void watch(Set<String> services) {
      watched.add(Set.copyOf(services));
    }

    @Override
    public boolean synced() {
      return synced;
    }

    @Override
    public Optional<String> failure() {
      return synced ? Optional.empty() : Optional.ofNullable(failure);
    }

    @Override
    public Set<String> readyAddresses(String service) {
      Set<String> set = ready.get(service);
      if (set != null) {
        return set;
      }
      Set<String> all = new java.util.HashSet<>();
      pods.pods.values().forEach(p -> all.add(p.getStatus().getPodIP()));
      return all;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Patroni's answers, by member name; a member without one gives no usable answer. */
  static final class Members implements MemberPoller {
    final Map<String, MemberSample> samples = new LinkedHashMap<>();
    String unavailable;

    @Override
    public Future<Void> prepare(GateSettings.PatroniSettings settings, Instant now) {
      return unavailable == null
          ? Future.succeededFuture()
          : Future.failedFuture(new PatroniUnavailable(unavailable));
    }

    @Override
    public Future<ClusterSnapshot> poll(List<PatroniEndpoint> endpoints, Instant now) {
      List<MemberSample> answers = new ArrayList<>();
      for (PatroniEndpoint endpoint : endpoints) {
        MemberSample sample = samples.get(endpoint.member());
        answers.add(
            sample != null
                ? sample
                : MemberSample.failed(
                    endpoint.member(),
                    io.syncgate.policy.gating.SampleFailure.TIMEOUT,
                    "no answer in the test"));
      }
      return Future.succeededFuture(ClusterSnapshot.of(answers, now));
    }

    @Override
    public void close() {}
  }

  /**
   * The API server's copy of the gate's DestinationRule and VirtualService. The informers hold them
   * only when they are labelled as syncgate's (the informers are filtered by that label); a write
   * into one that is not answers {@link WriteOutcome.NotOwned}. Every write asked is recorded in
   * order, and every read; {@link #hold} keeps the next write of a kind waiting until the test
   * completes the promise.
   */
  static final class Mesh implements MeshWriter {
    DestinationRule destinationRule;
    VirtualService virtualService;
    final List<MeshKind> asked = new CopyOnWriteArrayList<>();
    final List<MeshKind> changed = new CopyOnWriteArrayList<>();

    /** The fresh reads asked, in order. */
    final List<MeshKind> reads = new CopyOnWriteArrayList<>();

    /** Every object a write was asked for, in order, with what the write did. */
    final List<Offer> offered = new CopyOnWriteArrayList<>();

    record Offer(MeshKind kind, HasMetadata desired, WriteResult result) {}

    private final Map<MeshKind, Promise<Void>> held = new LinkedHashMap<>();

    /** When set, every write of that kind fails with this message (an API server outage). */
    final Map<MeshKind, String> failing = new LinkedHashMap<>();

    /** The next write of {@code kind} waits for the returned promise. */
    Promise<Void> hold(MeshKind kind) {
      Promise<Void> promise = Promise.promise();
      held.put(kind, promise);
      return promise;
    }

    @Override
    public DestinationRule cachedDestinationRule() {
      return MeshDiff.managedBySyncgate(destinationRule) ? destinationRule : null;
    }

    @Override
    public VirtualService cachedVirtualService() {
      return MeshDiff.managedBySyncgate(virtualService) ? virtualService : null;
    }

    @Override
    public Future<WriteOutcome<DestinationRule>> writeDestinationRule(DestinationRule desired) {
      return after(
          MeshKind.DESTINATION_RULE,
          () -> {
            WriteOutcome<DestinationRule> outcome =
                outcome(destinationRule, desired, MeshDiff::sameSpec);
            if (outcome.result().settled()) {
              destinationRule = desired;
            }
            offered.add(new Offer(MeshKind.DESTINATION_RULE, desired, outcome.result()));
            return outcome;
          });
    }

    @Override
    public Future<WriteOutcome<VirtualService>> writeVirtualService(VirtualService desired) {
      return after(
          MeshKind.VIRTUAL_SERVICE,
          () -> {
            WriteOutcome<VirtualService> outcome =
                outcome(virtualService, desired, MeshDiff::sameSpec);
            if (outcome.result().settled()) {
              virtualService = desired;
            }
            offered.add(new Offer(MeshKind.VIRTUAL_SERVICE, desired, outcome.result()));
            return outcome;
          });
    }

    @Override
    public Future<DestinationRule> readDestinationRule() {
      reads.add(MeshKind.DESTINATION_RULE);
      return Future.succeededFuture(destinationRule);
    }

    @Override
    public Future<VirtualService> readVirtualService() {
      reads.add(MeshKind.VIRTUAL_SERVICE);
      return Future.succeededFuture(virtualService);
    }

    private <T> Future<WriteOutcome<T>> after(
        MeshKind kind, java.util.function.Supplier<WriteOutcome<T>> write) {
      asked.add(kind);
      if (failing.containsKey(kind)) {
        return Future.succeededFuture(new WriteOutcome.Failed<>(failing.get(kind)));
      }
      Promise<Void> gate = held.remove(kind);
      Future<Void> ready = gate == null ? Future.succeededFuture() : gate.future();
      return ready.map(
          v -> {
            WriteOutcome<T> outcome = write.get();
            if (outcome.result().wrote()) {
              changed.add(kind);
            }
            return outcome;
          });
    }

    private static <T extends HasMetadata> WriteOutcome<T> outcome(
        T live, T desired, BiPredicate<T, T> sameSpec) {
      if (live == null) {
        return new WriteOutcome.Created<>(desired);
      }
      if (!MeshDiff.managedBySyncgate(live)) {
        return new WriteOutcome.NotOwned<>(live, "not managed by syncgate in the test");
      }
      if (sameSpec.test(desired, live)) {
        return new WriteOutcome.Unchanged<>(live);
      }
      return new WriteOutcome.Updated<>(live, desired);
    }
  }

  /** The gate's stored status: every write is recorded when sent; {@link #hold} delays them. */
  static final class Status implements StatusSink {
    ReplicaGate stored;
    final List<ReplicaGateStatus> written = new CopyOnWriteArrayList<>();
    final List<String> versionsSent = new CopyOnWriteArrayList<>();

    /** How many of the next writes answer 409 (someone else wrote the gate meanwhile). */
    int conflicts;

    private Promise<Void> held;

    /** Writes wait for the returned promise until it completes. */
    Promise<Void> hold() {
      held = Promise.promise();
      return held;
    }

    /** When set, reads wait for it (a slow API server). */
    Future<Void> readGate;

    @Override
    public Future<ReplicaGate> read(GateKey key) {
      return readGate == null ? Future.succeededFuture(stored) : readGate.map(v -> stored);
    }

    @Override
    public Future<WriteOutcome<ReplicaGate>> write(
        ReplicaGate gate, ReplicaGateStatus status, String resourceVersion) {
      versionsSent.add(String.valueOf(resourceVersion));
      if (conflicts > 0) {
        conflicts--;
        stored.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion() + "+");
        return Future.succeededFuture(new WriteOutcome.Conflict<>("409 stale resourceVersion"));
      }
      written.add(status);
      Future<Void> ready = held == null ? Future.succeededFuture() : held.future();
      return ready.map(
          v -> {
            ReplicaGate copy = new ReplicaGate();
            copy.setMetadata(gate.getMetadata());
            copy.setSpec(gate.getSpec());
            copy.setStatus(status);
            stored = copy;
            return new WriteOutcome.Updated<>(gate, copy);
          });
    }

    /** Every set of requests asked to be removed, in order. */
    final List<Map<String, String>> cleared = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> clearRequests(GateKey key, Map<String, String> requests) {
      cleared.add(Map.copyOf(requests));
      return Future.succeededFuture();
    }
  }

  /** The events recorded, in order, with no de-duplication. */
  static final class Events implements EventSink {
    record Recorded(EventReason reason, String message) {}

    final List<Recorded> recorded = new CopyOnWriteArrayList<>();

    @Override
    public Future<WriteResult> record(HasMetadata gate, EventReason reason, String message) {
      recorded.add(new Recorded(reason, message));
      return Future.succeededFuture(WriteResult.CREATED);
    }

    @Override
    public void forget(GateKey gate) {}

    List<EventReason> reasons() {
      return recorded.stream().map(Recorded::reason).toList();
    }
  }

  /**
   * Who else routes or gates a Service: nobody, unless the test says so; the VirtualServices
   * syncgate does not manage are known at once, unless {@link #known} says otherwise.
   */
  static final class Hosts implements HostDirectory {
    final Map<String, List<VirtualService>> routing = new LinkedHashMap<>();
    final Map<String, List<ReplicaGate>> gating = new LinkedHashMap<>();
    ForeignRoutes.Known known = ForeignRoutes.Known.YES;
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public ForeignRoutes.Known routesKnown(String namespace) {
      asked.add(namespace);
      return known;
    }

    @Override
    public List<VirtualService> routing(String service) {
      return routing.getOrDefault(service, List.of());
    }

    @Override
    public List<ReplicaGate> gating(String service) {
      return gating.getOrDefault(service, List.of());
    }
  }
}
