package io.syncgate.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Kubernetes API server does with a ReplicaGate spec under the generated CRD, without a
 * server: apply defaults, check the structural schema, then evaluate every CEL rule whose field is
 * present. A rule that fails to evaluate rejects the object, as on a server.
 */
final class CrdAdmission {

  /** A rule compiled for its location in the schema. */
  record CompiledRule(StructuralSchema.LocatedRule rule, CelAbstractSyntaxTree ast) {}

  private final Map<String, Object> specSchema;
  private final List<CompiledRule> rules;

  private CrdAdmission(Map<String, Object> specSchema, List<CompiledRule> rules) {
    this.specSchema = specSchema;
    this.rules = rules;
  }

  /** Loads the generated CRD and compiles all its rules; throws if one does not compile. */
  static CrdAdmission load() throws CelValidationException {
    Map<String, Object> specSchema = GeneratedCrd.specSchema();
    List<CompiledRule> compiled = new ArrayList<>();
    for (StructuralSchema.LocatedRule rule : StructuralSchema.rules(specSchema)) {
      Map<String, Object> at = StructuralSchema.schemaAt(specSchema, rule.location());
      compiled.add(
          new CompiledRule(rule, KubernetesCel.compile(rule.rule(), KubernetesCel.typeOf(at))));
    }
    return new CrdAdmission(specSchema, compiled);
  }

  List<CompiledRule> rules() {
    return rules;
  }

  Map<String, Object> specSchema() {
    return specSchema;
  }

  /** The spec as the server would store it: nulls pruned, defaults applied. */
  @SuppressWarnings("unchecked")
  Map<String, Object> defaulted(Map<String, Object> rawSpec) {
    return (Map<String, Object>) StructuralSchema.applyDefaults(rawSpec, specSchema);
  }

  /** All reasons the server would reject {@code rawSpec}; empty when it would accept it. */
  List<Violation> check(Map<String, Object> rawSpec) {
    Map<String, Object> spec = defaulted(rawSpec);
    List<Violation> out = new ArrayList<>(StructuralSchema.check(spec, specSchema, "spec"));
    for (CompiledRule r : rules) {
      evaluate(r, spec)
          .forEach(
              (at, verdict) -> {
                if (verdict.equals("false")) {
                  out.add(new Violation(r.rule().reportedPath(at), r.rule().message()));
                } else if (verdict.startsWith("error")) {
                  out.add(new Violation(r.rule().reportedPath(at), verdict));
                }
              });
    }
    return out;
  }

  /**
   * The rule's verdicts on {@code spec}, by the path of the value it ran on (one per item for a
   * rule on an array's items): "true", "false", or "error: ..." when it fails to evaluate (the
   * server rejects the object). Empty when its field is absent: the rule does not run.
   */
  Map<String, String> evaluate(CompiledRule r, Map<String, Object> spec) {
    Map<String, String> out = new LinkedHashMap<>();
    StructuralSchema.valuesAt(spec, r.rule().location(), "spec")
        .forEach((at, self) -> out.put(at, verdict(r, self)));
    return out;
  }

  private static String verdict(CompiledRule r, Object self) {
    try {
      return String.valueOf(KubernetesCel.eval(r.ast(), self));
    } catch (CelEvaluationException e) {
      return "error: " + e.getMessage();
    }
  }
}
