package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.mesh.MeshDiff;
import java.util.Map;
import java.util.function.Consumer;

/** The objects of a test scenario: a gate with test-speed timing, member pods, the live route. */
public final class TestGates {

  public static final String NAMESPACE = "db";
  public static final String GATE = "hippo-reads";
  public static final String HOST = "hippo-replicas.db.svc.cluster.local";
  public static final String CLUSTER_LABEL = "postgres-operator.crunchydata.com/cluster";
  public static final long MESH_PORT = MeshSpec.DEFAULT_PORT;

  private TestGates() {}

  /**
   * The gate {@code db/hippo-reads} selecting the {@code hippo} pods, with poll 200 ms, Patroni
   * timeout 300 ms, stableFor 1 s, stepInterval 1 s, unreachableFor 1 s; {@code customize} may
   * change anything.
   */
  public static ReplicaGate gate(Consumer<ReplicaGateSpec> customize) {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace(NAMESPACE);
    gate.getMetadata().setName(GATE);
    ReplicaGateSpec spec = gate.getSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels(CLUSTER_LABEL, "hippo").build());
    MeshSpec mesh = new MeshSpec();
    mesh.setHost(HOST);
    spec.setMesh(mesh);
    spec.getPatroni().setTimeout("300ms");
    spec.setPollInterval("200ms");
    spec.getAdmission().setStableFor("1s");
    spec.getRamp().setStepInterval("1s");
    spec.getEjection().setUnreachableFor("1s");
    customize.accept(spec);
    return gate;
  }

  /** The read host's Service: it selects every member, as in most stories here. */
  public static final String READ_SERVICE = "hippo-replicas";

  /**
   * A Running member pod with the gate's labels and the given pod IP, and a ready endpoint of the
   * read host's Service ({@link #READ_SERVICE}), as the EndpointSlice controller would make it.
   */
  public static Pod createPod(KubernetesClient admin, String name, String ip) {
    Pod pod = createPodOnly(admin, name, ip);
    setEndpoint(admin, READ_SERVICE, pod, true);
    return pod;
  }

  /** {@link #createPod} without any endpoint: for stories that say which Service selects it. */
  public static Pod createPodOnly(KubernetesClient admin, String name, String ip) {
    Pod pod =
        MemberPods.running(
            NAMESPACE,
            name,
            ip,
            Map.of(CLUSTER_LABEL, "hippo", MeshSpec.DEFAULT_SUBSET_LABEL, name));
    return admin.pods().inNamespace(NAMESPACE).resource(pod).create();
  }

  /** Makes {@code pod} an endpoint of {@code service}, ready or not (replacing what was there). */
  public static void setEndpoint(KubernetesClient admin, String service, Pod pod, boolean ready) {
    EndpointSlice slice = MemberPods.readyEndpoint(service, pod, ready);
    admin
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NAMESPACE)
        .resource(slice)
        .createOr(NonDeletingOperation::update);
  }

  /** Takes {@code pod} out of {@code service}'s endpoints (its selector no longer selects it). */
  public static void removeEndpoint(KubernetesClient admin, String service, String pod) {
    admin
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NAMESPACE)
        .withName(MemberPods.endpointSliceName(service, pod))
        .delete();
  }

  /** The live VirtualService's weights by subset; empty when there is none. */
  /**
   * Adds an operator request to the test gate as {@code kubectl syncgate} does: a JSON merge patch
   * of one annotation, without a resourceVersion, so it never conflicts with the controller's
   * status writes.
   */
  public static void request(KubernetesClient admin, String id, String value) {
    mergePatch(
        admin,
        "{\"metadata\":{\"annotations\":{"
            + quoted(io.syncgate.policy.rollout.ActionRequests.key(id))
            + ":"
            + quoted(value)
            + "}}}");
  }

  /** A JSON merge patch of the test gate (no resourceVersion: it never conflicts). */
  public static void mergePatch(KubernetesClient admin, String json) {
    admin
        .resources(ReplicaGate.class)
        .inNamespace(NAMESPACE)
        .withName(GATE)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            json);
  }

  private static String quoted(String text) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
  }

  public static Map<String, Integer> weights(KubernetesClient admin) {
    return weightsOf(virtualService(admin));
  }

  /** The gate's live VirtualService, or null. */
  public static VirtualService virtualService(KubernetesClient admin) {
    return admin
        .adapt(IstioClient.class)
        .v1()
        .virtualServices()
        .inNamespace(NAMESPACE)
        .withName(GATE)
        .get();
  }

  /** A VirtualService's weights by subset; empty when it is null or not of the rendered shape. */
  public static Map<String, Integer> weightsOf(VirtualService vs) {
    return MeshDiff.routeOf(vs, MESH_PORT).map(Route::weights).orElse(Map.of());
  }

  /** A VirtualService of the gate's name that someone else made (no managed-by label). */
  public static VirtualService foreignVirtualService() {
    return new VirtualServiceBuilder()
        .withNewMetadata()
        .withNamespace(NAMESPACE)
        .withName(GATE)
        .addToLabels("app", "someone-else")
        .endMetadata()
        .withNewSpec()
        .withHosts("elsewhere.example")
        .endSpec()
        .build();
  }
}
