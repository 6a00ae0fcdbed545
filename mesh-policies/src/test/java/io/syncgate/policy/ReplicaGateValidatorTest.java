package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.syncgate.policy.SpecCases.SpecCase;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicaGateValidatorTest {

  static Stream<SpecCase> invalidCases() {
    return SpecCases.all().stream().filter(c -> !c.valid());
  }

  static Stream<SpecCase> validCases() {
    return SpecCases.all().stream().filter(SpecCase::valid);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void namesTheFieldThatBreaksARule(SpecCase c) {
    List<Violation> violations = ReplicaGateValidator.validate(c.parse());
    assertThat(violations)
        .as("%s", c.name())
        .isNotEmpty()
        .allMatch(v -> CrdCelRulesTest.under(v.path(), c.invalidAt()), "at " + c.invalidAt())
        .allMatch(v -> !v.message().isBlank(), "with a message");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validCases")
  void acceptsValidSpecs(SpecCase c) {
    assertThat(ReplicaGateValidator.validate(c.parse())).isEmpty();
  }

  private static List<Violation> violationsOf(String patch) {
    return ReplicaGateValidator.validate(SpecCases.valid("", patch).parse());
  }

  @Test
  void stepsNotIncreasingNameTheStep() {
    assertThat(violationsOf("ramp: {steps: [10, 50, 25, 100]}"))
        .containsExactly(
            new Violation(
                "spec.ramp.steps[2]",
                "steps must be strictly increasing: 25 does not exceed the step before it, 50"));
  }

  @Test
  void stepOutOfRangeNamesTheStep() {
    assertThat(violationsOf("ramp: {steps: [0, 50, 100]}"))
        .containsExactly(new Violation("spec.ramp.steps[0]", "must be in 1..100 (was 0)"));
    assertThat(violationsOf("ramp: {steps: [50, 100, 150]}"))
        .containsExactly(
            new Violation("spec.ramp.steps[2]", "must be in 1..100 (was 150)"),
            new Violation("spec.ramp.steps[2]", "the last step must be 100 (was 150)"));
  }

  @Test
  void lastStepMustBe100() {
    assertThat(violationsOf("ramp: {steps: [10, 50, 90]}"))
        .containsExactly(new Violation("spec.ramp.steps[2]", "the last step must be 100 (was 90)"));
  }

  @Test
  void emptyAndNullSteps() {
    assertThat(violationsOf("ramp: {steps: []}"))
        .containsExactly(new Violation("spec.ramp.steps", "must not be empty: at least [100]"));
    assertThat(violationsOf("ramp: {steps: [10, null, 100]}"))
        .containsExactly(new Violation("spec.ramp.steps[1]", "must be a number in 1..100"));
  }

  @Test
  void ejectionLagBelowAdmissionLagCountsDefaults() {
    assertThat(violationsOf("admission: {maxLag: 32Mi}"))
        .containsExactly(
            new Violation(
                "spec.ejection.maxLag",
                "must be >= admission.maxLag (16Mi < 32Mi): a replica would be ejected at a lag it"
                    + " is admitted at"));
  }

  @Test
  void ejectionLagTimeBelowAdmissionLagTime() {
    assertThat(violationsOf("admission: {maxLagTime: 30s}\nejection: {maxLagTime: 10s}"))
        .containsExactly(
            new Violation(
                "spec.ejection.maxLagTime",
                "must be >= admission.maxLagTime when both are set (10s < 30s)"));
  }

  @Test
  void pollIntervalFloor() {
    assertThat(violationsOf("pollInterval: 99ms"))
        .containsExactly(new Violation("spec.pollInterval", "must be at least 100ms (was 99ms)"));
  }

  @Test
  void unreachableForFloor() {
    assertThat(violationsOf("ejection: {unreachableFor: 0s}"))
        .containsExactly(
            new Violation(
                "spec.ejection.unreachableFor",
                "must be at least 1s (was 0s): a replica must not be ejected the moment one poll"
                    + " fails"));
  }

  @Test
  void pollIntervalCeiling() {
    assertThat(violationsOf("pollInterval: 5m1s"))
        .containsExactly(
            new Violation(
                "spec.pollInterval",
                "must be at most 5m (was 5m1s): a gate that polls less often notices lag too late"
                    + " to protect reads"));
  }

  @Test
  void credentialsOverHttpNeedTheOptIn() {
    String refusal =
        "would send Patroni's username and password in clear text over http: set scheme https"
            + " (with caSecret), or allowCredentialsOverHttp: true to accept that";
    assertThat(violationsOf("patroni: {credentialsSecret: {name: pg-auth}}"))
        .containsExactly(new Violation("spec.patroni.credentialsSecret", refusal));
    assertThat(
            violationsOf(
                "patroni: {credentialsSecret: {name: pg-auth}, allowCredentialsOverHttp: false}"))
        .containsExactly(new Violation("spec.patroni.credentialsSecret", refusal));
    assertThat(
            violationsOf(
                "patroni: {credentialsSecret: {name: pg-auth}, allowCredentialsOverHttp: true}"))
        .isEmpty();
    assertThat(violationsOf("patroni: {scheme: https, credentialsSecret: {name: pg-auth}}"))
        .isEmpty();
  }

  @Test
  void skippingHostnameVerificationNeedsACa() {
    assertThat(violationsOf("patroni: {scheme: https, insecureSkipHostnameVerification: true}"))
        .containsExactly(
            new Violation(
                "spec.patroni.insecureSkipHostnameVerification",
                "requires caSecret: the certificate chain must be verified against the CA it names"
                    + " when the host name is not verified"));
    assertThat(
            violationsOf(
                "patroni: {scheme: https, caSecret: {name: pg-ca},"
                    + " insecureSkipHostnameVerification: true}"))
        .isEmpty();
  }

  @Test
  void pauseAtNamesTheEntryNotAStepBelow100() {
    assertThat(violationsOf("ramp: {pauseAt: [25, 30, 100]}"))
        .containsExactly(
            new Violation(
                "spec.ramp.pauseAt[1]",
                "must be one of steps [10, 25, 50, 100] below 100 (was 30): a replica pauses only"
                    + " at a step it reaches, and 100 is no pause"),
            new Violation(
                "spec.ramp.pauseAt[2]",
                "must be one of steps [10, 25, 50, 100] below 100 (was 100): a replica pauses only"
                    + " at a step it reaches, and 100 is no pause"));
    assertThat(violationsOf("ramp: {steps: [20, 100], pauseAt: [20, 25]}"))
        .extracting(Violation::path)
        .containsExactly("spec.ramp.pauseAt[1]");
  }

  @Test
  void pauseAtRepeatedNamesTheRepeat() {
    assertThat(violationsOf("ramp: {pauseAt: [25, 50, 25]}"))
        .containsExactly(
            new Violation("spec.ramp.pauseAt[2]", "repeats step 25 of spec.ramp.pauseAt[0]"));
  }

  @Test
  void analysisIsOptionalAndItsFieldsAreRequired() {
    assertThat(violationsOf(SpecCases.analysis("{}"))).isEmpty();
    assertThat(violationsOf("analysis: {}"))
        .containsExactly(
            new Violation(
                "spec.analysis.prometheus", "is required: the Prometheus server the checks query"),
            new Violation("spec.analysis.checks", "is required: at least one check"));
    assertThat(
            violationsOf(
                SpecCases.check(
                    "{name: null, query: null, comparison: null," + " threshold: null}")))
        .containsExactly(
            new Violation("spec.analysis.checks[0].name", "is required: the check's name"),
            new Violation("spec.analysis.checks[0].query", "is required: the PromQL query"),
            new Violation("spec.analysis.checks[0].comparison", "is required: one of <, <=, >, >="),
            new Violation(
                "spec.analysis.checks[0].threshold",
                "is required: the number results are compared with"));
  }

  @Test
  void prometheusAddressRules() {
    assertThat(violationsOf(SpecCases.prometheus("{address: 'https://admin:pw@prometheus'}")))
        .containsExactly(
            new Violation(
                "spec.analysis.prometheus.address",
                "must be an http:// or https:// URL of a host name or IPv4 address, an optional"
                    + " port 1..65535 and an optional path without percent escapes; no user info,"
                    + " query or fragment; such as http://prometheus-k8s.monitoring.svc:9090 (was"
                    + " \"https://admin:pw@prometheus\")"));
    assertThat(violationsOf(SpecCases.prometheus("{address: 'http://p/" + "a".repeat(2040) + "'}")))
        .containsExactly(
            new Violation("spec.analysis.prometheus.address", "must be at most 2048 characters"));
    for (String address :
        List.of(
            "http://prometheus",
            "https://prometheus-k8s.monitoring.svc:9090",
            "http://10.96.0.10:9090/",
            "https://thanos.example.com/prometheus/api")) {
      assertThat(violationsOf(SpecCases.prometheus("{address: '" + address + "'}")))
          .as(address)
          .isEmpty();
    }
  }

  @Test
  void prometheusCredentialsOverHttpNeedTheOptInAndOneKindOnly() {
    assertThat(
            violationsOf(
                SpecCases.prometheus(
                    "{credentialsSecret: {name: auth}, bearerTokenSecret: {name: token}}")))
        .containsExactly(
            new Violation(
                "spec.analysis.prometheus.credentialsSecret",
                "would send the username and password in clear text over http: use an https"
                    + " address (with caSecret), or allowCredentialsOverHttp: true to accept"
                    + " that"),
            new Violation(
                "spec.analysis.prometheus.bearerTokenSecret",
                "must not be set with credentialsSecret: Prometheus is sent one kind of"
                    + " credentials, basic auth or a bearer token"),
            new Violation(
                "spec.analysis.prometheus.bearerTokenSecret",
                "would send the token in clear text over http: use an https address (with"
                    + " caSecret), or allowCredentialsOverHttp: true to accept that"));
    assertThat(
            violationsOf(
                SpecCases.prometheus(
                    "{address: 'https://prometheus', bearerTokenSecret: {name: token}}")))
        .isEmpty();
    assertThat(
            violationsOf(
                SpecCases.prometheus(
                    "{bearerTokenSecret: {name: token}, allowCredentialsOverHttp: true}")))
        .isEmpty();
  }

  @Test
  void prometheusTimeoutAndCheckIntervalRanges() {
    assertThat(violationsOf(SpecCases.prometheus("{timeout: 2m}")))
        .containsExactly(
            new Violation("spec.analysis.prometheus.timeout", "must be in 100ms..1m (was 2m)"));
    assertThat(violationsOf(SpecCases.check("{interval: 500ms}")))
        .containsExactly(
            new Violation("spec.analysis.checks[0].interval", "must be in 1s..10m (was 500ms)"));
  }

  @Test
  void checkNamesAreUniqueDnsLabels() {
    assertThat(
            violationsOf(
                SpecCases.checks(
                    List.of(
                        SpecCases.manyChecks(1).get(0),
                        SpecCases.readMap(
                            "{name: Errors, query: up, comparison: '<', threshold: 1.0}"),
                        SpecCases.manyChecks(1).get(0)))))
        .containsExactly(
            new Violation(
                "spec.analysis.checks[1].name",
                "must be a DNS label (lowercase letters, digits and '-', starting and ending with a"
                    + " letter or digit) such as replication-errors (was \"Errors\")"),
            new Violation(
                "spec.analysis.checks[2].name",
                "repeats the name of spec.analysis.checks[0]: \"c0\""));
  }

  @Test
  void aThresholdMustBeFinite() {
    // JSON, and so the API server, has no infinities and no NaN: only Java callers can set them.
    ReplicaGateSpec spec = SpecCases.valid("", SpecCases.analysis("{}")).parse();
    CheckSpec check = spec.getAnalysis().getChecks().get(0);
    check.setThreshold(Double.POSITIVE_INFINITY);
    assertThat(ReplicaGateValidator.validate(spec))
        .containsExactly(
            new Violation(
                "spec.analysis.checks[0].threshold", "must be a finite number (was Infinity)"));
    check.setThreshold(Double.NaN);
    assertThat(ReplicaGateValidator.validate(spec))
        .containsExactly(
            new Violation(
                "spec.analysis.checks[0].threshold", "must be a finite number (was NaN)"));
  }

  @Test
  void failureLimitAndOnFailure() {
    assertThat(violationsOf(SpecCases.analysis("{failureLimit: 0, onFailure: Rollback}")))
        .containsExactly(
            new Violation("spec.analysis.failureLimit", "must be in 1..100 (was 0)"),
            new Violation(
                "spec.analysis.onFailure", "must be one of StepBack, Abort (was \"Rollback\")"));
  }

  @Test
  void selectorExpressionsNameTheExpressionAndItsField() {
    assertThat(
            violationsOf(
                """
                selector:
                  matchExpressions:
                  - {key: app, operator: in, values: [pg]}
                  - {key: app, operator: In}
                  - {key: app, operator: Exists, values: [pg]}
                  - {operator: DoesNotExist}
                  - {key: pg cluster, values: [pg, -pg]}
                """))
        .containsExactly(
            new Violation(
                "spec.selector.matchExpressions[0].operator",
                "must be one of In, NotIn, Exists, DoesNotExist (was \"in\")"),
            new Violation(
                "spec.selector.matchExpressions[1].values",
                "must list at least one value for operator In"),
            new Violation(
                "spec.selector.matchExpressions[2].values",
                "must be empty for operator Exists: it tests whether the label is there, not its"
                    + " value"),
            new Violation(
                "spec.selector.matchExpressions[3].key",
                "is required: the label key the expression tests"),
            new Violation(
                "spec.selector.matchExpressions[4].key",
                "must be a label key: an optional DNS subdomain prefix of at most 253 characters"
                    + " and '/', then a name of 1..63 letters, digits, '-', '_' or '.' that starts"
                    + " and ends with a letter or digit (was \"pg cluster\")"),
            new Violation(
                "spec.selector.matchExpressions[4].operator",
                "is required: one of In, NotIn, Exists, DoesNotExist"),
            new Violation(
                "spec.selector.matchExpressions[4].values[1]",
                "must be a label value: empty, or 1..63 letters, digits, '-', '_' or '.' that"
                    + " start and end with a letter or digit (was \"-pg\")"));
  }

  @Test
  void matchLabelsNameTheEntry() {
    assertThat(violationsOf("selector: {matchLabels: {app: null, pg cluster: hippo, tier: a b}}"))
        .extracting(Violation::toString)
        .containsExactly(
            "spec.selector.matchLabels: key \"pg cluster\" is not a label key: expected an"
                + " optional DNS subdomain prefix of at most 253 characters and '/', then a name"
                + " of 1..63 letters, digits, '-', '_' or '.' that starts and ends with a letter or"
                + " digit",
            "spec.selector.matchLabels: value \"a b\" of \"tier\" is not a label value:"
                + " expected empty, or 1..63 letters, digits, '-', '_' or '.' that start and end"
                + " with a letter or digit");
  }

  @Test
  void labelKeyPrefixIsAtMost253Characters() {
    String name = "/app";
    assertThat(violationsOf("selector: {matchLabels: {" + SpecCases.dnsName(253) + name + ": pg}}"))
        .isEmpty();
    assertThat(violationsOf("selector: {matchLabels: {" + SpecCases.dnsName(254) + name + ": pg}}"))
        .extracting(Violation::path)
        .containsExactly("spec.selector.matchLabels");
  }

  private static ReplicaGate gateIn(String namespace, String host) {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace(namespace);
    gate.getMetadata().setName("pg-reads");
    gate.setSpec(SpecCases.valid("", "mesh: {host: " + host + "}").parse());
    return gate;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pg-replicas",
        "pg-replicas.db",
        "pg-replicas.db.svc",
        "pg-replicas.db.svc.cluster.local",
        "pg-replicas.db.svc.corp.example"
      })
  void meshHostMayNameAServiceOfTheGatesNamespace(String host) {
    assertThat(ReplicaGateValidator.validate(gateIn("db", host))).isEmpty();
  }

  @Test
  void meshHostMustNotNameAnotherNamespace() {
    assertThat(ReplicaGateValidator.validate(gateIn("db", "pg-replicas.other.svc.cluster.local")))
        .containsExactly(
            new Violation(
                "spec.mesh.host",
                "must name a Service of the gate's namespace \"db\": write pg-replicas or"
                    + " pg-replicas.db.svc.cluster.local (was"
                    + " \"pg-replicas.other.svc.cluster.local\"); the VirtualService is exported"
                    + " to the whole mesh and must not route another namespace's clients"));
    assertThat(ReplicaGateValidator.validate(gateIn("db", "pg-replicas.other.svc.corp.example")))
        .singleElement()
        .extracting(Violation::message)
        .asString()
        .contains("write pg-replicas or pg-replicas.db.svc.corp.example (was");
    for (String host : List.of("pg-replicas.other", "pg-replicas.db.cluster.local", "db.example")) {
      assertThat(ReplicaGateValidator.validate(gateIn("db", host)))
          .as(host)
          .extracting(Violation::path)
          .containsExactly("spec.mesh.host");
    }
  }

  @Test
  void theSpecAloneCannotTellTheHostsNamespace() {
    // What the API server checks: CEL does not see metadata.namespace.
    assertThat(
            ReplicaGateValidator.validate(
                gateIn("db", "pg-replicas.other.svc.cluster.local").getSpec()))
        .isEmpty();
  }

  @Test
  void aGateWithoutNamespaceIsRefused() {
    assertThat(ReplicaGateValidator.validate(gateIn(null, "pg-replicas")))
        .containsExactly(
            new Violation(
                "metadata.namespace",
                "is required: spec.mesh.host must name a Service of the gate's namespace"));
  }

  @Test
  void meshHostRules() {
    assertThat(violationsOf("mesh: {host: \"\"}"))
        .containsExactly(new Violation("spec.mesh.host", "must not be empty"));
    assertThat(violationsOf("mesh: {host: null}"))
        .containsExactly(
            new Violation("spec.mesh.host", "is required: the read host clients connect to"));
    assertThat(violationsOf("mesh: {host: Hippo_Replicas}"))
        .containsExactly(
            new Violation(
                "spec.mesh.host",
                "must be a lowercase DNS name such as hippo-replicas.db.svc.cluster.local (was"
                    + " \"Hippo_Replicas\")"));
  }

  @Test
  void selectorRules() {
    assertThat(violationsOf("selector: null"))
        .containsExactly(
            new Violation("spec.selector", "is required: the labels of the Patroni member pods"));
    assertThat(violationsOf("selector: {matchLabels: null}"))
        .containsExactly(
            new Violation(
                "spec.selector", "must not be empty: it would select every pod in the namespace"));
  }

  @Test
  void enumsAndPorts() {
    assertThat(violationsOf("patroni: {scheme: ftp, port: 0}"))
        .containsExactly(
            new Violation("spec.patroni.port", "must be a port in 1..65535 (was 0)"),
            new Violation("spec.patroni.scheme", "must be one of http, https (was \"ftp\")"));
    assertThat(violationsOf("mesh: {fallback: Leader, port: 65536}"))
        .containsExactly(
            new Violation("spec.mesh.port", "must be a port in 1..65535 (was 65536)"),
            new Violation(
                "spec.mesh.fallback", "must be one of Primary, AllReplicas (was \"Leader\")"));
  }

  @Test
  void garbageDurationsAndQuantitiesCarryTheParserMessage() {
    assertThat(violationsOf("admission: {stableFor: soon, maxLag: lots}"))
        .containsExactly(
            new Violation(
                "spec.admission.maxLag",
                "invalid size \"lots\": expected a Kubernetes quantity such as \"0\", \"512Ki\","
                    + " \"1Mi\" or \"16Mi\""),
            new Violation(
                "spec.admission.stableFor",
                "invalid duration \"soon\": expected a Go-style duration such as \"500ms\","
                    + " \"10s\" or \"1m30s\" (number and unit, units ns, us, ms, s, m, h)"));
    assertThat(violationsOf("ejection: {maxLag: -1Mi}"))
        .containsExactly(
            new Violation("spec.ejection.maxLag", "invalid size \"-1Mi\": must not be negative"));
  }

  @Test
  void returnsEveryViolationAtOnceInFieldOrder() {
    List<Violation> violations =
        violationsOf(
            """
            selector: null
            patroni: {scheme: ftp}
            mesh: {host: ""}
            admission: {maxLag: 32Mi}
            ramp: {steps: [50, 25]}
            analysis: {checks: []}
            pollInterval: 10ms
            """);
    assertThat(violations)
        .extracting(Violation::path)
        .containsExactly(
            "spec.selector",
            "spec.patroni.scheme",
            "spec.mesh.host",
            "spec.ramp.steps[1]",
            "spec.ramp.steps[1]",
            "spec.ejection.maxLag",
            "spec.analysis.prometheus",
            "spec.analysis.checks",
            "spec.pollInterval");
  }

  @Test
  void aMissingSpecIsOneViolation() {
    assertThat(ReplicaGateValidator.validate((ReplicaGateSpec) null))
        .containsExactly(new Violation("spec", "is required"));
    ReplicaGate gate = gateIn("db", "pg-replicas");
    gate.setSpec(null);
    assertThat(ReplicaGateValidator.validate(gate))
        .containsExactly(new Violation("spec", "is required"));
  }

  @Test
  void aFreshSpecWithSelectorAndHostIsValid() {
    ReplicaGateSpec spec = new ReplicaGateSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "pg").build());
    MeshSpec mesh = new MeshSpec();
    mesh.setHost("pg-replicas.db.svc.cluster.local");
    spec.setMesh(mesh);
    assertThat(ReplicaGateValidator.validate(spec)).isEmpty();
  }
}
