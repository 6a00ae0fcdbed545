package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import io.syncgate.policy.SpecCases.SpecCase;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated CRD's CEL rules, compiled with cel-java and the Kubernetes library functions, and
 * evaluated like an API server would: they compile, and together with the schema they accept and
 * reject exactly the specs {@link ReplicaGateValidator} accepts and rejects, at the same fields.
 */
class CrdCelRulesTest {

  private static CrdAdmission server;

  @BeforeAll
  static void compileEveryRule() throws CelValidationException {
    // Throws, failing every test here, if any rule of the CRD does not compile.
    server = CrdAdmission.load();
  }

  @Test
  void crdCarriesEveryRuleOfTheContract() {
    List<String> rules =
        server.rules().stream()
            .map(r -> r.rule().reportedPath() + " " + r.rule().message())
            .toList();
    assertThat(rules)
        .containsExactlyInAnyOrder(
            "spec.ejection.maxLag ejection.maxLag must be >= admission.maxLag",
            "spec.ejection.maxLagTime ejection.maxLagTime must be >= admission.maxLagTime when"
                + " both are set (not 0s)",
            "spec.admission.maxLag maxLag must be a whole number of bytes",
            "spec.ejection.maxLag maxLag must be a whole number of bytes",
            "spec.ramp.maxLagGrowth maxLagGrowth must be a whole number of bytes",
            "spec.mesh.maxConnectionDuration maxConnectionDuration must be at least 1ms",
            "spec.mesh.primaryHost primaryHost must name the primary's own Service, not the read"
                + " host: the fallback would send reads to every member of the read host, lagging"
                + " replicas included",
            "spec.patroni.timeout timeout must be greater than 0s",
            "spec.pollInterval pollInterval must be at least 100ms",
            "spec.pollInterval pollInterval must be at most 5m",
            "spec.ejection.unreachableFor unreachableFor must be at least 1s",
            "spec.patroni.credentialsSecret credentialsSecret over http sends Patroni's password"
                + " in clear text: set scheme https, or allowCredentialsOverHttp: true to accept"
                + " that",
            "spec.patroni.insecureSkipHostnameVerification insecureSkipHostnameVerification"
                + " requires caSecret, the CA the certificate chain is verified against",
            "spec.ramp.steps steps must be strictly increasing",
            "spec.ramp.steps the last step must be 100",
            "spec.ramp.pauseAt every pauseAt must be one of steps and below 100",
            "spec.ramp.pauseAt pauseAt must not repeat a step",
            "spec.analysis.checks check names must be unique",
            "spec.analysis.checks[].interval interval must be at least 1s",
            "spec.analysis.checks[].interval interval must be at most 10m",
            "spec.analysis.prometheus.timeout timeout must be at least 100ms",
            "spec.analysis.prometheus.timeout timeout must be at most 1m",
            "spec.analysis.prometheus.bearerTokenSecret credentialsSecret and bearerTokenSecret"
                + " exclude each other: set at most one",
            "spec.analysis.prometheus.credentialsSecret credentialsSecret over an http address"
                + " sends the password in clear text: use https, or allowCredentialsOverHttp: true"
                + " to accept that",
            "spec.analysis.prometheus.bearerTokenSecret bearerTokenSecret over an http address"
                + " sends the token in clear text: use https, or allowCredentialsOverHttp: true to"
                + " accept that",
            "spec.analysis.prometheus.insecureSkipHostnameVerification"
                + " insecureSkipHostnameVerification requires caSecret, the CA the certificate"
                + " chain is verified against",
            "spec.selector selector must not be empty: it would select every pod in the namespace",
            "spec.selector.matchLabels " + LabelSelectorRules.CEL_MATCH_LABELS_KEYS_MESSAGE,
            "spec.selector.matchExpressions "
                + LabelSelectorRules.CEL_MATCH_EXPRESSIONS_KEYS_MESSAGE,
            "spec.selector.matchExpressions matchExpressions with operator In or NotIn must list"
                + " at least one value",
            "spec.selector.matchExpressions matchExpressions with operator Exists or DoesNotExist"
                + " must not list values");
  }

  @Test
  void aRuleUsingAnUnknownFunctionOrWrongTypeDoesNotCompile() {
    assertThatThrownBy(() -> KubernetesCel.compile("quantity(self).isBogus()", SimpleType.STRING))
        .isInstanceOf(CelValidationException.class);
    assertThatThrownBy(() -> KubernetesCel.compile("self.size() > 1", SimpleType.INT))
        .isInstanceOf(CelValidationException.class);
    assertThatThrownBy(() -> KubernetesCel.compile("self + 1", SimpleType.INT))
        .as("a rule must yield a bool")
        .isInstanceOf(CelValidationException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "quantity('1Ki').compareTo(quantity('1000')) == 1",
        "quantity('1Mi').compareTo(quantity('1048576')) == 0",
        "quantity('1M').compareTo(quantity('1Mi')) == -1",
        "quantity('16Mi').isGreaterThan(quantity('1Mi'))",
        "quantity('1Mi').isLessThan(quantity('16Mi'))",
        "!quantity('1Mi').isLessThan(quantity('1Mi'))",
        "quantity('1.5Ki').isInteger() && quantity('1.5Ki').asInteger() == 1536",
        "!quantity('1500m').isInteger()",
        "!quantity('9Ei').isInteger()",
        "quantity('-1Mi').sign() == -1 && quantity('0').sign() == 0",
        "isQuantity('-1Mi') && isQuantity('1e3') && isQuantity('.5')",
        "!isQuantity('16MB') && !isQuantity('lots') && !isQuantity('')",
        "[10, 25, 25].isSorted() && ![25, 10].isSorted() && ['a', 'b'].isSorted()",
        "duration('1m30s') == duration('90s') && duration('0') == duration('0s')",
        "duration('1500000\u00b5s') == duration('1.5s')"
      })
  void kubernetesLibraryStandInBehavesLikeKubernetes(String expression) throws Exception {
    assertThat(KubernetesCel.eval(KubernetesCel.compile(expression, SimpleType.DYN), Map.of()))
        .as(expression)
        .isTrue();
  }

  @Test
  void quantityOfGarbageIsAnEvaluationError() throws Exception {
    var ast = KubernetesCel.compile("quantity(self).isInteger()", SimpleType.STRING);
    assertThatThrownBy(() -> KubernetesCel.eval(ast, "lots"))
        .hasMessageContaining("quantities must match");
  }

  static Stream<SpecCase> cases() {
    return SpecCases.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apiServerAndValidatorAgree(SpecCase c) {
    List<Violation> byServer = server.check(c.raw());
    List<Violation> byValidator = ReplicaGateValidator.validate(c.parse());

    if (c.valid()) {
      assertThat(byServer).as("server verdict").isEmpty();
      assertThat(byValidator).as("validator verdict").isEmpty();
      return;
    }
    assertThat(byServer)
        .as("server rejects at %s", c.invalidAt())
        .anyMatch(v -> under(v.path(), c.invalidAt()));
    assertThat(byValidator)
        .as("validator rejects at %s", c.invalidAt())
        .anyMatch(v -> under(v.path(), c.invalidAt()));
    // Field by field: neither names a field the other finds nothing wrong with.
    for (Violation s : byServer) {
      assertThat(byValidator)
          .as("validator also faults %s (server: %s)", s.path(), byServer)
          .anyMatch(j -> related(j.path(), s.path()));
    }
    for (Violation j : byValidator) {
      assertThat(byServer)
          .as("server also faults %s (validator: %s)", j.path(), byValidator)
          .anyMatch(s -> related(j.path(), s.path()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void crossFieldRulesGiveTheSameAnswerWithOrWithoutDefaults(SpecCase c) {
    Map<String, Object> raw = c.raw();
    Map<String, Object> defaulted = server.defaulted(raw);
    for (CrdAdmission.CompiledRule r : server.rules()) {
      Map<String, String> after = server.evaluate(r, defaulted);
      server
          .evaluate(r, raw)
          .forEach(
              (at, before) ->
                  assertThat(after.get(at))
                      .as("%s at %s before and after defaulting", r.rule().rule(), at)
                      .isEqualTo(before));
    }
  }

  static Stream<String> examples() {
    return ExamplesTest.exampleFiles().stream().map(p -> p.getFileName().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void examplesPassTheServerChecks(String file) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>)
            SpecCases.STRICT_YAML
                .readValue(ExamplesTest.EXAMPLES.resolve(file).toFile(), Map.class)
                .get("spec");
    assertThat(server.check(spec)).isEmpty();
  }

  /** Whether {@code path} is {@code field} or lies inside it. */
  static boolean under(String path, String field) {
    return path.equals(field) || path.startsWith(field + ".") || path.startsWith(field + "[");
  }

  private static boolean related(String a, String b) {
    return under(a, b) || under(b, a);
  }
}
