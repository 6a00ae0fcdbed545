package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CRD generated from the model, and the copy of it committed for {@code kubectl apply}. */
class CrdGenerationTest {

  /** The committed copy, relative to the module (the tests' working directory). */
  static final Path COMMITTED = Path.of("..", "deploy", "crds", "replicagates.syncgate.io.yaml");

  @Test
  void committedCrdIsTheGeneratedOne() throws IOException {
    assertThat(COMMITTED).as("committed CRD").exists();
    String committed = Files.readString(COMMITTED);
    assertThat(committed)
        .as(
            "deploy/crds/replicagates.syncgate.io.yaml differs from the CRD generated from the"
                + " model. Refresh it: mvn -pl mesh-policies process-classes && cp"
                + " mesh-policies/target/classes/"
                + GeneratedCrd.RESOURCE
                + " deploy/crds/replicagates.syncgate.io.yaml")
        .isEqualTo(GeneratedCrd.text());
  }

  @Test
  @SuppressWarnings("unchecked")
  void namesScopeAndVersion() {
    Map<String, Object> crd = GeneratedCrd.crd();
    assertThat(crd.get("apiVersion")).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(((Map<String, Object>) crd.get("metadata")).get("name"))
        .isEqualTo("replicagates.syncgate.io");
    Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
    assertThat(spec.get("group")).isEqualTo("syncgate.io");
    assertThat(spec.get("scope")).isEqualTo("Namespaced");
    assertThat((Map<String, Object>) spec.get("names"))
        .containsEntry("kind", "ReplicaGate")
        .containsEntry("plural", "replicagates")
        .containsEntry("singular", "replicagate")
        .containsEntry("shortNames", List.of("rgate"));
    Map<String, Object> version = GeneratedCrd.version();
    assertThat(version)
        .containsEntry("name", "v1alpha1")
        .containsEntry("served", true)
        .containsEntry("storage", true);
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusIsASubresource() {
    Map<String, Object> subresources =
        (Map<String, Object>) GeneratedCrd.version().get("subresources");
    assertThat(subresources).containsOnlyKeys("status");
  }

  @Test
  @SuppressWarnings("unchecked")
  void printerColumns() {
    List<Map<String, Object>> columns =
        (List<Map<String, Object>>) GeneratedCrd.version().get("additionalPrinterColumns");
    // fabric8 7.5.2 orders columns by jsonPath; kubectl shows them in that order.
    assertThat(columns)
        .extracting(c -> c.get("name") + " " + c.get("type") + " " + c.get("jsonPath"))
        .containsExactlyInAnyOrder(
            "Leader string .status.leader",
            "Serving integer .status.serving",
            "Ramping integer .status.ramping",
            "Gated integer .status.gated",
            "Rollout string .status.rollout",
            "Ready string .status.conditions[?(@.type==\"Ready\")].status",
            "Age date .metadata.creationTimestamp");
  }

  @Test
  @SuppressWarnings("unchecked")
  void requiredFieldsAndSingleFieldConstraints() {
    Map<String, Object> spec = GeneratedCrd.specSchema();
    assertThat((List<String>) spec.get("required")).containsExactlyInAnyOrder("selector", "mesh");
    Map<String, Object> mesh = StructuralSchema.schemaAt(spec, List.of("mesh"));
    assertThat((List<String>) mesh.get("required")).containsExactly("host");
    assertThat(StructuralSchema.schemaAt(spec, List.of("mesh", "host")))
        .containsEntry("minLength", 1);
    assertThat(StructuralSchema.schemaAt(spec, List.of("patroni", "port")))
        .containsEntry("minimum", 1.0)
        .containsEntry("maximum", 65535.0);
    assertThat(StructuralSchema.schemaAt(spec, List.of("patroni", "scheme")))
        .containsEntry("enum", List.of("http", "https"));
    assertThat(StructuralSchema.schemaAt(spec, List.of("mesh", "fallback")))
        .containsEntry("enum", List.of("AllReplicas", "Primary"));
    assertThat(StructuralSchema.schemaAt(spec, List.of("pollInterval")))
        .containsEntry("pattern", GoDuration.PATTERN);
    assertThat(StructuralSchema.schemaAt(spec, List.of("admission", "maxLag")))
        .containsEntry("pattern", ByteQuantity.PATTERN);
    Map<String, Object> expression =
        (Map<String, Object>)
            StructuralSchema.schemaAt(spec, List.of("selector", "matchExpressions")).get("items");
    assertThat((List<String>) expression.get("required")).containsExactly("key", "operator");
    assertThat(StructuralSchema.schemaAt(expression, List.of("operator")))
        .containsEntry("enum", List.of("DoesNotExist", "Exists", "In", "NotIn"));
    assertThat(StructuralSchema.schemaAt(expression, List.of("key")))
        .containsEntry("pattern", ReplicaGateValidator.LABEL_KEY);
    assertThat(
            (Map<String, Object>)
                StructuralSchema.schemaAt(spec, List.of("selector", "matchLabels"))
                    .get("additionalProperties"))
        .containsEntry("pattern", LabelSelectorRules.LABEL_VALUE)
        .containsEntry("maxLength", 63);
    Map<String, Object> steps = StructuralSchema.schemaAt(spec, List.of("ramp", "steps"));
    assertThat((Map<String, Object>) steps.get("items"))
        .containsEntry("minimum", 1.0)
        .containsEntry("maximum", 100.0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultsOfTheContract() {
    Map<String, Object> spec = GeneratedCrd.specSchema();
    Map<String, Object> defaulted =
        (Map<String, Object>)
            StructuralSchema.applyDefaults(SpecCases.readMap(SpecCases.BASE), spec);
    assertThat(defaulted)
        .isEqualTo(
            SpecCases.readMap(
                """
                selector:
                  matchLabels: {app: pg}
                patroni: {port: 8008, scheme: http, timeout: 2s, allowCredentialsOverHttp: false,
                          insecureSkipHostnameVerification: false}
                mesh:
                  host: pg-replicas.db.svc.cluster.local
                  port: 5432
                  subsetLabel: statefulset.kubernetes.io/pod-name
                  fallback: Primary
                admission: {maxLag: 1Mi, maxLagTime: 0s, stableFor: 10s, requireApproval: false, rejectGrowingLag: true}
                ramp: {steps: [10, 25, 50, 100], stepInterval: 60s, maxLagGrowth: 256Ki,
                       maxLagGrowthFor: 10s}
                ejection: {maxLag: 16Mi, maxLagTime: 0s, unreachableFor: 10s}
                pollInterval: 1s
                paused: false
                """));
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultsOfAnAnalysis() {
    Map<String, Object> spec = GeneratedCrd.specSchema();
    Map<String, Object> defaulted =
        (Map<String, Object>)
            StructuralSchema.applyDefaults(
                SpecCases.readMap(SpecCases.ANALYSIS), schemaOf("analysis"));
    assertThat(spec.get("required")).asList().doesNotContain("analysis");
    assertThat(schemaOf("analysis")).doesNotContainKey("default");
    assertThat(defaulted)
        .isEqualTo(
            SpecCases.readMap(
                """
                prometheus:
                  address: "http://prometheus-k8s.monitoring.svc:9090"
                  timeout: 5s
                  allowCredentialsOverHttp: false
                  insecureSkipHostnameVerification: false
                checks:
                - name: replication-errors
                  query: 'sum(rate(pg_replication_errors_total{namespace="{{namespace}}", pod="{{replica}}"}[1m]))'
                  comparison: "<"
                  threshold: 0.5
                  interval: 30s
                failureLimit: 3
                onFailure: StepBack
                """));
  }

  @Test
  @SuppressWarnings("unchecked")
  void analysisConstraints() {
    Map<String, Object> analysis = schemaOf("analysis");
    assertThat((List<String>) analysis.get("required"))
        .containsExactlyInAnyOrder("prometheus", "checks");
    assertThat(StructuralSchema.schemaAt(analysis, List.of("onFailure")))
        .containsEntry("enum", List.of("Abort", "StepBack"));
    assertThat(StructuralSchema.schemaAt(analysis, List.of("failureLimit")))
        .containsEntry("minimum", 1.0)
        .containsEntry("maximum", 100.0);
    assertThat(StructuralSchema.schemaAt(analysis, List.of("prometheus")).get("required"))
        .isEqualTo(List.of("address"));
    assertThat(StructuralSchema.schemaAt(analysis, List.of("prometheus", "address")))
        .containsEntry("pattern", PrometheusSpec.ADDRESS_PATTERN)
        .containsEntry("maxLength", 2048);
    Map<String, Object> checks = StructuralSchema.schemaAt(analysis, List.of("checks"));
    assertThat(checks).containsEntry("minItems", 1).containsEntry("maxItems", 20);
    Map<String, Object> check = (Map<String, Object>) checks.get("items");
    assertThat((List<String>) check.get("required"))
        .containsExactlyInAnyOrder("name", "query", "comparison", "threshold");
    assertThat(StructuralSchema.schemaAt(check, List.of("comparison")))
        .containsEntry("enum", List.of("<", "<=", ">", ">="));
    assertThat(StructuralSchema.schemaAt(check, List.of("threshold")))
        .containsEntry("type", "number");
    assertThat(StructuralSchema.schemaAt(check, List.of("name")))
        .containsEntry("pattern", ReplicaGateValidator.DNS_LABEL)
        .containsEntry("maxLength", 63);
    assertThat(StructuralSchema.schemaAt(check, List.of("query")))
        .containsEntry("minLength", 1)
        .containsEntry("maxLength", 4096);
    Map<String, Object> pauseAt =
        StructuralSchema.schemaAt(GeneratedCrd.specSchema(), List.of("ramp", "pauseAt"));
    assertThat(pauseAt).containsEntry("maxItems", 99).doesNotContainKey("default");
    assertThat((Map<String, Object>) pauseAt.get("items"))
        .containsEntry("minimum", 1.0)
        .containsEntry("maximum", 99.0);
  }

  private static Map<String, Object> schemaOf(String field) {
    return StructuralSchema.schemaAt(GeneratedCrd.specSchema(), List.of(field));
  }
}
