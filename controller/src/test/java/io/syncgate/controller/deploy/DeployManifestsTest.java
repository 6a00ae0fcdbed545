package io.syncgate.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.syncgate.controller.bench.BenchSettings;
import io.syncgate.controller.deploy.DeployTree.RunArgs;
import io.syncgate.controller.deploy.RbacCheck.Account;
import io.syncgate.controller.deploy.RbacCheck.Permission;
import io.syncgate.controller.deploy.StrictManifests.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reads every manifest under deploy/ strictly into fabric8's model and checks what the cluster
 * would run: a locked-down, leader-elected Deployment whose probes reach the health server, and
 * RBAC that grants exactly the API calls the controller makes ({@link ControllerApiCalls}). Pure:
 * no kubectl, no cluster ({@link KustomizeBuildTest} renders the kustomizations with kubectl).
 */
class DeployManifestsTest {

  static final Map<String, String> SYNCGATE_LABELS =
      Map.of("app.kubernetes.io/name", "syncgate", "app.kubernetes.io/part-of", "syncgate");

  /**
   * The fields kustomize (v5) reads; deprecated ones (commonLabels, patchesJson6902 …) left out.
   */
  static final Set<String> KUSTOMIZATION_FIELDS =
      Set.of(
          "apiVersion",
          "kind",
          "metadata",
          "resources",
          "components",
          "patches",
          "images",
          "labels",
          "commonAnnotations",
          "namespace",
          "namePrefix",
          "nameSuffix",
          "replacements",
          "configMapGenerator",
          "secretGenerator",
          "generatorOptions");

  final List<Manifest> base = DeployTree.manifests(DeployTree.BASE);
  final List<HasMetadata> baseObjects = DeployTree.objects(base);
  final Deployment deployment = DeployTree.one(baseObjects, Deployment.class, "syncgate");
  final Container container = DeployTree.controllerContainer(deployment);
  final PodSpec pod = deployment.getSpec().getTemplate().getSpec();

  // ------------------------------------------------------------------ strict reading

  @Test
  void everyManifestUnderDeployReadsStrictlyIntoItsModel() {
    List<Manifest> all = DeployTree.manifests(DeployTree.ROOT);

    assertThat(all.stream().map(m -> m.object().getKind()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(StrictManifests.KINDS.keySet());
    for (Manifest manifest : all) {
      assertThat(StrictManifests.unknownFields(manifest.object()))
          .as(manifest.describe())
          .isEmpty();
      assertThat(manifest.object().getMetadata().getName()).as(manifest.describe()).isNotBlank();
    }
  }

  @Test
  void strictReadingRejectsAMisspeltFieldThatFabric8WouldKeepQuietly() {
    String misspelt =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          template:
            spec:
              containers:
              - name: x
                securityContext: {readOnlyRootFileSystem: true}
        """;

    assertThatThrownBy(() -> StrictManifests.parse("misspelt", misspelt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem");
  }

  @Test
  void strictReadingRejectsAWrongApiVersionAnUnexpectedKindAndADuplicateKey() {
    assertThatThrownBy(
            () ->
                StrictManifests.parse(
                    "old", "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n"))
        .hasMessageContaining("must be policy/v1");
    assertThatThrownBy(
            () -> StrictManifests.parse("odd", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"))
        .hasMessageContaining("kind 'ConfigMap'");
    assertThatThrownBy(
            () ->
                StrictManifests.parse(
                    "dup",
                    "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nmetadata: {name: b}\n"))
        .hasMessageContaining("metadata");
  }

  // ------------------------------------------------------------------ kustomize layout

  @Test
  void kustomizationsUseKnownFieldsAndEveryManifestIsListedExactlyOnce() {
    List<Path> listed = new ArrayList<>();
    List<Path> kustomizations =
        DeployTree.yamlFiles(DeployTree.ROOT).stream().filter(DeployTree::isKustomization).toList();
    assertThat(kustomizations)
        .extracting(p -> DeployTree.ROOT.relativize(p).toString())
        .containsExactlyInAnyOrder(
            "kustomization.yaml",
            "base/kustomization.yaml",
            "crds/kustomization.yaml",
            "overlays/namespaced/kustomization.yaml");

    for (Path file : kustomizations) {
      JsonNode kustomization = single(StrictManifests.documents(file));
      Set<String> fields = new TreeSet<>();
      kustomization.fieldNames().forEachRemaining(fields::add);
      assertThat(KUSTOMIZATION_FIELDS).as(file.toString()).containsAll(fields);
      assertThat(kustomization.path("kind").asText())
          .as(file.toString())
          .isEqualTo("Kustomization");
      for (JsonNode resource : kustomization.path("resources")) {
        Path target = file.getParent().resolve(resource.asText()).normalize();
        if (Files.isDirectory(target)) {
          assertThat(target.resolve("kustomization.yaml"))
              .as(file + " lists a directory without a kustomization")
              .exists();
        } else {
          assertThat(target).as(file + " lists a missing file").exists();
          listed.add(target);
        }
      }
    }

    List<Path> manifestFiles =
        DeployTree.yamlFiles(DeployTree.ROOT).stream()
            .filter(f -> !DeployTree.isKustomization(f))
            .toList();
    // A manifest no kustomization lists would be left out of `kubectl apply -k` without a word.
    assertThat(listed).containsExactlyInAnyOrderElementsOf(manifestFiles);
  }

  @Test
  void imageIsSetThroughKustomizeImagesToTheProjectVersion() {
    JsonNode kustomization =
        single(StrictManifests.documents(DeployTree.BASE.resolve("kustomization.yaml")));

    assertThat(container.getImage()).isEqualTo("syncgate");
    assertThat(kustomization.path("images")).hasSize(1);
    JsonNode image = kustomization.path("images").get(0);
    assertThat(image.path("name").asText()).isEqualTo("syncgate");
    assertThat(image.path("newTag").asText()).isEqualTo(DeployTree.projectVersion());
    assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
  }

  @Test
  void everyObjectCarriesTheSyncgateLabels() {
    List<Manifest> labelled = new ArrayList<>(base);
    labelled.addAll(DeployTree.manifests(DeployTree.NAMESPACED));
    for (Manifest manifest : labelled) {
      assertThat(manifest.object().getMetadata().getLabels())
          .as(manifest.describe())
          .containsAllEntriesOf(SYNCGATE_LABELS);
    }
    // The generated CRD gets them from its kustomization.
    JsonNode crds =
        single(StrictManifests.documents(DeployTree.CRDS.resolve("kustomization.yaml")));
    assertThat(crds.path("labels").get(0).path("pairs").path("app.kubernetes.io/name").asText())
        .isEqualTo("syncgate");
    assertThat(crds.path("labels").get(0).path("pairs").path("app.kubernetes.io/part-of").asText())
        .isEqualTo("syncgate");
  }

  // ------------------------------------------------------------------ the Deployment

  @Test
  void deploymentRunsTwoLeaderElectedReplicasInItsOwnNamespace() {
    RunArgs args = RunArgs.parse(container.getArgs());

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getArgs()).first().isEqualTo("run");
    assertThat(args.elect()).as("two replicas need leader election").isTrue();
    assertThat(args.leaseNamespace()).isEqualTo(deployment.getMetadata().getNamespace());
    assertThat(args.namespaces()).as("the base watches every namespace").isEmpty();
    assertThat(container.getCommand())
        .as("the image's entrypoint is the syncgate command")
        .isEmpty();

    EnvVar podName = env(container, "POD_NAME");
    assertThat(podName.getValue()).isNull();
    assertThat(podName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
  }

  @Test
  void deploymentRunsAsItsOwnServiceAccount() {
    ServiceAccount account =
        DeployTree.one(baseObjects, ServiceAccount.class, pod.getServiceAccountName());

    assertThat(account.getMetadata().getNamespace())
        .isEqualTo(deployment.getMetadata().getNamespace());
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
  }

  @Test
  void podIsNonRootWithAReadOnlyRootAndNoPrivileges() {
    PodSecurityContext podSecurity = pod.getSecurityContext();
    SecurityContext security = container.getSecurityContext();

    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isEqualTo(65532L);
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(65532L);
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    // Which lets its namespace enforce the restricted Pod Security Standard.
    Namespace namespace =
        DeployTree.one(baseObjects, Namespace.class, deployment.getMetadata().getNamespace());
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  @Test
  void theJvmGetsAWritableTmpOnAnEmptyDir() {
    Volume tmp =
        pod.getVolumes().stream()
            .filter(
                v ->
                    container.getVolumeMounts().stream()
                        .anyMatch(
                            m ->
                                m.getName().equals(v.getName()) && m.getMountPath().equals("/tmp")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("nothing mounted at /tmp"));

    assertThat(tmp.getEmptyDir()).isNotNull();
    assertThat(container.getVolumeMounts()).allMatch(m -> m.getReadOnly() != Boolean.TRUE);
  }

  @Test
  void resourcesAreSizedForAJvmAndTheHeapFollowsTheLimit() {
    Map<String, Quantity> requests = container.getResources().getRequests();
    Map<String, Quantity> limits = container.getResources().getLimits();

    assertThat(bytes(requests.get("memory"))).isEqualTo(bytes(new Quantity("256Mi")));
    assertThat(bytes(limits.get("memory"))).isEqualTo(bytes(new Quantity("512Mi")));
    assertThat(bytes(requests.get("cpu"))).isEqualTo(bytes(new Quantity("100m")));
    assertThat(bytes(limits.get("cpu"))).isEqualTo(bytes(new Quantity("1")));
    assertThat(bytes(requests.get("memory"))).isLessThanOrEqualTo(bytes(limits.get("memory")));
    assertThat(bytes(requests.get("cpu"))).isLessThanOrEqualTo(bytes(limits.get("cpu")));
    assertThat(env(container, "JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=75");
  }

  @Test
  void theBenchmarkRunsTheControllerWithTheDeployedJvmOptions() {
    List<String> deployed =
        List.of(env(container, "JAVA_TOOL_OPTIONS").getValue().strip().split("\\s+"));
    List<String> bench = List.of(BenchSettings.DEPLOYED_JVM_OPTIONS.split(" "));

    assertThat(bench)
        .containsAll(deployed)
        .contains(
            "-XX:MaxRAM="
                + bytes(container.getResources().getLimits().get("memory"))
                    .divide(java.math.BigDecimal.valueOf(1024 * 1024))
                    .toBigIntegerExact()
                + "m");
    assertThat(bench).hasSize(deployed.size() + 1);
  }

  @Test
  void probesAskTheHealthServerOnTheMetricsPort() {
    RunArgs args = RunArgs.parse(container.getArgs());

    assertThat(args.metricsPort()).isEqualTo(8080);
    assertThat(httpGet(container.getLivenessProbe()).getPath()).isEqualTo("/healthz");
    assertThat(httpGet(container.getStartupProbe()).getPath()).isEqualTo("/healthz");
    assertThat(httpGet(container.getReadinessProbe()).getPath()).isEqualTo("/readyz");
    for (Probe probe :
        List.of(
            container.getLivenessProbe(),
            container.getReadinessProbe(),
            container.getStartupProbe())) {
      assertThat(containerPort(httpGet(probe).getPort())).isEqualTo(args.metricsPort());
    }
  }

  // ------------------------------------------------------------------ Service, PDB

  @Test
  void metricsServiceSelectsTheControllerPodsOnTheMetricsPort() {
    Service service = DeployTree.one(baseObjects, Service.class, "syncgate-metrics");
    ServicePort port = single(service.getSpec().getPorts());

    assertThat(service.getMetadata().getNamespace())
        .isEqualTo(deployment.getMetadata().getNamespace());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(port.getName()).isEqualTo("metrics");
    assertThat(port.getPort()).isEqualTo(8080);
    assertThat(containerPort(port.getTargetPort())).isEqualTo(8080);
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "8080")
        .containsEntry("prometheus.io/path", "/metrics");
  }

  @Test
  void disruptionBudgetKeepsOneReplicaAndLetsTheOtherGo() {
    PodDisruptionBudget pdb = DeployTree.one(baseObjects, PodDisruptionBudget.class, "syncgate");

    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getSpec().getMinAvailable().getIntVal())
        .isLessThan(deployment.getSpec().getReplicas());
    assertThat(pdb.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  // ------------------------------------------------------------------ RBAC

  @Test
  void onlyTheMetricsPortIsOpenAndOnlyToTheScraper() {
    NetworkPolicy policy =
        DeployTree.one(baseObjects, NetworkPolicy.class, "syncgate-metrics-only");

    // It selects the controller's pods ...
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    // ... and admits one source, on one port: the container's metrics port.
    assertThat(policy.getSpec().getIngress()).hasSize(1);
    var rule = policy.getSpec().getIngress().get(0);
    assertThat(rule.getFrom()).hasSize(1);
    assertThat(rule.getFrom().get(0).getNamespaceSelector()).isNotNull();
    assertThat(rule.getFrom().get(0).getPodSelector()).isNotNull();
    assertThat(rule.getPorts()).hasSize(1);
    String port = rule.getPorts().get(0).getPort().getStrVal();
    assertThat(container.getPorts())
        .filteredOn(p -> p.getName().equals(port))
        .singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
    assertThat(container.getPorts()).hasSize(1);
  }

  @Test
  void clusterWideRbacGrantsExactlyTheCallsTheControllerMakes() {
    RunArgs args = RunArgs.parse(container.getArgs());
    Set<Permission> needed =
        RbacCheck.needed(ControllerApiCalls.ALL, args.namespaces(), args.leaseNamespace());
    Set<Permission> granted = RbacCheck.granted(baseObjects, account());

    assertThat(RbacCheck.missing(needed, granted)).as("needed but not granted").isEmpty();
    assertThat(RbacCheck.excess(needed, granted)).as("granted but never needed").isEmpty();
  }

  @Test
  void everyRoleIsBoundToTheControllerAndNothingElseIsBound() {
    List<HasMetadata> rbac = new ArrayList<>(baseObjects);
    rbac.addAll(DeployTree.objects(DeployTree.manifests(DeployTree.NAMESPACED)));
    Set<String> bound = new HashSet<>();
    for (HasMetadata object : rbac) {
      if (object instanceof ClusterRoleBinding b) {
        assertThat(b.getSubjects()).containsExactly(subject());
        bound.add("ClusterRole/" + b.getRoleRef().getName());
      } else if (object instanceof RoleBinding b) {
        assertThat(b.getSubjects()).containsExactly(subject());
        bound.add(b.getRoleRef().getKind() + "/" + b.getRoleRef().getName());
      }
    }
    for (HasMetadata object : rbac) {
      if (object instanceof ClusterRole || object instanceof Role) {
        assertThat(bound).contains(object.getKind() + "/" + object.getMetadata().getName());
      }
    }
  }

  @Test
  void namespacedOverlayGrantsTheClusterRolesRulesInItsNamespaceOnly() {
    List<HasMetadata> overlay = DeployTree.objects(DeployTree.manifests(DeployTree.NAMESPACED));
    Role role = DeployTree.one(overlay, Role.class, "syncgate");
    String namespace = role.getMetadata().getNamespace();
    JsonNode kustomization =
        single(StrictManifests.documents(DeployTree.NAMESPACED.resolve("kustomization.yaml")));

    // The same permissions as the cluster-wide install, moved into the one namespace.
    Set<Permission> clusterWide = RbacCheck.granted(clusterRoleOnly(), account());
    Set<Permission> inNamespace = RbacCheck.granted(overlay, account());
    assertThat(inNamespace)
        .containsExactlyInAnyOrderElementsOf(
            clusterWide.stream()
                .map(p -> new Permission(namespace, p.group(), p.resource(), p.verb()))
                .toList());
    // And the Deployment is told to watch exactly that namespace.
    assertThat(DeployTree.addedArgs(kustomization)).containsExactly("--namespace=" + namespace);
    assertThat(DeployTree.deletedObjects(kustomization))
        .containsExactlyInAnyOrder("ClusterRole/syncgate", "ClusterRoleBinding/syncgate");
    assertThat(kustomization.path("resources").get(0).asText()).isEqualTo("../../base");
  }

  @Test
  void namespacedInstallGrantsExactlyTheCallsTheControllerMakes() {
    DeployTree.Install install = DeployTree.namespacedInstall();
    RunArgs args = RunArgs.parse(DeployTree.controllerContainer(install.deployment()).getArgs());
    Set<Permission> needed =
        RbacCheck.needed(ControllerApiCalls.ALL, args.namespaces(), args.leaseNamespace());
    Set<Permission> granted = RbacCheck.granted(install.objects(), account());

    assertThat(args.namespaces()).containsExactly("db");
    assertThat(install.objects()).noneMatch(o -> o instanceof ClusterRole);
    assertThat(install.objects()).noneMatch(o -> o instanceof ClusterRoleBinding);
    assertThat(RbacCheck.missing(needed, granted)).as("needed but not granted").isEmpty();
    assertThat(RbacCheck.excess(needed, granted)).as("granted but never needed").isEmpty();
  }

  @Test
  void rbacCheckCatchesAMissingVerbAnExtraVerbAndAClusterWideLease() {
    RunArgs args = RunArgs.parse(container.getArgs());
    Set<Permission> needed =
        RbacCheck.needed(ControllerApiCalls.ALL, args.namespaces(), args.leaseNamespace());
    ClusterRole original = DeployTree.one(baseObjects, ClusterRole.class, "syncgate");

    ClusterRole tooLittle = original.toBuilder().build();
    tooLittle.getRules().removeIf(r -> r.getResources().contains("secrets"));
    assertThat(
            RbacCheck.missing(needed, RbacCheck.granted(replace(original, tooLittle), account())))
        .containsExactly("get core/secrets in all namespaces");

    ClusterRole tooMuch =
        original.toBuilder()
            .addToRules(
                new PolicyRuleBuilder()
                    .withApiGroups("")
                    .withResources("pods")
                    .withVerbs("delete")
                    .build())
            .addToRules(
                new PolicyRuleBuilder()
                    .withApiGroups("coordination.k8s.io")
                    .withResources("leases")
                    .withVerbs("get")
                    .build())
            .build();
    assertThat(RbacCheck.excess(needed, RbacCheck.granted(replace(original, tooMuch), account())))
        .containsExactly(
            "delete core/pods in all namespaces",
            "get coordination.k8s.io/leases in all namespaces");

    ClusterRole wildcard =
        original.toBuilder()
            .addToRules(
                new PolicyRuleBuilder()
                    .withApiGroups("")
                    .withResources("*")
                    .withVerbs("get")
                    .build())
            .build();
    assertThatThrownBy(() -> RbacCheck.granted(replace(original, wildcard), account()))
        .hasMessageContaining("wildcard");
  }

  // ------------------------------------------------------------------ helpers

  private Account account() {
    return new Account(deployment.getMetadata().getNamespace(), pod.getServiceAccountName());
  }

  private io.fabric8.kubernetes.api.model.rbac.Subject subject() {
    return new io.fabric8.kubernetes.api.model.rbac.SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(pod.getServiceAccountName())
        .withNamespace(deployment.getMetadata().getNamespace())
        .build();
  }

  /** The base with only the cluster-wide RBAC: the ClusterRole and its binding. */
  private List<HasMetadata> clusterRoleOnly() {
    return baseObjects.stream()
        .filter(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding)
        .toList();
  }

  private List<HasMetadata> replace(HasMetadata old, HasMetadata replacement) {
    return baseObjects.stream().map(o -> o == old ? replacement : o).toList();
  }

  /** The container port a probe or Service names, by name or number. */
  private int containerPort(IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
  }

  private static HTTPGetAction httpGet(Probe probe) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet()).isNotNull();
    return probe.getHttpGet();
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static java.math.BigDecimal bytes(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity);
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }
}
