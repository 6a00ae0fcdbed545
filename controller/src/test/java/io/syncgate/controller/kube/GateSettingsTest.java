package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.Violation;
import io.syncgate.policy.gating.Fallback;
import io.syncgate.policy.gating.GatePolicy;
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
