package io.syncgate.controller.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.syncgate.controller.cli.SyncgateCommand;
import io.syncgate.controller.deploy.StrictManifests.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** The deploy/ directory of this repository and what its manifests say. */
final class DeployTree {

  /** deploy/, seen from the controller module (Maven runs tests there). */
  static final Path ROOT = Path.of("..", "deploy").toAbsolutePath().normalize();

  static final Path BASE = ROOT.resolve("base");
  static final Path CRDS = ROOT.resolve("crds");
  static final Path NAMESPACED = ROOT.resolve("overlays").resolve("namespaced");

  private DeployTree() {}

  /** Every YAML file under {@code dir}, sorted. */
  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir.toString(), e);
    }
  }

  static boolean isKustomization(Path file) {
    String name = file.getFileName().toString();
    return name.equals("kustomization.yaml")
        || name.equals("kustomization.yml")
        || name.equals("Kustomization");
  }

  /** The Kubernetes objects of every non-kustomization YAML file under {@code dir}. */
  static List<Manifest> manifests(Path dir) {
    return yamlFiles(dir).stream()
        .filter(f -> !isKustomization(f))
        .flatMap(f -> StrictManifests.parse(f).stream())
        .toList();
  }

  static List<HasMetadata> objects(List<Manifest> manifests) {
    return manifests.stream().map(Manifest::object).toList();
  }

  /** The one object of {@code type} named {@code name}. */
  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    List<T> found =
        objects.stream()
            .filter(type::isInstance)
            .map(type::cast)
            .filter(o -> o.getMetadata().getName().equals(name))
            .toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + " " + name + ", found " + found.size());
    }
    return found.get(0);
  }

  /** What one install puts in the cluster, and its controller Deployment. */
  record Install(List<HasMetadata> objects, Deployment deployment) {}

  /** The cluster-wide install's controller objects (base/; the CRD grants nothing). */
  static Install clusterWideInstall() {
    List<HasMetadata> objects = objects(manifests(BASE));
    return new Install(objects, one(objects, Deployment.class, "syncgate"));
  }

  /**
   * The namespaced overlay applied to base/ the way kustomize applies it, for checks that must not
   * depend on kubectl: its resources added, the objects its {@code $patch: delete} patches name
   * removed, its JSON-patch arguments appended to the controller's. {@link #addedArgs} and {@link
   * #deletedObjects} fail on any patch of another shape, so nothing is silently left out.
   */
  static Install namespacedInstall() {
    JsonNode kustomization =
        single(StrictManifests.documents(NAMESPACED.resolve("kustomization.yaml")));
    List<String> deleted = deletedObjects(kustomization);
    List<HasMetadata> objects = new ArrayList<>();
    Deployment deployment = null;
    for (HasMetadata object : objects(manifests(BASE))) {
      if (deleted.contains(object.getKind() + "/" + object.getMetadata().getName())) {
        continue;
      }
      if (object instanceof Deployment base) {
        deployment = new DeploymentBuilder(base).build();
        controllerContainer(deployment).getArgs().addAll(addedArgs(kustomization));
        object = deployment;
      }
      objects.add(object);
    }
    objects.addAll(objects(manifests(NAMESPACED)));
    return new Install(objects, deployment);
  }

  /** The values of an overlay's JSON patches that append to the controller container's args. */
  static List<String> addedArgs(JsonNode kustomization) {
    List<String> out = new ArrayList<>();
    for (JsonNode patch : kustomization.path("patches")) {
      if (!patch.has("target")) {
        continue;
      }
      if (!patch.path("target").path("kind").asText().equals("Deployment")) {
        throw new AssertionError("a JSON patch of something else than the Deployment: " + patch);
      }
      for (JsonNode op : single(StrictManifests.documents(patch.path("patch").asText()))) {
        if (!op.path("op").asText().equals("add")
            || !op.path("path").asText().equals("/spec/template/spec/containers/0/args/-")) {
          throw new AssertionError("a JSON patch op other than appending an argument: " + op);
        }
        out.add(op.path("value").asText());
      }
    }
    return out;
  }

  /** Kind/name of what an overlay's strategic-merge patches delete. */
  static List<String> deletedObjects(JsonNode kustomization) {
    List<String> out = new ArrayList<>();
    for (JsonNode patch : kustomization.path("patches")) {
      if (patch.has("target")) {
        continue;
      }
      JsonNode body = single(StrictManifests.documents(patch.path("patch").asText()));
      if (!body.path("$patch").asText().equals("delete")) {
        throw new AssertionError("a strategic-merge patch other than a delete: " + body);
      }
      out.add(body.path("kind").asText() + "/" + body.path("metadata").path("name").asText());
    }
    return out;
  }

  private static <T> T single(List<T> items) {
    if (items.size() != 1) {
      throw new AssertionError("expected one document, found " + items.size());
    }
    return items.get(0);
  }

  /** The controller's container in its Deployment. */
  static Container controllerContainer(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("syncgate"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named syncgate"));
  }

  /** The project version, from the parent POM: the image tag the manifests must name. */
  static String projectVersion() {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      var pom = factory.newDocumentBuilder().parse(ROOT.resolveSibling("pom.xml").toFile());
      var children = pom.getDocumentElement().getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        if (children.item(i).getNodeName().equals("version")) {
          return children.item(i).getTextContent().strip();
        }
      }
      throw new IllegalStateException("no <version> in the parent POM");
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the parent POM's version", e);
    }
  }

  /**
   * How {@code syncgate} reads the container's args: picocli's own parse, so a flag the command
   * does not have fails here exactly as it would fail in the pod.
   */
  record RunArgs(List<String> namespaces, String leaseNamespace, int metricsPort, boolean elect) {

    static RunArgs parse(List<String> args) {
      ParseResult result =
          new CommandLine(new SyncgateCommand()).parseArgs(args.toArray(String[]::new));
      if (!result.hasSubcommand() || !result.subcommand().commandSpec().name().equals("run")) {
        throw new AssertionError("the container does not run `syncgate run`: " + args);
      }
      CommandSpec run = result.subcommand().commandSpec();
      List<String> namespaces = run.findOption("--namespace").getValue();
      return new RunArgs(
          namespaces == null ? List.of() : List.copyOf(namespaces),
          run.findOption("--lease-namespace").getValue(),
          run.findOption("--metrics-port").<Integer>getValue(),
          run.findOption("--leader-elect").<Boolean>getValue());
    }
  }
}
