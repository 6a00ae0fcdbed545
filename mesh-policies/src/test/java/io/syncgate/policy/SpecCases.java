package io.syncgate.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
            "https with CA and auth secrets",
            "patroni:\n  scheme: https\n  caSecret: {name: pg-ca}\n"
                + "  credentialsSecret: {name: pg-auth}\n  insecureSkipHostnameVerification: true"),
        valid("fail open", "mesh: {fallback: AllReplicas}"),
        valid("paused", "paused: true"),
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
        invalid("empty host", "mesh: {host: \"\"}", "spec.mesh.host"),
        invalid("missing host", "mesh: {host: null, port: 5432}", "spec.mesh.host"),
        invalid("host not a DNS name", "mesh: {host: Hippo Replicas}", "spec.mesh.host"),
        invalid("missing mesh", "mesh: null", "spec.mesh"),
        invalid("missing selector", "selector: null", "spec.selector"),
        invalid("empty selector", "selector: {matchLabels: null}", "spec.selector"),
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
            "patroni: {credentialsSecret: {}}",
            "spec.patroni.credentialsSecret.name"),
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
