package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cel.common.CelValidationException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.syncgate.policy.SpecCases.SpecCase;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaGateModelTest {

  private static CrdAdmission server;

  @BeforeAll
  static void loadCrd() throws CelValidationException {
    server = CrdAdmission.load();
  }

  @Test
  void freshObjectsCarryTheContractDefaults() {
    ReplicaGateSpec spec = new ReplicaGateSpec();
    assertThat(spec.getSelector()).isNull();
    assertThat(spec.getMesh()).isNull();
    assertThat(spec.getPatroni().getPort()).isEqualTo(8008);
    assertThat(spec.getPatroni().getScheme()).isEqualTo("http");
    assertThat(spec.getPatroni().getTimeout()).isEqualTo("2s");
    assertThat(spec.getPatroni().getCredentialsSecret()).isNull();
    assertThat(spec.getPatroni().getAllowCredentialsOverHttp()).isFalse();
    assertThat(spec.getPatroni().getCaSecret()).isNull();
    assertThat(spec.getPatroni().getInsecureSkipHostnameVerification()).isFalse();
    assertThat(spec.getAdmission().getMaxLag()).isEqualTo("1Mi");
    assertThat(spec.getAdmission().getMaxLagTime()).isEqualTo("0s");
    assertThat(spec.getAdmission().getStableFor()).isEqualTo("10s");
    assertThat(spec.getAdmission().getRequireApproval()).isFalse();
    assertThat(spec.getRamp().getSteps()).containsExactly(10, 25, 50, 100);
    assertThat(spec.getRamp().getStepInterval()).isEqualTo("60s");
    assertThat(spec.getRamp().getPauseAt()).isNull();
    assertThat(spec.getRamp().getMaxLagGrowth()).isEqualTo("256Ki");
    assertThat(spec.getRamp().getMaxLagGrowthFor()).isEqualTo("10s");
    assertThat(spec.getEjection().getMaxLag()).isEqualTo("16Mi");
    assertThat(spec.getEjection().getMaxLagTime()).isEqualTo("0s");
    assertThat(spec.getEjection().getUnreachableFor()).isEqualTo("10s");
    assertThat(spec.getAnalysis()).isNull();
    assertThat(spec.getPollInterval()).isEqualTo("1s");
    assertThat(spec.getPaused()).isFalse();

    AnalysisSpec analysis = new AnalysisSpec();
    assertThat(analysis.getPrometheus()).isNull();
    assertThat(analysis.getChecks()).isNull();
    assertThat(analysis.getFailureLimit()).isEqualTo(3);
    assertThat(analysis.getOnFailure()).isEqualTo("StepBack");
    PrometheusSpec prometheus = new PrometheusSpec();
    assertThat(prometheus.getAddress()).isNull();
    assertThat(prometheus.getTimeout()).isEqualTo("5s");
    assertThat(prometheus.getCaSecret()).isNull();
    assertThat(prometheus.getCredentialsSecret()).isNull();
    assertThat(prometheus.getBearerTokenSecret()).isNull();
    assertThat(prometheus.getAllowCredentialsOverHttp()).isFalse();
    assertThat(prometheus.getInsecureSkipHostnameVerification()).isFalse();
    CheckSpec check = new CheckSpec();
    assertThat(check.getName()).isNull();
    assertThat(check.getQuery()).isNull();
    assertThat(check.getComparison()).isNull();
    assertThat(check.getThreshold()).isNull();
    assertThat(check.getInterval()).isEqualTo("30s");

    MeshSpec mesh = new MeshSpec();
    assertThat(mesh.getHost()).isNull();
    assertThat(mesh.getPort()).isEqualTo(5432);
    assertThat(mesh.getSubsetLabel()).isEqualTo("statefulset.kubernetes.io/pod-name");
    assertThat(mesh.getFallback()).isEqualTo("Primary");
    assertThat(mesh.getMaxConnectionDuration()).isNull();

    assertThat(new ReplicaGate().getSpec()).isEqualTo(new ReplicaGateSpec());
  }

  @Test
  void defaultStepsAreNotShared() {
    ReplicaGateSpec a = new ReplicaGateSpec();
    a.getRamp().getSteps().set(0, 5);
    assertThat(new ReplicaGateSpec().getRamp().getSteps()).containsExactly(10, 25, 50, 100);
  }

  @Test
  void explicitNullsTakeTheDefaultsAsOnTheApiServer() throws Exception {
    ReplicaGateSpec spec =
        SpecCases.STRICT_YAML.readValue(
            """
            patroni: {port: null, scheme: null, timeout: null, allowCredentialsOverHttp: null}
            admission: {requireApproval: null}
            ramp: {steps: null, pauseAt: null}
            ejection: {maxLag: null}
            pollInterval: null
            paused: null
            """,
            ReplicaGateSpec.class);
    assertThat(spec).isEqualTo(new ReplicaGateSpec());

    AnalysisSpec analysis =
        SpecCases.STRICT_YAML.readValue(
            """
            prometheus: {timeout: null, allowCredentialsOverHttp: null,
                         insecureSkipHostnameVerification: null}
            checks: [{interval: null}]
            failureLimit: null
            onFailure: null
            """,
            AnalysisSpec.class);
    AnalysisSpec defaults = new AnalysisSpec();
    defaults.setPrometheus(new PrometheusSpec());
    defaults.setChecks(List.of(new CheckSpec()));
    assertThat(analysis).isEqualTo(defaults);
  }

  static Stream<SpecCase> cases() {
    return SpecCases.all().stream();
  }

  /** The CRD's {@code default}s and the Java model's are the same values. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void javaDefaultsEqualCrdDefaults(SpecCase c) {
    Map<String, Object> byServer = server.defaulted(c.raw());
    Map<String, Object> byJava =
        SpecCases.STRICT_YAML.convertValue(c.parse(), new TypeReference<Map<String, Object>>() {});
    // fabric8's LabelSelector writes empty lists/maps the user never wrote; compare it as an
    // object.
    Object serverSelector = byServer.remove("selector");
    byJava.remove("selector");
    assertThat(byJava).isEqualTo(byServer);
    assertThat(c.parse().getSelector())
        .isEqualTo(SpecCases.STRICT_YAML.convertValue(serverSelector, LabelSelector.class));
  }

  @Test
  void equalsAndHashCodeFollowEveryField() {
    String yaml =
        """
        selector: {matchLabels: {app: pg}}
        patroni: {scheme: https, caSecret: {name: ca}, credentialsSecret: {name: auth}}
        mesh: {host: pg.db.svc.cluster.local, maxConnectionDuration: 10m}
        admission: {maxLagTime: 5s}
        ramp: {steps: [50, 100]}
        ejection: {maxLagTime: 20s}
        analysis:
          prometheus: {address: "https://prometheus:9090", caSecret: {name: ca},
                       credentialsSecret: {name: auth}}
          checks:
          - {name: errors, query: up, comparison: "<", threshold: 1.0}
        paused: true
        """;
    ReplicaGateSpec a = SpecCases.valid("", yaml).parse();
    ReplicaGateSpec b = SpecCases.valid("", yaml).parse();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.toString())
        .contains(
            "maxConnectionDuration=10m",
            "steps=[50, 100]",
            "address=https://prometheus:9090",
            "comparison=<");

    List<String> changes =
        List.of(
            "selector: {matchLabels: {app: other}}",
            "patroni: {port: 8009}",
            "patroni: {scheme: http}",
            "patroni: {timeout: 3s}",
            "patroni: {caSecret: {name: other}}",
            "patroni: {credentialsSecret: {name: other}}",
            "patroni: {allowCredentialsOverHttp: true}",
            "patroni: {insecureSkipHostnameVerification: true}",
            "mesh: {host: other.db.svc.cluster.local}",
            "mesh: {port: 5433}",
            "mesh: {subsetLabel: app}",
            "mesh: {fallback: AllReplicas}",
            "mesh: {maxConnectionDuration: 1m}",
            "admission: {maxLag: 2Mi}",
            "admission: {maxLagTime: 6s}",
            "admission: {stableFor: 11s}",
            "admission: {requireApproval: true}",
            "ramp: {pauseAt: [50]}",
            "analysis: null",
            "analysis: {prometheus: {address: 'https://other:9090'}}",
            "analysis: {prometheus: {timeout: 6s}}",
            "analysis: {prometheus: {caSecret: {name: other}}}",
            "analysis: {prometheus: {credentialsSecret: null, bearerTokenSecret: {name: t}}}",
            "analysis: {prometheus: {allowCredentialsOverHttp: true}}",
            "analysis: {prometheus: {insecureSkipHostnameVerification: true}}",
            "analysis: {checks: [{name: other, query: up, comparison: '<', threshold: 1.0}]}",
            "analysis: {checks: [{name: errors, query: down, comparison: '<', threshold: 1.0}]}",
            "analysis: {checks: [{name: errors, query: up, comparison: '>', threshold: 1.0}]}",
            "analysis: {checks: [{name: errors, query: up, comparison: '<', threshold: 2.0}]}",
            "analysis: {checks: [{name: errors, query: up, comparison: '<', threshold: 1.0,"
                + " interval: 1m}]}",
            "analysis: {failureLimit: 4}",
            "analysis: {onFailure: Abort}",
            "ramp: {steps: [100]}",
            "ramp: {stepInterval: 1m}",
            "ejection: {maxLag: 32Mi}",
            "ejection: {maxLagTime: 21s}",
            "ejection: {unreachableFor: 11s}",
            "pollInterval: 2s",
            "paused: false");
    for (String change : changes) {
      ReplicaGateSpec changed =
          SpecCases.STRICT_YAML.convertValue(
              SpecCases.mergePatch(SpecCases.readMap(yaml), SpecCases.readMap(change)),
              ReplicaGateSpec.class);
      assertThat(changed).as(change).isNotEqualTo(a);
    }
  }

  @Test
  void statusRoundTripsThroughYaml() throws Exception {
    String yaml =
        """
        apiVersion: syncgate.io/v1alpha1
        kind: ReplicaGate
        metadata: {name: hippo-reads, namespace: db, generation: 4}
        spec:
          selector: {matchLabels: {postgres-operator.crunchydata.com/cluster: hippo}}
          mesh: {host: hippo-replicas.db.svc.cluster.local}
        status:
          observedGeneration: 4
          leader: hippo-instance1-abcd-0
          timeline: 3
          serving: 2
          ramping: 1
          gated: 1
          replicas:
          - name: hippo-instance1-efgh-0
            phase: Ramping
            weight: 9
            step: 1
            lagBytes: 8192
            lagSeconds: 0.2
            since: "2026-11-28T16:00:00Z"
            reason: "admitted: lag 8 KiB <= 1 MiB for 10s"
          conditions:
          - type: Ready
            status: "True"
            reason: Reconciled
            message: routes written
            observedGeneration: 4
            lastTransitionTime: "2026-11-28T16:00:00Z"
        """;
    ReplicaGate gate = ExamplesTest.parseStrictly(yaml);
    ReplicaGateStatus status = gate.getStatus();
    assertThat(status.getLeader()).isEqualTo("hippo-instance1-abcd-0");
    assertThat(status.getReplicas()).hasSize(1);
    ReplicaStatus replica = status.getReplicas().get(0);
    assertThat(replica.getWeight()).isEqualTo(9);
    assertThat(replica.getLagBytes()).isEqualTo(8192L);
    assertThat(replica.getLagSeconds()).isEqualTo(0.2);
    Condition ready = status.getConditions().get(0);
    assertThat(ready.getType()).isEqualTo("Ready");
    assertThat(ready.getStatus()).isEqualTo("True");

    ReplicaGate again = ExamplesTest.parseStrictly(SpecCases.STRICT_YAML.writeValueAsString(gate));
    assertThat(again.getStatus()).isEqualTo(status).hasSameHashCodeAs(status);
    assertThat(again.getSpec()).isEqualTo(gate.getSpec());
    assertThat(again.getMetadata()).isEqualTo(gate.getMetadata());
  }
}
