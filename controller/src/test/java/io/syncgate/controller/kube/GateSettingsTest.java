package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.syncgate.policy.AnalysisOnFailure;
import io.syncgate.policy.AnalysisSpec;
import io.syncgate.policy.CheckSpec;
import io.syncgate.policy.PrometheusSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.Violation;
import io.syncgate.policy.gating.Fallback;
import io.syncgate.policy.gating.GatePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GateSettingsTest {

  private static ReplicaGate withUid(ReplicaGate gate) {
    gate.getMetadata().setUid("6f1c1d7e-0000-4000-8000-000000000001");
    return gate;
  }

  @Test
  void aMinimalSpecGetsTheDesignDefaults() {
    ReplicaGate gate =
        withUid(
            TestGates.gate(
                spec -> {
                  spec.setPatroni(null);
                  spec.setAdmission(null);
                  spec.setRamp(null);
                  spec.setEjection(null);
                  spec.setPollInterval(null);
                }));

    GateSettings.Parsed parsed = GateSettings.parse(gate);

    assertThat(parsed.valid()).isTrue();
    GateSettings settings = parsed.settings();
    assertThat(settings.policy()).isEqualTo(GatePolicy.defaults());
    assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.patroni())
        .isEqualTo(
            new GateSettings.PatroniSettings(
                "http", 8008, Duration.ofSeconds(2), null, null, true));
    assertThat(settings.target().host()).isEqualTo(TestGates.HOST);
    assertThat(settings.target().port()).isEqualTo(5432);
    assertThat(settings.target().gateUid()).isEqualTo("6f1c1d7e-0000-4000-8000-000000000001");
    assertThat(settings.target().maxConnectionDuration()).isNull();
    assertThat(settings.policy().requireApproval()).isFalse();
    assertThat(settings.policy().rejectGrowingLag()).isTrue();
    assertThat(settings.policy().stepInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.policy().maxLagGrowthBytesPerSecond()).isEqualTo(256L * 1024);
    assertThat(settings.policy().maxLagGrowthFor()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.policy().pauseAt()).isEmpty();
    assertThat(settings.policy().analysis()).isEqualTo(GatePolicy.Analysis.NONE);
    assertThat(settings.analysis()).isEmpty();
  }

  /** An analysis with every field set, two checks. */
  private static AnalysisSpec fullAnalysis() {
    PrometheusSpec prometheus = new PrometheusSpec();
    prometheus.setAddress("https://prometheus-k8s.monitoring.svc:9091/prom");
    prometheus.setTimeout("2s");
    prometheus.setCaSecret(new SecretRef("prom-ca"));
    prometheus.setBearerTokenSecret(new SecretRef("prom-token"));
    prometheus.setAllowCredentialsOverHttp(true);
    prometheus.setInsecureSkipHostnameVerification(true);
    AnalysisSpec analysis = new AnalysisSpec();
    analysis.setPrometheus(prometheus);
    analysis.setChecks(
        List.of(
            check("errors", "sum(rate(errors{pod=\"{{replica}}\"}[1m]))", "<", 0.5, null),
            check("lag", "max(pg_lag{namespace=\"{{namespace}}\"})", ">=", -2, "1m")));
    analysis.setFailureLimit(5);
    analysis.setOnFailure("Abort");
    return analysis;
  }

  private static CheckSpec check(
      String name, String query, String comparison, double threshold, String interval) {
    CheckSpec check = new CheckSpec();
    check.setName(name);
    check.setQuery(query);
    check.setComparison(comparison);
    check.setThreshold(threshold);
    check.setInterval(interval);
    return check;
  }

  @Test
  void approvalPausesAndAnalysisReachThePolicyAndTheAnalysisSettings() {
    ReplicaGate gate =
        withUid(
            TestGates.gate(
                spec -> {
                  spec.getAdmission().setRequireApproval(true);
                  spec.getAdmission().setRejectGrowingLag(false);
                  spec.getRamp().setMaxLagGrowth("0");
                  spec.getRamp().setMaxLagGrowthFor("1m");
                  spec.getRamp().setPauseAt(List.of(50, 10));
                  spec.setAnalysis(fullAnalysis());
                }));

    GateSettings.Parsed parsed = GateSettings.parse(gate);

    assertThat(parsed.violations()).isEmpty();
    GatePolicy policy = parsed.settings().policy();
    assertThat(policy.requireApproval()).isTrue();
    assertThat(policy.rejectGrowingLag()).isFalse();
    assertThat(policy.stepsBackOnLagGrowth()).isFalse();
    assertThat(policy.maxLagGrowthFor()).isEqualTo(Duration.ofMinutes(1));
    assertThat(policy.pauseAt()).containsExactly(50, 10);
    assertThat(policy.pausesAt(0)).isTrue();
    assertThat(policy.pausesAt(1)).isFalse();
    assertThat(policy.analysis())
        .isEqualTo(
            new GatePolicy.Analysis(List.of("errors", "lag"), 5, GatePolicy.OnFailure.ABORT));
    assertThat(parsed.settings().analysis())
        .contains(
            new GateSettings.AnalysisSettings(
                URI.create("https://prometheus-k8s.monitoring.svc:9091/prom"),
                Duration.ofSeconds(2),
                new SecretRef("prom-ca"),
                null,
                new SecretRef("prom-token"),
                true,
                false,
                List.of(
                    new GateSettings.CheckSpecParsed(
                        "errors",
                        "sum(rate(errors{pod=\"{{replica}}\"}[1m]))",
                        "<",
                        0.5,
                        Duration.ofSeconds(30)),
                    new GateSettings.CheckSpecParsed(
                        "lag",
                        "max(pg_lag{namespace=\"{{namespace}}\"})",
                        ">=",
                        -2,
                        Duration.ofMinutes(1)))));
  }

  @Test
  void anAnalysisWithItsDefaults() {
    AnalysisSpec analysis = new AnalysisSpec();
    PrometheusSpec prometheus = new PrometheusSpec();
    prometheus.setAddress("http://prometheus:9090");
    prometheus.setCredentialsSecret(new SecretRef("prom-auth"));
    prometheus.setAllowCredentialsOverHttp(true);
    analysis.setPrometheus(prometheus);
    analysis.setChecks(List.of(check("up", "up", ">", 0, null)));

    GateSettings settings =
        GateSettings.parse(withUid(TestGates.gate(spec -> spec.setAnalysis(analysis)))).settings();

    assertThat(settings.policy().analysis())
        .isEqualTo(new GatePolicy.Analysis(List.of("up"), 3, GatePolicy.OnFailure.STEP_BACK));
    GateSettings.AnalysisSettings parsed = settings.analysis().orElseThrow();
    assertThat(parsed.address()).isEqualTo(URI.create("http://prometheus:9090"));
    assertThat(parsed.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(parsed.caSecret()).isNull();
    assertThat(parsed.credentialsSecret()).isEqualTo(new SecretRef("prom-auth"));
    assertThat(parsed.bearerTokenSecret()).isNull();
    assertThat(parsed.allowCredentialsOverHttp()).isTrue();
    assertThat(parsed.verifyHostname()).isTrue();
    assertThat(parsed.checks())
        .containsExactly(
            new GateSettings.CheckSpecParsed("up", "up", ">", 0, Duration.ofSeconds(30)));
  }

  @Test
  void theSettingsShareNoMutableObjectWithTheGate() {
    ReplicaGate gate = withUid(TestGates.gate(spec -> spec.setAnalysis(fullAnalysis())));
    GateSettings settings = GateSettings.parse(gate).settings();

    gate.getSpec().getAnalysis().getPrometheus().getCaSecret().setName("changed");
    gate.getSpec().getAnalysis().getChecks().get(0).setQuery("changed");

    assertThat(settings.analysis().orElseThrow().caSecret()).isEqualTo(new SecretRef("prom-ca"));
    assertThat(settings.analysis().orElseThrow().checks().get(0).query()).isNotEqualTo("changed");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://prometheus",
        "https://prometheus-k8s.monitoring.svc:9090",
        "https://prometheus-k8s.monitoring.svc.cluster.local:9091/",
        "http://10.96.0.10:9090",
        "http://255.255.255.255:65535/a/b;c=d:e@f!$&'()*+,-._~",
        "https://Thanos.Example.COM/prometheus/api",
        "http://1prometheus.svc",
        "http://a"
      })
  void everyAddressTheSpecAdmitsIsAUriWithThatHostAndNothingElse(String address) {
    AnalysisSpec analysis = fullAnalysis();
    analysis.getPrometheus().setAddress(address);
    GateSettings.Parsed parsed =
        GateSettings.parse(withUid(TestGates.gate(spec -> spec.setAnalysis(analysis))));

    assertThat(parsed.violations()).isEmpty();
    URI uri = parsed.settings().analysis().orElseThrow().address();
    assertThat(uri.toString()).isEqualTo(address);
    assertThat(uri.getHost()).isEqualTo(address.replaceFirst("^https?://([^:/]+).*$", "$1"));
    assertThat(uri.getUserInfo()).isNull();
    assertThat(uri.getRawQuery()).isNull();
    assertThat(uri.getRawFragment()).isNull();
  }

  @Test
  void everyOnFailureOfTheSpecIsOneOfThePolicy() {
    for (AnalysisOnFailure action : AnalysisOnFailure.values()) {
      AnalysisSpec analysis = fullAnalysis();
      analysis.setOnFailure(action.value());
      GateSettings settings =
          GateSettings.parse(withUid(TestGates.gate(spec -> spec.setAnalysis(analysis))))
              .settings();
      assertThat(settings.policy().analysis().onFailure().displayName()).isEqualTo(action.value());
    }
  }

  @Test
  void aPauseAtNoStepIsAnInvalidSpecNamingTheEntry() {
    GateSettings.Parsed parsed =
        GateSettings.parse(
            withUid(
                TestGates.gate(
                    spec -> {
                      spec.getRamp().setSteps(List.of(20, 100));
                      spec.getRamp().setPauseAt(List.of(20, 25));
                    })));

    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.violations())
        .extracting(Violation::path)
        .containsExactly("spec.ramp.pauseAt[1]");
  }

  @Test
  void analysisCredentialsOverHttpAreAnInvalidSpec() {
    AnalysisSpec analysis = fullAnalysis();
    analysis.getPrometheus().setAddress("http://prometheus:9090");
    analysis.getPrometheus().setAllowCredentialsOverHttp(false);
    GateSettings.Parsed parsed =
        GateSettings.parse(withUid(TestGates.gate(spec -> spec.setAnalysis(analysis))));

    assertThat(parsed.violations())
        .extracting(Violation::path)
        .containsExactly("spec.analysis.prometheus.bearerTokenSecret");
  }

  @Test
  void everyFieldIsCarriedOver() {
    ReplicaGate gate =
        withUid(
            TestGates.gate(
                spec -> {
                  spec.getPatroni().setScheme("https");
                  spec.getPatroni().setPort(8443);
                  spec.getPatroni().setCredentialsSecret(new SecretRef("auth"));
                  spec.getPatroni().setCaSecret(new SecretRef("ca"));
                  spec.getPatroni().setInsecureSkipHostnameVerification(true);
                  spec.getMesh().setFallback("AllReplicas");
                  spec.getMesh().setMaxConnectionDuration("10m");
                  spec.getAdmission().setMaxLag("2Mi");
                  spec.getAdmission().setMaxLagTime("5s");
                  spec.getRamp().setSteps(List.of(20, 100));
                  spec.getRamp().setMaxRamping(1);
                  spec.getMesh().setPrimaryHost("hippo-ha");
                  spec.getEjection().setMaxLag("1Gi");
                  spec.setPaused(true);
                }));

    GateSettings settings = GateSettings.parse(gate).settings();

    assertThat(settings.patroni())
        .isEqualTo(
            new GateSettings.PatroniSettings(
                "https", 8443, Duration.ofMillis(300), "auth", "ca", false));
    assertThat(settings.policy().fallback()).isEqualTo(Fallback.ALL_REPLICAS);
    assertThat(settings.policy().admissionMaxLagBytes()).isEqualTo(2L << 20);
    assertThat(settings.policy().admissionMaxLagTime()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.policy().rampSteps()).containsExactly(20, 100);
    assertThat(settings.policy().ejectionMaxLagBytes()).isEqualTo(1L << 30);
    assertThat(settings.policy().paused()).isTrue();
    assertThat(settings.policy().maxRamping()).isEqualTo(1);
    assertThat(settings.target().maxConnectionDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.target().primaryHost()).isEqualTo("hippo-ha");
    assertThat(settings.endpointServices()).containsExactly("hippo-ha", "hippo-replicas");
    assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(200));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hippo-replicas",
        "hippo-replicas.db",
        "hippo-replicas.db.svc",
        "hippo-replicas.db.svc.cluster.local"
      })
  void aHostOfTheGatesNamespaceReachesTheMeshTargetAsWritten(String host) {
    GateSettings.Parsed parsed =
        GateSettings.parse(withUid(TestGates.gate(spec -> spec.getMesh().setHost(host))));

    assertThat(parsed.violations()).isEmpty();
    // Written as given: Istio resolves a short name in the VirtualService's namespace, the gate's.
    assertThat(parsed.settings().target().host()).isEqualTo(host);
  }

  @Test
  void aHostInAnotherNamespaceIsAnInvalidSpecNamingTheField() {
    GateSettings.Parsed parsed =
        GateSettings.parse(
            withUid(
                TestGates.gate(
                    spec -> spec.getMesh().setHost("billing-replicas.billing.svc.cluster.local"))));

    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.describeViolations())
        .isEqualTo(
            "spec.mesh.host: must name a Service of the gate's namespace \"db\": write"
                + " billing-replicas or billing-replicas.db.svc.cluster.local (was"
                + " \"billing-replicas.billing.svc.cluster.local\"); the VirtualService is"
                + " exported to the whole mesh and must not route another namespace's clients");
  }

  @Test
  void aSelectorTypoIsAnInvalidSpecInsteadOfAnInformerThatCannotBeBuilt() {
    GateSettings.Parsed parsed =
        GateSettings.parse(
            withUid(
                TestGates.gate(
                    spec ->
                        spec.getSelector()
                            .getMatchExpressions()
                            .add(
                                new LabelSelectorRequirementBuilder()
                                    .withKey("role")
                                    .withOperator("Equals")
                                    .withValues("replica")
                                    .build()))));

    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.describeViolations())
        .isEqualTo(
            "spec.selector.matchExpressions[0].operator: must be one of In, NotIn, Exists,"
                + " DoesNotExist (was \"Equals\")");
  }

  @Test
  void credentialsOverHttpAreAnInvalidSpecUnlessAllowed() {
    GateSettings.Parsed refused =
        GateSettings.parse(
            withUid(
                TestGates.gate(
                    spec -> spec.getPatroni().setCredentialsSecret(new SecretRef("auth")))));
    assertThat(refused.violations())
        .extracting(Violation::path)
        .containsExactly("spec.patroni.credentialsSecret");

    GateSettings.Parsed allowed =
        GateSettings.parse(
            withUid(
                TestGates.gate(
                    spec -> {
                      spec.getPatroni().setCredentialsSecret(new SecretRef("auth"));
                      spec.getPatroni().setAllowCredentialsOverHttp(true);
                    })));
    assertThat(allowed.settings().patroni().credentialsSecret()).isEqualTo("auth");
    assertThat(allowed.settings().patroni().scheme()).isEqualTo("http");
  }

  @Test
  void anInvalidSpecGivesEveryViolationAndNoSettings() {
    ReplicaGate gate =
        withUid(
            TestGates.gate(
                spec -> {
                  spec.getRamp().setSteps(List.of(50, 25, 100));
                  spec.getEjection().setMaxLag("512Ki");
                  spec.getMesh().setHost("");
                }));

    GateSettings.Parsed parsed = GateSettings.parse(gate);

    assertThat(parsed.valid()).isFalse();
    assertThat(parsed.violations())
        .extracting(Violation::path)
        .contains("spec.mesh.host", "spec.ejection.maxLag")
        .anyMatch(path -> path.startsWith("spec.ramp.steps"));
    assertThat(parsed.describeViolations()).contains("spec.ejection.maxLag: must be >=");
  }
}
