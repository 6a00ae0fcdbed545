package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example policies users {@code kubectl apply}: each parses strictly (an unknown or misspelt
 * field fails) and passes the validator. {@link CrdCelRulesTest} also runs them through the CRD.
 */
class ExamplesTest {

  /** The examples folder; tests run with the module as working directory. */
  static final Path EXAMPLES = Path.of("examples");

  static List<Path> exampleFiles() {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<String> examples() {
    return exampleFiles().stream().map(p -> p.getFileName().toString());
  }

  static ReplicaGate parseStrictly(String yaml) throws IOException {
    ReplicaGate gate = SpecCases.STRICT_YAML.readValue(yaml, ReplicaGate.class);
    List<String> unknown = unknownFields(gate);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown fields: " + unknown);
    }
    return gate;
  }

  /**
   * fabric8's own model classes keep unknown fields in additionalProperties instead of failing;
   * list them so they fail too.
   */
  static List<String> unknownFields(ReplicaGate gate) {
    List<String> out = new ArrayList<>();
    if (gate.getMetadata() != null) {
      gate.getMetadata().getAdditionalProperties().keySet().forEach(k -> out.add("metadata." + k));
    }
    var selector = gate.getSpec() == null ? null : gate.getSpec().getSelector();
    if (selector != null) {
      selector.getAdditionalProperties().keySet().forEach(k -> out.add("spec.selector." + k));
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        r.getAdditionalProperties()
            .keySet()
            .forEach(k -> out.add("spec.selector.matchExpressions[]." + k));
      }
    }
    return out;
  }

  @Test
  void theDocumentedExamplesAreThere() {
    assertThat(examples())
        .containsExactly(
            "canary-rollout.yaml",
            "crunchy-pgo-hippo.yaml",
            "fail-open-all-replicas.yaml",
            "strict-max-lag-time.yaml",
            "zalando-spilo-acid-minimal.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void parsesStrictlyAndIsValid(String file) throws IOException {
    ReplicaGate gate = parseStrictly(Files.readString(EXAMPLES.resolve(file)));

    assertThat(gate.getApiVersion()).isEqualTo("syncgate.io/v1alpha1");
    assertThat(gate.getKind()).isEqualTo("ReplicaGate");
    assertThat(gate.getMetadata().getName()).isNotBlank();
    assertThat(gate.getMetadata().getNamespace()).isNotBlank();
    // The whole gate: its namespace decides which mesh hosts it may name.
    assertThat(ReplicaGateValidator.validate(gate)).isEmpty();
  }

  /**
   * Read Services of known operators that select replica pods only, by name suffix, with the name
   * of the same cluster's primary Service: PGO's {@code <cluster>-replicas} and {@code
   * <cluster>-ha} (the ClusterIP Service Patroni points at the leader; {@code <cluster>-primary} is
   * headless), Spilo's {@code <cluster>-repl} and the master Service {@code <cluster>}.
   */
  private static final Map<String, UnaryOperator<String>> REPLICAS_ONLY =
      Map.of("-replicas", cluster -> cluster + "-ha", "-repl", cluster -> cluster);

  /** The Service a host names: its first DNS label. */
  private static String service(String host) {
    return host.split("\\.", 2)[0];
  }

  /**
   * The leader is not an endpoint of a replicas-only read Service, so a {@code Primary} fallback to
   * the leader's subset of it would route reads to nothing on the first failover: such an example
   * must send the fallback to the primary's own Service.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void aPrimaryFallbackOverAReplicasOnlyServiceUsesThePrimaryService(String file)
      throws IOException {
    MeshSpec mesh = example(file).getSpec().getMesh();
    if (FallbackMode.fromValue(mesh.getFallback()).orElseThrow() != FallbackMode.PRIMARY) {
      return;
    }
    String readService = service(mesh.getHost());
    for (var replicasOnly : REPLICAS_ONLY.entrySet()) {
      String suffix = replicasOnly.getKey();
      if (readService.endsWith(suffix)) {
        String cluster = readService.substring(0, readService.length() - suffix.length());
        assertThat(mesh.getPrimaryHost())
            .as("%s: mesh.host %s selects replicas only; mesh.primaryHost", file, mesh.getHost())
            .isNotNull();
        assertThat(service(mesh.getPrimaryHost()))
            .as("%s: the primary Service of cluster %s", file, cluster)
            .isEqualTo(replicasOnly.getValue().apply(cluster));
      }
    }
  }

  @Test
  void crunchyExampleGatesHippoOverHttps() throws IOException {
    ReplicaGateSpec spec = example("crunchy-pgo-hippo.yaml").getSpec();
    assertThat(spec.getSelector().getMatchLabels())
        .containsEntry("postgres-operator.crunchydata.com/cluster", "hippo");
    assertThat(spec.getMesh().getHost()).isEqualTo("hippo-replicas.db.svc.cluster.local");
    assertThat(spec.getMesh().getPrimaryHost()).isEqualTo("hippo-ha.db.svc.cluster.local");
    assertThat(spec.getPatroni().getScheme()).isEqualTo("https");
    assertThat(spec.getPatroni().getCaSecret()).isEqualTo(new SecretRef("hippo-cluster-cert"));
    assertThat(spec.getPatroni().getInsecureSkipHostnameVerification()).isTrue();
  }

  @Test
  void spiloExampleSelectsBySpiloLabelsAndPodName() throws IOException {
    ReplicaGateSpec spec = example("zalando-spilo-acid-minimal.yaml").getSpec();
    assertThat(spec.getSelector().getMatchLabels())
        .containsEntry("application", "spilo")
        .containsEntry("cluster-name", "acid-minimal-cluster");
    assertThat(spec.getMesh().getSubsetLabel()).isEqualTo("statefulset.kubernetes.io/pod-name");
    assertThat(spec.getMesh().getFallback()).isEqualTo(MeshSpec.DEFAULT_FALLBACK);
    assertThat(spec.getMesh().getPrimaryHost())
        .isEqualTo("acid-minimal-cluster.default.svc.cluster.local");
    // Everything it leaves out takes the contract's defaults.
    assertThat(spec.getAdmission()).isEqualTo(new AdmissionSpec());
    assertThat(spec.getRamp().getSteps()).containsExactly(10, 25, 50, 100);
  }

  @Test
  void strictExampleChecksLagInTime() throws IOException {
    ReplicaGateSpec spec = example("strict-max-lag-time.yaml").getSpec();
    assertThat(GoDuration.parse(spec.getAdmission().getMaxLagTime())).isPositive();
    assertThat(GoDuration.parse(spec.getEjection().getMaxLagTime()))
        .isGreaterThanOrEqualTo(GoDuration.parse(spec.getAdmission().getMaxLagTime()));
  }

  @Test
  void failOpenExampleFallsBackToAllReplicas() throws IOException {
    ReplicaGateSpec spec = example("fail-open-all-replicas.yaml").getSpec();
    assertThat(FallbackMode.fromValue(spec.getMesh().getFallback()))
        .contains(FallbackMode.ALL_REPLICAS);
  }

  @Test
  void aMisspeltSpecFieldFailsTheParse() throws IOException {
    String yaml = example("zalando-spilo-acid-minimal.yaml", "    subsetLabel:", "    subsetLabl:");
    assertThatThrownBy(() -> parseStrictly(yaml))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("subsetLabl");
  }

  @Test
  void anUnknownTopLevelFieldFailsTheParse() throws IOException {
    String yaml = example("zalando-spilo-acid-minimal.yaml", "spec:", "spce: {}\nspec:");
    assertThatThrownBy(() -> parseStrictly(yaml)).hasMessageContaining("spce");
  }

  @Test
  void anUnknownSelectorOrMetadataFieldFailsTheParse() throws IOException {
    String selector =
        example(
            "zalando-spilo-acid-minimal.yaml",
            "    matchLabels:",
            "    matchLabel: {}\n" + "    matchLabels:");
    assertThatThrownBy(() -> parseStrictly(selector))
        .hasMessageContaining("spec.selector.matchLabel");
    String metadata =
        example("zalando-spilo-acid-minimal.yaml", "  namespace: default", "  namespce: default");
    assertThatThrownBy(() -> parseStrictly(metadata)).hasMessageContaining("metadata.namespce");
  }

  private static ReplicaGate example(String file) throws IOException {
    return parseStrictly(Files.readString(EXAMPLES.resolve(file)));
  }

  /** The example's text with one line changed. */
  private static String example(String file, String line, String replacement) throws IOException {
    String text = Files.readString(EXAMPLES.resolve(file));
    assertThat(text).as("example %s has the line to change", file).contains(line);
    return text.replace(line, replacement);
  }
}
