package io.syncgate.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.syncgate.controller.deploy.DeployTree.RunArgs;
import io.syncgate.controller.deploy.RbacCheck.Account;
import io.syncgate.controller.deploy.RbacCheck.Permission;
import io.syncgate.controller.deploy.StrictManifests.Manifest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders deploy/ and the namespaced overlay with {@code kubectl kustomize} (what {@code kubectl
 * apply -k} applies), reads the output strictly and checks the RBAC of each install against the
 * controller's API calls. Needs kubectl on the PATH, no cluster; skipped without kubectl.
 */
class KustomizeBuildTest {

  static final long TIMEOUT_SECONDS = 60;

  static Path kubectl;

  @BeforeAll
  static void findKubectl() {
    kubectl = onPath("kubectl").orElse(null);
    Assumptions.assumeTrue(
        kubectl != null,
        "kubectl is not on the PATH: skipping the kustomize renderings of deploy/"
            + " (DeployManifestsTest still reads every file)");
  }

  @TempDir Path scratch;

  @Test
  void clusterWideInstallRendersEveryObjectAndGrantsExactlyWhatTheControllerCalls()
      throws Exception {
    List<Manifest> rendered = render(DeployTree.ROOT);
    List<HasMetadata> objects = DeployTree.objects(rendered);

    assertThat(kinds(rendered))
        .containsExactlyInAnyOrder(
            "Namespace",
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy");
    for (Manifest manifest : rendered) {
      assertThat(manifest.object().getMetadata().getLabels())
          .as(manifest.describe())
          .containsAllEntriesOf(DeployManifestsTest.SYNCGATE_LABELS);
    }
    Deployment deployment = DeployTree.one(objects, Deployment.class, "syncgate");
    assertThat(DeployTree.controllerContainer(deployment).getImage())
        .isEqualTo("syncgate:" + DeployTree.projectVersion());
    assertExactRbac(objects, deployment);
  }

  @Test
  void namespacedOverlayRendersWithoutClusterWideRbacAndWatchesItsNamespace() throws Exception {
    List<Manifest> rendered = render(DeployTree.NAMESPACED);
    List<HasMetadata> objects = DeployTree.objects(rendered);

    assertThat(kinds(rendered))
        .containsExactlyInAnyOrder(
            "Namespace",
            "ServiceAccount",
            // leader election in syncgate-system, the gates' rules in the watched namespace
            "Role",
            "Role",
            "RoleBinding",
            "RoleBinding",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy");
    Deployment deployment = DeployTree.one(objects, Deployment.class, "syncgate");
    RunArgs args = RunArgs.parse(DeployTree.controllerContainer(deployment).getArgs());
    Role role = DeployTree.one(objects, Role.class, "syncgate");
    assertThat(args.namespaces()).containsExactly(role.getMetadata().getNamespace());
    assertThat(args.leaseNamespace()).isEqualTo(deployment.getMetadata().getNamespace());
    assertExactRbac(objects, deployment);
  }

  private static void assertExactRbac(List<HasMetadata> objects, Deployment deployment) {
    RunArgs args = RunArgs.parse(DeployTree.controllerContainer(deployment).getArgs());
    Account account =
        new Account(
            deployment.getMetadata().getNamespace(),
            deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
    Set<Permission> needed =
        RbacCheck.needed(ControllerApiCalls.ALL, args.namespaces(), args.leaseNamespace());
    Set<Permission> granted = RbacCheck.granted(objects, account);

    assertThat(RbacCheck.missing(needed, granted)).as("needed but not granted").isEmpty();
    assertThat(RbacCheck.excess(needed, granted)).as("granted but never needed").isEmpty();
  }

  /** {@code kubectl kustomize dir}, which must succeed, read strictly. */
  private List<Manifest> render(Path dir) throws IOException, InterruptedException {
    Path out = scratch.resolve("out.yaml");
    Path err = scratch.resolve("err.txt");
    Process process =
        new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
      throw new AssertionError("kubectl kustomize " + dir + " did not finish in time");
    }
    assertThat(process.exitValue())
        .as("kubectl kustomize %s: %s", dir, Files.readString(err, StandardCharsets.UTF_8))
        .isZero();
    return StrictManifests.parse("kubectl kustomize " + dir, Files.readString(out));
  }

  private static List<String> kinds(List<Manifest> manifests) {
    return manifests.stream().map(m -> m.object().getKind()).collect(Collectors.toList());
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
