package io.syncgate.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Specs that every checker must judge alike: the Java validator, and the API server's schema plus
 * CEL rules. Each is a JSON merge patch (null removes a field) over a minimal valid spec, and
 * either valid or invalid at a named field.
 */
final class SpecCases {

  /** Strict: an unknown property is an error, not a silently dropped field. */
  static final YAMLMapper STRICT_YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  static final String BASE =
      """
      selector:
        matchLabels: {app: pg}
      mesh:
        host: pg-replicas.db.svc.cluster.local
      """;

  /**
   * One case.
   *
   * @param name what it shows
   * @param patch YAML merge patch over {@link #BASE}
   * @param invalidAt the field at fault, or null when the spec is valid
   */
  record SpecCase(String name, String patch, String invalidAt) {

    boolean valid() {
      return invalidAt == null;
    }

    /** The spec as a user would write it (before the server's defaults). */
    Map<String, Object> raw() {
      return mergePatch(readMap(BASE), readMap(patch));
    }

    /** The spec as the controller's model reads it. */
    ReplicaGateSpec parse() {
      return STRICT_YAML.convertValue(raw(), ReplicaGateSpec.class);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A DNS subdomain of {@code length} characters, for label-key prefixes at their limit. */
  static String dnsName(int length) {
    StringBuilder name = new StringBuilder();
    while (name.length() < length) {
      name.append(name.length() % 64 == 63 ? '.' : 'a');
    }
    name.setCharAt(length - 1, 'z');
    return name.toString();
  }

  /** A selector patch whose {@code matchExpressions} are {@code items}. */
  private static String matchExpressions(String items) {
    return "selector:\n  matchExpressions:\n" + items;
  }

  /** {@code count} expressions {@code {key: k<i>, operator: Exists}}. */
  private static String existsExpressions(int count) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      yaml.append("  - {key: k").append(i).append(", operator: Exists}\n");
    }
    return yaml.toString();
  }

  /** One expression: {@code app In} {@code count} values. */
  private static String inExpression(int count) {
    StringBuilder yaml = new StringBuilder("  - key: app\n    operator: In\n    values:\n");
    for (int i = 0; i < count; i++) {
      yaml.append("    - v").append(i).append("\n");
    }
    return yaml.toString();
  }

  /** A selector patch with {@code count} more labels {@code l<i>: v} (the base has one). */
  private static String labels(int count) {
    StringBuilder yaml = new StringBuilder("selector:\n  matchLabels:\n");
    for (int i = 0; i < count; i++) {
      yaml.append("    l").append(i).append(": v\n");
    }
    return yaml.toString();
  }

  /** A valid analysis: one Prometheus, one check. {@link #analysis} patches it. */
  static final String ANALYSIS =
      """
      prometheus: {address: "http://prometheus-k8s.monitoring.svc:9090"}
      checks:
      - name: replication-errors
        query: 'sum(rate(pg_replication_errors_total{namespace="{{namespace}}", pod="{{replica}}"}[1m]))'
        comparison: "<"
        threshold: 0.5
      """;

  /** A spec patch whose {@code analysis} is {@link #ANALYSIS} merge-patched with {@code patch}. */
  static String analysis(String patch) {
    try {
      return STRICT_YAML.writeValueAsString(
          Map.of("analysis", mergePatch(readMap(ANALYSIS), readMap(patch))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A spec patch of {@link #ANALYSIS} with {@code prometheus} merge-patched with {@code patch}. */
  static String prometheus(String patch) {
    return analysis("prometheus: " + patch);
  }

  /** A spec patch of {@link #ANALYSIS} whose one check is merge-patched with {@code patch}. */
  @SuppressWarnings("unchecked")
  static String check(String patch) {
    Map<String, Object> check =
        ((List<Map<String, Object>>) readMap(ANALYSIS).get("checks")).get(0);
    return checks(List.of(mergePatch(check, readMap(patch))));
  }

  /** A spec patch of {@link #ANALYSIS} with these checks. */
  static String checks(List<Map<String, Object>> checks) {
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("checks", checks);
    try {
      return analysis(STRICT_YAML.writeValueAsString(patch));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code count} valid checks named {@code c0, c1, …}. */
  static List<Map<String, Object>> manyChecks(int count) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(readMap("{name: c" + i + ", query: up, comparison: '>=', threshold: 1.0}"));
    }
    return out;
  }

  /** {@code ramp} with steps 1..100 and pauses at 1..{@code last}, then {@code extra}. */
  private static String allPauses(int last, String extra) {
    StringBuilder steps = new StringBuilder();
    StringBuilder pauses = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      steps.append(i == 1 ? "" : ", ").append(i);
      if (i <= last) {
        pauses.append(i == 1 ? "" : ", ").append(i);
      }
    }
    return "ramp: {steps: [" + steps + "], pauseAt: [" + pauses + extra + "]}";
  }

  static SpecCase valid(String name, String patch) {
    return new SpecCase(name, patch, null);
  }

  static SpecCase invalid(String name, String patch, String invalidAt) {
    return new SpecCase(name, patch, invalidAt);
  }

  static List<SpecCase> all() {
    return List.of(
        valid("minimal spec, all defaults", "{}"),
        valid("one step straight to 100", "ramp: {steps: [100]}"),
        valid("one replica ramping at a time", "ramp: {maxRamping: 1}"),
        invalid("maxRamping 0 would admit nobody", "ramp: {maxRamping: 0}", "spec.ramp.maxRamping"),
        invalid("maxRamping above 1000", "ramp: {maxRamping: 1001}", "spec.ramp.maxRamping"),
        valid(
            "step back on 1 MiB/s of lag growth",
            "ramp: {maxLagGrowth: 1Mi, maxLagGrowthFor: 30s}"),
        valid("no step back on lag growth", "ramp: {maxLagGrowth: \"0\"}"),
        invalid(
            "lag growth in fractions of a byte",
            "ramp: {maxLagGrowth: 100m}",
            "spec.ramp.maxLagGrowth"),
        invalid(
            "lag growth not a quantity", "ramp: {maxLagGrowth: fast}", "spec.ramp.maxLagGrowth"),
        invalid(
            "lag growth duration without unit",
            "ramp: {maxLagGrowthFor: \"10\"}",
            "spec.ramp.maxLagGrowthFor"),
        valid(
            "a primary Service for the fallback",
            "mesh: {primaryHost: pg-primary.db.svc.cluster.local}"),
        valid("fine-grained steps", "ramp: {steps: [1, 2, 3, 50, 99, 100]}"),
        valid(
            "ejection.maxLag equal to admission.maxLag",
            "admission: {maxLag: 1Mi}\n" + "ejection: {maxLag: 1Mi}"),
        valid(
            "equal lags in other units",
            "admission: {maxLag: 1024Ki}\n" + "ejection: {maxLag: \"1048576\"}"),
        valid("zero lags", "admission: {maxLag: \"0\"}\nejection: {maxLag: \"0\"}"),
        valid("fractional quantity that is whole bytes", "admission: {maxLag: 1.5Ki}"),
        valid("exponent quantity", "admission: {maxLag: \"1e3\"}"),
        valid(
            "admission.maxLagTime set, ejection time unchecked",
            "admission: {maxLagTime: 30s}\nejection: {maxLagTime: 0s}"),
        valid("ejection.maxLagTime set, admission time unchecked", "ejection: {maxLagTime: 5s}"),
        valid(
            "equal maxLagTimes in other spellings",
            "admission: {maxLagTime: 1m30s}\nejection: {maxLagTime: 90s}"),
        valid("pollInterval at the 100ms floor", "pollInterval: 100ms"),
        valid("pollInterval at the 5m ceiling", "pollInterval: 5m"),
        valid("unreachableFor at its 1s floor", "ejection: {unreachableFor: 1s}"),
        valid(
            "durations in Go syntax",
            "admission: {stableFor: 1h2m3.5s}\nramp: {stepInterval: \"0\"}\n"
                + "ejection: {unreachableFor: 1500000\u00b5s}\npatroni: {timeout: 250ms}"),
        valid("maxConnectionDuration at its 1ms floor", "mesh: {maxConnectionDuration: 1ms}"),
        valid(
            "selector by expression only",
            "selector:\n  matchLabels: null\n  matchExpressions:\n"
                + "  - {key: app, operator: In, values: [pg]}"),
        valid(
            "selector with every operator",
            """
            selector:
              matchLabels: null
              matchExpressions:
              - {key: app, operator: In, values: [pg, pg-15]}
              - {key: example.com/tier, operator: NotIn, values: [batch]}
              - {key: postgres-operator.crunchydata.com/data, operator: Exists}
              - {key: canary, operator: DoesNotExist, values: []}
            """),
        valid(
            "label keys and values at their limits",
            "selector:\n  matchLabels:\n    "
                + dnsName(253)
                + "/"
                + "n".repeat(63)
                + ": \"\"\n    role: "
                + "v".repeat(63)
                + "\n  matchExpressions:\n  - {key: "
                + dnsName(253)
                + "/role, operator: In, values: [\"\", "
                + "v".repeat(63)
                + "]}"),
        valid("64 labels", labels(63)),
        valid(
            "64 expressions, one with 64 values",
            matchExpressions(inExpression(64) + existsExpressions(63))),
        valid(
            "credentials over http, explicitly allowed",
            "patroni: {credentialsSecret: {name: pg-auth}, allowCredentialsOverHttp: true}"),
        valid(
            "https with CA and auth secrets",
            "patroni:\n  scheme: https\n  caSecret: {name: pg-ca}\n"
                + "  credentialsSecret: {name: pg-auth}\n  insecureSkipHostnameVerification: true"),
        valid("fail open", "mesh: {fallback: AllReplicas}"),
        valid("paused", "paused: true"),
        valid("approval before the first reads", "admission: {requireApproval: true}"),
        valid("no admission while the lag grows", "admission: {rejectGrowingLag: true}"),
        valid("admission on the lag's level alone", "admission: {rejectGrowingLag: false}"),
        valid("pauses at default steps", "ramp: {pauseAt: [50, 10]}"),
        valid("pause at a step of custom steps", "ramp: {steps: [5, 100], pauseAt: [5]}"),
        valid("no pauses", "ramp: {pauseAt: []}"),
        valid("a pause at every step below 100", allPauses(99, "")),
        invalid("pause at 100", "ramp: {pauseAt: [100]}", "spec.ramp.pauseAt"),
        invalid("pause at 0", "ramp: {pauseAt: [0]}", "spec.ramp.pauseAt"),
        invalid("pause at no default step", "ramp: {pauseAt: [10, 30]}", "spec.ramp.pauseAt"),
        invalid(
            "pause at a default step that steps leave out",
            "ramp: {steps: [20, 100], pauseAt: [25]}",
            "spec.ramp.pauseAt"),
        invalid(
            "pause at 100 of custom steps",
            "ramp: {steps: [20, 100], pauseAt: [20, 100]}",
            "spec.ramp.pauseAt"),
        invalid("pause repeated", "ramp: {pauseAt: [25, 50, 25]}", "spec.ramp.pauseAt"),
        invalid("100 pauses", allPauses(99, ", 1"), "spec.ramp.pauseAt"),
        valid("analysis with its defaults", analysis("{}")),
        valid(
            "analysis over https with every option",
            """
            analysis:
              prometheus:
                address: https://prometheus.example.com:443/prom/api;v=1/
                timeout: 100ms
                caSecret: {name: prometheus-ca}
                bearerTokenSecret: {name: prometheus-token}
                insecureSkipHostnameVerification: true
              checks:
              - {name: a, query: up, comparison: "<", threshold: -1.5, interval: 1s}
              - {name: b, query: up, comparison: "<=", threshold: 0.0, interval: 10m}
              - {name: c, query: up, comparison: ">", threshold: 1.0e+9, interval: 1m30s}
              - {name: d-1, query: up, comparison: ">=", threshold: 2.5}
              failureLimit: 100
              onFailure: Abort
            """),
        valid(
            "basic auth over https",
            prometheus("{address: 'https://10.0.0.7:9090', credentialsSecret: {name: prom}}")),
        valid(
            "basic auth over http, explicitly allowed",
            prometheus("{credentialsSecret: {name: prom}, allowCredentialsOverHttp: true}")),
        valid(
            "bearer token over http, explicitly allowed",
            prometheus("{bearerTokenSecret: {name: prom}, allowCredentialsOverHttp: true}")),
        valid("Prometheus timeout at its 1m ceiling", prometheus("{timeout: 1m}")),
        valid(
            "Prometheus address with capitals, port 65535 and a path",
            prometheus("{address: 'http://Prometheus.Monitoring:65535/api/'}")),
        valid(
            "Prometheus address of 2048 characters",
            prometheus("{address: 'http://p/" + "a".repeat(2039) + "'}")),
        valid("20 checks", checks(manyChecks(20))),
        valid(
            "check name and query at their limits",
            check("{name: " + "n".repeat(63) + ", query: '" + "q".repeat(4096) + "'}")),
        valid("failureLimit 1", analysis("{failureLimit: 1}")),
        invalid(
            "analysis without prometheus",
            analysis("{prometheus: null}"),
            "spec.analysis.prometheus"),
        invalid("analysis without checks", analysis("{checks: null}"), "spec.analysis.checks"),
        invalid("analysis with no checks", analysis("{checks: []}"), "spec.analysis.checks"),
        invalid("21 checks", checks(manyChecks(21)), "spec.analysis.checks"),
        invalid(
            "two checks of one name",
            checks(List.of(manyChecks(2).get(1), manyChecks(2).get(0), manyChecks(2).get(1))),
            "spec.analysis.checks"),
        invalid(
            "Prometheus without address",
            prometheus("{address: null, timeout: 5s}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with another scheme",
            prometheus("{address: 'ftp://prometheus:9090'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with a scheme in capitals",
            prometheus("{address: 'HTTP://prometheus:9090'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with user info",
            prometheus("{address: 'https://admin:secret@prometheus:9090'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with a query",
            prometheus("{address: 'http://prometheus:9090/?x=1'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with a fragment",
            prometheus("{address: 'http://prometheus:9090/#top'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address without host",
            prometheus("{address: 'http://:9090'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address without scheme",
            prometheus("{address: 'prometheus:9090'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with port 0",
            prometheus("{address: 'http://prometheus:0'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with port 65536",
            prometheus("{address: 'http://prometheus:65536'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address whose last label is a number",
            prometheus("{address: 'http://prometheus.1'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with an IPv4 octet above 255",
            prometheus("{address: 'http://10.0.0.256'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with a percent escape",
            prometheus("{address: 'http://prometheus/a%20b'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with a label of 64 characters",
            prometheus("{address: 'http://" + "p".repeat(64) + "'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address with two dots in a row",
            prometheus("{address: 'http://prometheus..svc'}"),
            "spec.analysis.prometheus.address"),
        valid(
            "Prometheus host of 127 labels",
            prometheus("{address: 'http://" + "a.".repeat(126) + "b'}")),
        invalid(
            "Prometheus host of 128 labels",
            prometheus("{address: 'http://" + "a.".repeat(127) + "b'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus host of 1021 labels in 2048 characters",
            prometheus("{address: 'http://" + "a.".repeat(1020) + "b'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus address of 2049 characters",
            prometheus("{address: 'http://p/" + "a".repeat(2040) + "'}"),
            "spec.analysis.prometheus.address"),
        invalid(
            "Prometheus timeout below 100ms",
            prometheus("{timeout: 99ms}"),
            "spec.analysis.prometheus.timeout"),
        invalid(
            "Prometheus timeout above 1m",
            prometheus("{timeout: 1m1s}"),
            "spec.analysis.prometheus.timeout"),
        invalid(
            "garbage Prometheus timeout",
            prometheus("{timeout: soon}"),
            "spec.analysis.prometheus.timeout"),
        invalid(
            "basic auth and a bearer token",
            prometheus(
                "{address: 'https://prometheus', credentialsSecret: {name: a},"
                    + " bearerTokenSecret: {name: b}}"),
            "spec.analysis.prometheus.bearerTokenSecret"),
        invalid(
            "basic auth over http",
            prometheus("{credentialsSecret: {name: prom}}"),
            "spec.analysis.prometheus.credentialsSecret"),
        invalid(
            "bearer token over http, not allowed",
            prometheus("{bearerTokenSecret: {name: prom}, allowCredentialsOverHttp: false}"),
            "spec.analysis.prometheus.bearerTokenSecret"),
        invalid(
            "Prometheus insecureSkipHostnameVerification without caSecret",
            prometheus("{address: 'https://prometheus', insecureSkipHostnameVerification: true}"),
            "spec.analysis.prometheus.insecureSkipHostnameVerification"),
        invalid(
            "Prometheus secret without name",
            prometheus("{caSecret: {}}"),
            "spec.analysis.prometheus.caSecret.name"),
        invalid(
            "Prometheus secret name not a DNS name",
            prometheus("{address: 'https://prometheus', bearerTokenSecret: {name: Token}}"),
            "spec.analysis.prometheus.bearerTokenSecret.name"),
        invalid("check without name", check("{name: null}"), "spec.analysis.checks[0].name"),
        invalid("check name in capitals", check("{name: Errors}"), "spec.analysis.checks[0].name"),
        invalid(
            "check name with a dot",
            check("{name: replication.errors}"),
            "spec.analysis.checks[0].name"),
        invalid(
            "check name of 64 characters",
            check("{name: " + "n".repeat(64) + "}"),
            "spec.analysis.checks[0].name"),
        invalid("check without query", check("{query: null}"), "spec.analysis.checks[0].query"),
        invalid("check with an empty query", check("{query: ''}"), "spec.analysis.checks[0].query"),
        invalid(
            "check query of 4097 characters",
            check("{query: '" + "q".repeat(4097) + "'}"),
            "spec.analysis.checks[0].query"),
        invalid(
            "check without comparison",
            check("{comparison: null}"),
            "spec.analysis.checks[0].comparison"),
        invalid(
            "check comparison ==",
            check("{comparison: '=='}"),
            "spec.analysis.checks[0].comparison"),
        invalid(
            "check comparison in words",
            check("{comparison: lt}"),
            "spec.analysis.checks[0].comparison"),
        invalid(
            "check without threshold",
            check("{threshold: null}"),
            "spec.analysis.checks[0].threshold"),
        invalid(
            "check interval below 1s",
            check("{interval: 999ms}"),
            "spec.analysis.checks[0].interval"),
        invalid(
            "check interval above 10m",
            check("{interval: 10m1s}"),
            "spec.analysis.checks[0].interval"),
        invalid(
            "garbage check interval",
            check("{interval: often}"),
            "spec.analysis.checks[0].interval"),
        invalid(
            "second check's interval below 1s",
            checks(
                List.of(
                    manyChecks(2).get(0),
                    mergePatch(manyChecks(2).get(1), readMap("{interval: 0s}")))),
            "spec.analysis.checks[1].interval"),
        invalid("failureLimit 0", analysis("{failureLimit: 0}"), "spec.analysis.failureLimit"),
        invalid("failureLimit 101", analysis("{failureLimit: 101}"), "spec.analysis.failureLimit"),
        invalid("bad onFailure", analysis("{onFailure: Rollback}"), "spec.analysis.onFailure"),
        invalid(
            "onFailure in lower case",
            analysis("{onFailure: stepBack}"),
            "spec.analysis.onFailure"),
        invalid("steps not increasing", "ramp: {steps: [10, 50, 25, 100]}", "spec.ramp.steps"),
        invalid("repeated step", "ramp: {steps: [10, 10, 100]}", "spec.ramp.steps"),
        invalid("step 0", "ramp: {steps: [0, 50, 100]}", "spec.ramp.steps"),
        invalid("step above 100", "ramp: {steps: [50, 100, 150]}", "spec.ramp.steps"),
        invalid("last step not 100", "ramp: {steps: [10, 50, 90]}", "spec.ramp.steps"),
        invalid("no steps", "ramp: {steps: []}", "spec.ramp.steps"),
        invalid(
            "ejection.maxLag below an explicit admission.maxLag",
            "admission: {maxLag: 8Mi}\nejection: {maxLag: 4Mi}",
            "spec.ejection.maxLag"),
        invalid(
            "default ejection.maxLag below admission.maxLag",
            "admission: {maxLag: 32Mi}",
            "spec.ejection.maxLag"),
        invalid(
            "ejection.maxLag below the default admission.maxLag",
            "ejection: {maxLag: 512Ki}",
            "spec.ejection.maxLag"),
        invalid(
            "ejection.maxLagTime below admission.maxLagTime",
            "admission: {maxLagTime: 30s}\nejection: {maxLagTime: 10s}",
            "spec.ejection.maxLagTime"),
        invalid("pollInterval below 100ms", "pollInterval: 50ms", "spec.pollInterval"),
        invalid("pollInterval above 5m", "pollInterval: 301s", "spec.pollInterval"),
        invalid("pollInterval of an hour", "pollInterval: 1h", "spec.pollInterval"),
        invalid(
            "unreachableFor 0s ejects on the first failed poll",
            "ejection: {unreachableFor: 0s}",
            "spec.ejection.unreachableFor"),
        invalid(
            "unreachableFor below 1s",
            "ejection: {unreachableFor: 999ms}",
            "spec.ejection.unreachableFor"),
        invalid("empty host", "mesh: {host: \"\"}", "spec.mesh.host"),
        invalid("missing host", "mesh: {host: null, port: 5432}", "spec.mesh.host"),
        invalid("host not a DNS name", "mesh: {host: Hippo Replicas}", "spec.mesh.host"),
        invalid(
            "primaryHost not a DNS name",
            "mesh: {primaryHost: Hippo Primary}",
            "spec.mesh.primaryHost"),
        invalid(
            "primaryHost the read host itself",
            "mesh: {primaryHost: pg-replicas.db.svc.cluster.local}",
            "spec.mesh.primaryHost"),
        invalid("missing mesh", "mesh: null", "spec.mesh"),
        invalid("missing selector", "selector: null", "spec.selector"),
        invalid("empty selector", "selector: {matchLabels: null}", "spec.selector"),
        invalid(
            "unknown selector operator",
            "selector:\n  matchExpressions:\n  - {key: app, operator: in, values: [pg]}",
            "spec.selector.matchExpressions[0].operator"),
        invalid(
            "selector expression without operator",
            "selector:\n  matchExpressions:\n  - {key: app, values: [pg]}",
            "spec.selector.matchExpressions[0].operator"),
        invalid(
            "selector expression without key",
            "selector:\n  matchExpressions:\n  - {operator: Exists}",
            "spec.selector.matchExpressions[0].key"),
        invalid(
            "selector expression key not a label key",
            "selector:\n  matchExpressions:\n  - {key: pg cluster, operator: Exists}",
            "spec.selector.matchExpressions"),
        invalid(
            "selector expression key with an empty name",
            "selector:\n  matchExpressions:\n  - {key: example.com/, operator: Exists}",
            "spec.selector.matchExpressions"),
        invalid(
            "selector expression key with a prefix longer than 253",
            "selector:\n  matchExpressions:\n  - {key: " + dnsName(254) + "/app, operator: Exists}",
            "spec.selector.matchExpressions"),
        invalid(
            "In without values",
            "selector:\n  matchExpressions:\n  - {key: app, operator: In}",
            "spec.selector.matchExpressions"),
        invalid(
            "NotIn with an empty list of values",
            "selector:\n  matchExpressions:\n  - {key: app, operator: NotIn, values: []}",
            "spec.selector.matchExpressions"),
        invalid(
            "Exists with values",
            "selector:\n  matchExpressions:\n  - {key: app, operator: Exists, values: [pg]}",
            "spec.selector.matchExpressions"),
        invalid(
            "DoesNotExist with values",
            "selector:\n  matchExpressions:\n  - {key: app, operator: DoesNotExist, values: [pg]}",
            "spec.selector.matchExpressions"),
        invalid(
            "selector expression value not a label value",
            "selector:\n  matchExpressions:\n  - {key: app, operator: In, values: [pg, -pg]}",
            "spec.selector.matchExpressions[0].values[1]"),
        invalid(
            "selector expression value of 64 characters",
            "selector:\n  matchExpressions:\n  - {key: app, operator: In, values: ["
                + "v".repeat(64)
                + "]}",
            "spec.selector.matchExpressions[0].values[0]"),
        invalid(
            "matchLabels key not a label key",
            "selector: {matchLabels: {pg cluster: hippo}}",
            "spec.selector.matchLabels"),
        invalid(
            "matchLabels key in capitals in its prefix",
            "selector: {matchLabels: {Example.com/app: pg}}",
            "spec.selector.matchLabels"),
        invalid(
            "matchLabels key with a prefix longer than 253",
            "selector: {matchLabels: {" + dnsName(254) + "/app: pg}}",
            "spec.selector.matchLabels"),
        invalid(
            "matchLabels key with a name longer than 63",
            "selector: {matchLabels: {" + "n".repeat(64) + ": pg}}",
            "spec.selector.matchLabels"),
        invalid(
            "matchLabels value not a label value",
            "selector: {matchLabels: {app: pg/15}}",
            "spec.selector.matchLabels"),
        invalid(
            "matchLabels value of 64 characters",
            "selector: {matchLabels: {app: " + "v".repeat(64) + "}}",
            "spec.selector.matchLabels"),
        invalid("65 labels", labels(64), "spec.selector.matchLabels"),
        invalid(
            "65 expressions",
            matchExpressions(existsExpressions(65)),
            "spec.selector.matchExpressions"),
        invalid(
            "65 values",
            matchExpressions(inExpression(65)),
            "spec.selector.matchExpressions[0].values"),
        invalid("Patroni port 0", "patroni: {port: 0}", "spec.patroni.port"),
        invalid("mesh port above 65535", "mesh: {port: 70000}", "spec.mesh.port"),
        invalid("bad scheme", "patroni: {scheme: ftp}", "spec.patroni.scheme"),
        invalid("scheme in capitals", "patroni: {scheme: HTTPS}", "spec.patroni.scheme"),
        invalid("bad fallback", "mesh: {fallback: Leader}", "spec.mesh.fallback"),
        invalid("fallback in lower case", "mesh: {fallback: primary}", "spec.mesh.fallback"),
        invalid(
            "garbage stableFor", "admission: {stableFor: ten seconds}", "spec.admission.stableFor"),
        invalid("duration without unit", "ramp: {stepInterval: \"30\"}", "spec.ramp.stepInterval"),
        invalid("garbage pollInterval", "pollInterval: soon", "spec.pollInterval"),
        invalid(
            "negative duration", "ejection: {unreachableFor: -5s}", "spec.ejection.unreachableFor"),
        invalid(
            "garbage admission.maxLagTime",
            "admission: {maxLagTime: 1x}",
            "spec.admission.maxLagTime"),
        invalid("duration too long", "pollInterval: " + "1s".repeat(33), "spec.pollInterval"),
        invalid("zero timeout", "patroni: {timeout: 0s}", "spec.patroni.timeout"),
        invalid(
            "zero maxConnectionDuration",
            "mesh: {maxConnectionDuration: 0s}",
            "spec.mesh.maxConnectionDuration"),
        invalid("garbage quantity", "admission: {maxLag: lots}", "spec.admission.maxLag"),
        invalid(
            "quantity with a non-Kubernetes unit",
            "ejection: {maxLag: 16MB}",
            "spec.ejection.maxLag"),
        invalid("negative ejection.maxLag", "ejection: {maxLag: -1Mi}", "spec.ejection.maxLag"),
        invalid(
            "negative admission.maxLag", "admission: {maxLag: \"-1\"}", "spec.admission.maxLag"),
        invalid(
            "fraction of a byte in milli units",
            "admission: {maxLag: 1500m}",
            "spec.admission.maxLag"),
        invalid("fraction of a byte", "ejection: {maxLag: \"16777216.5\"}", "spec.ejection.maxLag"),
        invalid(
            "secret without name",
            "patroni: {scheme: https, credentialsSecret: {}}",
            "spec.patroni.credentialsSecret.name"),
        invalid(
            "credentials over the default scheme http",
            "patroni: {credentialsSecret: {name: pg-auth}}",
            "spec.patroni.credentialsSecret"),
        invalid(
            "credentials over http, not allowed",
            "patroni: {scheme: http, credentialsSecret: {name: pg-auth},"
                + " allowCredentialsOverHttp: false}",
            "spec.patroni.credentialsSecret"),
        invalid(
            "insecureSkipHostnameVerification without caSecret",
            "patroni: {scheme: https, insecureSkipHostnameVerification: true}",
            "spec.patroni.insecureSkipHostnameVerification"),
        invalid(
            "secret with empty name",
            "patroni: {caSecret: {name: \"\"}}",
            "spec.patroni.caSecret.name"),
        invalid("empty subsetLabel", "mesh: {subsetLabel: \"\"}", "spec.mesh.subsetLabel"),
        invalid(
            "subsetLabel not a label key",
            "mesh: {subsetLabel: pod name!}",
            "spec.mesh.subsetLabel"));
  }

  static Map<String, Object> readMap(String yaml) {
    try {
      Map<String, Object> m =
          STRICT_YAML.readValue(yaml, new TypeReference<Map<String, Object>>() {});
      return m == null ? new LinkedHashMap<>() : m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RFC 7386 JSON merge patch. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> mergePatch(Map<String, Object> target, Map<String, Object> patch) {
    Map<String, Object> out = new LinkedHashMap<>(target);
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      if (e.getValue() == null) {
        out.remove(e.getKey());
      } else if (e.getValue() instanceof Map<?, ?> p
          && out.get(e.getKey()) instanceof Map<?, ?> t) {
        out.put(e.getKey(), mergePatch((Map<String, Object>) t, (Map<String, Object>) p));
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
