package io.syncgate.e2e.harness;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.controller.testing.RouteEndpointCheck;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.mesh.MeshDiff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Kubernetes side of an e2e scenario, in-process: the controller's embedded API server
 * (fabric8's mock server in CRUD mode on loopback, with the Istio and ReplicaGate CRDs), a Pod
 * object per Patroni member (its {@code status.podIP} the member's loopback address, labels as an
 * operator sets them), one ReplicaGate, and a watch that records every version of the gate's
 * VirtualService.
 */
public final class MockKubernetes implements AutoCloseable {

  public static final String NAMESPACE = "db";
  public static final String GATE = "hippo-reads";
  public static final String HOST = "hippo-replicas.db.svc.cluster.local";

  /** The Service {@link #HOST} names. */
  public static final String READ_SERVICE = "hippo-replicas";

  public static final String CLUSTER_LABEL = "postgres-operator.crunchydata.com/cluster";
  public static final long MESH_PORT = MeshSpec.DEFAULT_PORT;

  /** One VirtualService version as the watch delivered it. */
  public record RouteVersion(long atMillis, Map<String, Integer> weights) {}

  private final EmbeddedApiServer server;
  private final KubernetesClient admin;
  private final List<RouteVersion> routeVersions = Collections.synchronizedList(new ArrayList<>());
  private volatile Map<String, Integer> weights = Map.of();
  private final Watch routeWatch;

  private MockKubernetes(EmbeddedApiServer server) {
    this.server = server;
    this.admin = server.admin();
    this.routeWatch =
        admin
            .adapt(IstioClient.class)
            .v1()
            .virtualServices()
            .inNamespace(NAMESPACE)
            .withName(GATE)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, VirtualService vs) {
                    Map<String, Integer> now = action == Action.DELETED ? Map.of() : weightsOf(vs);
                    weights = now;
                    routeVersions.add(new RouteVersion(TestTime.millis(), now));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** Starts the API server on loopback with the CRDs registered. */
  public static MockKubernetes start() {
    EmbeddedApiServer server = EmbeddedApiServer.start();
    try {
      return new MockKubernetes(server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** A client for set-up and inspection (the controller gets its own). */
  public KubernetesClient admin() {
    return admin;
  }

  /** A Running pod for {@code member}: named after it, its IP the member's address. */
  public Pod createPod(PatroniMember member) {
    Pod pod =
        MemberPods.running(
            NAMESPACE,
            member.name(),
            member.address(),
            Map.of(
                CLUSTER_LABEL, PatroniCluster.SCOPE, MeshSpec.DEFAULT_SUBSET_LABEL, member.name()));
    Pod created = admin.pods().inNamespace(NAMESPACE).resource(pod).create();
    // The read host's Service selects every member here: each pod is a ready endpoint of it.
    admin
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NAMESPACE)
        .resource(MemberPods.readyEndpoint(READ_SERVICE, created, true))
        .create();
    return created;
  }

  /** Creates the gate selecting the cluster's pods; {@code customize} sets timing and limits. */
  public ReplicaGate createGate(Consumer<ReplicaGateSpec> customize) {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace(NAMESPACE);
    gate.getMetadata().setName(GATE);
    ReplicaGateSpec spec = gate.getSpec();
    spec.setSelector(
        new LabelSelectorBuilder().addToMatchLabels(CLUSTER_LABEL, PatroniCluster.SCOPE).build());
    MeshSpec mesh = new MeshSpec();
    mesh.setHost(HOST);
    spec.setMesh(mesh);
    customize.accept(spec);
    return admin.resources(ReplicaGate.class).inNamespace(NAMESPACE).resource(gate).create();
  }

  public ReplicaGate gate() {
    return admin.resources(ReplicaGate.class).inNamespace(NAMESPACE).withName(GATE).get();
  }

  /** The gate's status entry of a replica, if it has one. */
  public Optional<ReplicaStatus> replicaStatus(String member) {
    ReplicaGate gate = gate();
    if (gate == null || gate.getStatus() == null || gate.getStatus().getReplicas() == null) {
      return Optional.empty();
    }
    return gate.getStatus().getReplicas().stream()
        .filter(r -> member.equals(r.getName()))
        .findFirst();
  }

  /** True when the gate's status has condition {@code type} with status "True". */
  public boolean condition(String type) {
    ReplicaGate gate = gate();
    return gate != null
        && gate.getStatus() != null
        && gate.getStatus().getConditions() != null
        && gate.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The read route's weights now (as the watch last delivered them); empty before any. */
  public Map<String, Integer> weights() {
    return weights;
  }

  /** Every VirtualService version the watch delivered, oldest first. */
  public List<RouteVersion> routeVersions() {
    synchronized (routeVersions) {
      return List.copyOf(routeVersions);
    }
  }

  static Map<String, Integer> weightsOf(VirtualService vs) {
    return MeshDiff.routeOf(vs, MESH_PORT).map(Route::weights).orElse(Map.of());
  }

  /**
   * The routes the controller wrote between {@code fromNanos} and {@code toNanos} ({@link
   * System#nanoTime()}), checked against the EndpointSlices of the moment.
   */
  public RouteEndpointCheck.Report routesWritten(long fromNanos, long toNanos) {
    return RouteEndpointCheck.check(server, admin.getKubernetesSerialization(), fromNanos, toNanos);
  }

  /** Stops the API server, failing if any route written weighted a destination without endpoint. */
  @Override
  public void close() {
    RouteEndpointCheck.Report routes =
        RouteEndpointCheck.check(server, admin.getKubernetesSerialization());
    routeWatch.close();
    server.close();
    routes.assertNone();
  }
}
