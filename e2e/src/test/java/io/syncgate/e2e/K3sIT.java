package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.DockerRequired;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import io.syncgate.policy.mesh.IstioRenderer;
import io.syncgate.policy.mesh.MeshTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The parts only a real API server can check, on k3s in Docker: the committed CRD installs, its CEL
 * rules reject what they should, the status subresource keeps spec and status apart, owner
 * references let the mesh objects go with their gate, and the RBAC in {@code deploy/} grants what
 * the controller needs. Skipped where there is no Docker engine.
 */
@ExtendWith(DockerRequired.class)
@Testcontainers(disabledWithoutDocker = true)
class K3sIT {

  /** CEL's Kubernetes quantity library needs 1.29 or later. */
  @Container
  static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

  private static final Path REPO = Path.of(System.getProperty("syncgate.repo.root", ".."));
  private static final Path CRD = REPO.resolve("deploy/crds/replicagates.syncgate.io.yaml");

  private static KubernetesClient client;

  @BeforeAll
  static void installCrds() throws IOException {
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml()))
            .build();
    List<HasMetadata> crds = new ArrayList<>();
    try (InputStream in = Files.newInputStream(CRD)) {
      crds.addAll(client.load(in).items());
    }
    try (InputStream in = K3sIT.class.getResourceAsStream("/k3s/istio-crds.yaml")) {
      crds.addAll(client.load(in).items());
    }
    for (HasMetadata crd : crds) {
      client.resource(crd).create();
    }
    for (HasMetadata crd : crds) {
      Await.until(
          Duration.ofSeconds(60),
          crd.getMetadata().getName() + " established",
          () -> established(crd.getMetadata().getName()));
    }
  }

  @AfterAll
  static void close() {
    if (client != null) {
      client.close();
    }
  }

  private static boolean established(String name) {
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions().withName(name).get();
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String namespace() {
    String name = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /**
   * A valid spec with nothing but the required fields; the host is a short name, a Service of
   * whatever namespace the gate is in.
   */
  private static final String MINIMAL_SPEC =
      """
      selector:
        matchLabels: {app: pg}
      mesh:
        host: pg-replicas
      """;

  /** A gate with the given spec (YAML), untouched by the Java model's defaults. */
  private static GenericKubernetesResource gate(String namespace, String name, String spec) {
    String yaml =
        """
        apiVersion: syncgate.io/v1alpha1
        kind: ReplicaGate
        metadata:
          name: %s
          namespace: %s
        spec:
        %s"""
            .formatted(name, namespace, spec.indent(2));
    return client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
  }

  @Test
  void committedCrdIsEstablishedWithStatusSubresource() {
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("replicagates.syncgate.io")
            .get();

    assertThat(established(crd.getMetadata().getName())).isTrue();
    assertThat(crd.getSpec().getVersions())
        .singleElement()
        .satisfies(v -> assertThat(v.getSubresources().getStatus()).isNotNull());
    String ns = namespace();
    client.resource(gate(ns, "valid", MINIMAL_SPEC)).create();
    assertThat(client.resources(ReplicaGate.class).inNamespace(ns).withName("valid").get())
        .isNotNull();
  }

  static Stream<Arguments> invalidSpecs() {
    // One spec per CEL rule in the CRD, with the message that rule gives.
    return Stream.of(
        Arguments.of(
            MINIMAL_SPEC + "admission: {maxLag: 1500m}", "maxLag must be a whole number of bytes"),
        Arguments.of(
            MINIMAL_SPEC + "ejection: {maxLag: \"16777216.5\"}",
            "maxLag must be a whole number of bytes"),
        Arguments.of(
            "selector: {matchLabels: {app: pg}}\nmesh: {host: pg, maxConnectionDuration: 0s}",
            "maxConnectionDuration must be at least 1ms"),
        Arguments.of(MINIMAL_SPEC + "patroni: {timeout: 0s}", "timeout must be greater than 0s"),
        Arguments.of(MINIMAL_SPEC + "pollInterval: 50ms", "pollInterval must be at least 100ms"),
        Arguments.of(MINIMAL_SPEC + "pollInterval: 1h", "pollInterval must be at most 5m"),
        Arguments.of(
            MINIMAL_SPEC + "ejection: {unreachableFor: 0s}", "unreachableFor must be at least 1s"),
        Arguments.of(
            MINIMAL_SPEC + "patroni: {credentialsSecret: {name: pg-auth}}",
            "credentialsSecret over http sends Patroni's password in clear text"),
        Arguments.of(
            MINIMAL_SPEC + "patroni: {scheme: https, insecureSkipHostnameVerification: true}",
            "insecureSkipHostnameVerification requires caSecret"),
        Arguments.of(
            "selector: {matchLabels: {pg cluster: hippo}}\nmesh: {host: pg}",
            "matchLabels keys must be label keys"),
        Arguments.of(
            "selector:\n  matchExpressions:\n  - {key: pg cluster, operator: Exists}\n"
                + "mesh: {host: pg}",
            "matchExpressions keys must be label keys"),
        Arguments.of(
            "selector:\n  matchExpressions:\n  - {key: app, operator: In}\nmesh: {host: pg}",
            "matchExpressions with operator In or NotIn must list at least one value"),
        Arguments.of(
            "selector:\n  matchExpressions:\n  - {key: app, operator: Exists, values: [pg]}\n"
                + "mesh: {host: pg}",
            "matchExpressions with operator Exists or DoesNotExist must not list values"),
        Arguments.of(
            MINIMAL_SPEC + "ramp: {steps: [10, 50, 25, 100]}", "steps must be strictly increasing"),
        Arguments.of(MINIMAL_SPEC + "ramp: {steps: [10, 50, 90]}", "the last step must be 100"),
        Arguments.of("selector: {}\nmesh: {host: pg}", "selector must not be empty"),
        Arguments.of(
            MINIMAL_SPEC + "admission: {maxLag: 8Mi}\nejection: {maxLag: 4Mi}",
            "ejection.maxLag must be >= admission.maxLag"),
        Arguments.of(
            MINIMAL_SPEC + "admission: {maxLagTime: 30s}\nejection: {maxLagTime: 10s}",
            "ejection.maxLagTime must be >= admission.maxLagTime"));
  }

  @ParameterizedTest
  @MethodSource("invalidSpecs")
  void celRuleRejectsItsInvalidSpec(String spec, String message) {
    String ns = namespace();
    assertThatThrownBy(() -> client.resource(gate(ns, "invalid", spec)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void statusSubresourceKeepsSpecAndStatusApart() {
    String ns = namespace();
    client.resource(gate(ns, "split", MINIMAL_SPEC)).create();
    var gates = client.resources(ReplicaGate.class).inNamespace(ns);
    ReplicaGate created = gates.withName("split").get();
    long generation = created.getMetadata().getGeneration();

    ReplicaGate withStatus = gates.withName("split").get();
    ReplicaGateStatus status = new ReplicaGateStatus();
    status.setLeader("pg-0");
    withStatus.setStatus(status);
    withStatus.getSpec().setPaused(true);
    gates.resource(withStatus).updateStatus();

    ReplicaGate afterStatus = gates.withName("split").get();
    assertThat(afterStatus.getStatus().getLeader()).isEqualTo("pg-0");
    assertThat(afterStatus.getSpec().getPaused())
        .as("spec ignored on the status endpoint")
        .isNotEqualTo(Boolean.TRUE);
    assertThat(afterStatus.getMetadata().getGeneration()).isEqualTo(generation);

    afterStatus.getSpec().setPaused(true);
    afterStatus.getStatus().setLeader("someone-else");
    gates.resource(afterStatus).update();

    ReplicaGate afterSpec = gates.withName("split").get();
    assertThat(afterSpec.getSpec().getPaused()).isTrue();
    assertThat(afterSpec.getStatus().getLeader())
        .as("status ignored on the main endpoint")
        .isEqualTo("pg-0");
    assertThat(afterSpec.getMetadata().getGeneration()).isEqualTo(generation + 1);
  }

  @Test
  void deletingAGateCollectsItsMeshObjects() {
    String ns = namespace();
    client.resource(gate(ns, "owner", MINIMAL_SPEC)).create();
    ReplicaGate gate = client.resources(ReplicaGate.class).inNamespace(ns).withName("owner").get();
    MeshTarget target =
        new MeshTarget(
            ns,
            "owner",
            gate.getMetadata().getUid(),
            gate.getSpec().getMesh().getHost(),
            5432,
            "statefulset.kubernetes.io/pod-name",
            null);
    Plan plan =
        new Plan(
            List.of("pg-0", "pg-1"),
            "pg-0",
            Optional.of(new Route(List.of(new RouteDestination("pg-1", 100)))),
            false,
            null,
            List.of());
    IstioClient istio = client.adapt(IstioClient.class);
    istio
        .v1()
        .destinationRules()
        .inNamespace(ns)
        .resource(IstioRenderer.renderDestinationRule(target, plan))
        .create();
    istio
        .v1()
        .virtualServices()
        .inNamespace(ns)
        .resource(IstioRenderer.renderVirtualService(target, plan).orElseThrow())
        .create();

    client.resources(ReplicaGate.class).inNamespace(ns).withName("owner").delete();

    Await.until(
        Duration.ofSeconds(60),
        "the garbage collector to delete the gate's DestinationRule and VirtualService",
        () -> {
          DestinationRule dr =
              istio.v1().destinationRules().inNamespace(ns).withName("owner").get();
          VirtualService vs = istio.v1().virtualServices().inNamespace(ns).withName("owner").get();
          return dr == null && vs == null;
        });
  }

  @Test
  void rbacFromDeployGrantsWhatTheControllerNeeds() throws IOException {
    // The cluster-wide install: deploy/base, whose manifests carry their namespaces.
    Path base = REPO.resolve("deploy/base");
    Assumptions.assumeTrue(Files.isDirectory(base), "deploy/base does not exist yet");
    List<String> order =
        List.of(
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "Role",
            "ClusterRoleBinding",
            "RoleBinding");
    List<HasMetadata> rbac = new ArrayList<>();
    try (Stream<Path> files = Files.list(base)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml"))
              .toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata item : client.load(in).items()) {
            if (order.contains(item.getKind())) {
              rbac.add(item);
            }
          }
        }
      }
    }
    Assumptions.assumeTrue(
        rbac.stream().anyMatch(r -> r.getKind().endsWith("Binding")),
        "deploy/base has no RBAC manifests yet");
    rbac.sort(java.util.Comparator.comparingInt(r -> order.indexOf(r.getKind())));
    for (HasMetadata item : rbac) {
      client.resource(item).createOr(existing -> existing.update());
    }
    Subject account =
        rbac.stream()
            .filter(ClusterRoleBinding.class::isInstance)
            .map(ClusterRoleBinding.class::cast)
            .flatMap(binding -> binding.getSubjects().stream())
            .filter(s -> "ServiceAccount".equals(s.getKind()))
            .findFirst()
            .orElseThrow();
    String user = "system:serviceaccount:" + account.getNamespace() + ":" + account.getName();
    String own = account.getNamespace();
    String watched = namespace();

    assertThat(allowed(user, watched, "syncgate.io", "replicagates", "", "watch")).isTrue();
    assertThat(allowed(user, watched, "syncgate.io", "replicagates", "status", "update")).isTrue();
    assertThat(allowed(user, watched, "", "pods", "", "list")).isTrue();
    assertThat(allowed(user, watched, "networking.istio.io", "virtualservices", "", "update"))
        .isTrue();
    assertThat(allowed(user, watched, "networking.istio.io", "destinationrules", "", "create"))
        .isTrue();
    assertThat(allowed(user, watched, "", "events", "", "create")).isTrue();
    assertThat(allowed(user, own, "coordination.k8s.io", "leases", "", "patch")).isTrue();
    // Least privilege: it reads pods and gates, it never changes or deletes them.
    assertThat(allowed(user, watched, "", "pods", "", "delete")).isFalse();
    assertThat(allowed(user, watched, "syncgate.io", "replicagates", "", "delete")).isFalse();
    assertThat(allowed(user, watched, "coordination.k8s.io", "leases", "", "patch"))
        .as("Leases only in its own namespace")
        .isFalse();
  }

  private static boolean allowed(
      String user,
      String namespace,
      String group,
      String resource,
      String subresource,
      String verb) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withNewResourceAttributes()
            .withNamespace(namespace)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(subresource)
            .withVerb(verb)
            .endResourceAttributes()
            .endSpec()
            .build();
    return client
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }
}
