package io.syncgate.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kubernetes' rules for a label selector, for {@code spec.selector}: the CEL rules the CRD carries
 * and the same rules in Java. A selector that breaks them passes fabric8 unchecked until the pod
 * informer is built from it, which then throws or is refused by the API server, and the gate would
 * stop ticking; so it must be refused as a spec violation first.
 *
 * <p>The schema side (value syntax, operator enum, required key and operator, the size limits) is
 * {@link LabelSelectorSchema}; CEL covers what a schema cannot say: map keys, the prefix length of
 * a key, and which operators need values.
 */
final class LabelSelectorRules {

  /** A label value: empty, or 1..63 of {@code [-A-Za-z0-9_.]}, alphanumeric at both ends. */
  static final String LABEL_VALUE = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

  /**
   * With {@link ReplicaGateValidator#LABEL_KEY}: a key's prefix, if it has one, is at most 253
   * characters (the name's 63 are bounded by LABEL_KEY itself).
   */
  static final String LABEL_KEY_PREFIX_LENGTH = "^([^/]{1,253}/)?[^/]+$";

  static final int MAX_LABEL_VALUE_LENGTH = 63;
  static final int MAX_LABEL_KEY_PREFIX_LENGTH = 253;

  // Bounds that Kubernetes does not set, so that the CRD's CEL rules have a bounded cost; no real
  // selector of Patroni member pods comes near them.
  static final int MAX_MATCH_LABELS = 64;
  static final int MAX_MATCH_EXPRESSIONS = 64;
  static final int MAX_VALUES = 64;

  private static final String KEY_SYNTAX =
      "an optional DNS subdomain prefix of at most 253 characters and '/', then a name of 1..63"
          + " letters, digits, '-', '_' or '.' that starts and ends with a letter or digit";
  private static final String VALUE_SYNTAX =
      "empty, or 1..63 letters, digits, '-', '_' or '.' that start and end with a letter or digit";

  static final String CEL_MATCH_LABELS_KEYS =
      "!has(self.matchLabels) || self.matchLabels.all(k, k.matches(r'"
          + ReplicaGateValidator.LABEL_KEY
          + "') && k.matches(r'"
          + LABEL_KEY_PREFIX_LENGTH
          + "'))";
  static final String CEL_MATCH_LABELS_KEYS_MESSAGE =
      "matchLabels keys must be label keys: " + KEY_SYNTAX;

  static final String CEL_MATCH_EXPRESSIONS_KEYS =
      "!has(self.matchExpressions) || self.matchExpressions.all(e, !has(e.key) || (e.key.matches(r'"
          + ReplicaGateValidator.LABEL_KEY
          + "') && e.key.matches(r'"
          + LABEL_KEY_PREFIX_LENGTH
          + "')))";
  static final String CEL_MATCH_EXPRESSIONS_KEYS_MESSAGE =
      "matchExpressions keys must be label keys: " + KEY_SYNTAX;

  static final String CEL_SET_OPERATORS_HAVE_VALUES =
      "!has(self.matchExpressions) || self.matchExpressions.all(e, !has(e.operator)"
          + " || !(e.operator in ['In', 'NotIn']) || (has(e.values) && size(e.values) > 0))";
  static final String CEL_SET_OPERATORS_HAVE_VALUES_MESSAGE =
      "matchExpressions with operator In or NotIn must list at least one value";

  static final String CEL_EXISTENCE_OPERATORS_HAVE_NO_VALUES =
      "!has(self.matchExpressions) || self.matchExpressions.all(e, !has(e.operator)"
          + " || !(e.operator in ['Exists', 'DoesNotExist']) || !has(e.values)"
          + " || size(e.values) == 0)";
  static final String CEL_EXISTENCE_OPERATORS_HAVE_NO_VALUES_MESSAGE =
      "matchExpressions with operator Exists or DoesNotExist must not list values";

  private static final String OPERATORS =
      String.join(
          ", ", Arrays.stream(SelectorOperator.values()).map(SelectorOperator::value).toList());

  private static final Pattern KEY = Pattern.compile(ReplicaGateValidator.LABEL_KEY);
  private static final Pattern VALUE = Pattern.compile(LABEL_VALUE);

  private LabelSelectorRules() {}

  /** Whether {@code key} is a Kubernetes label key. */
  static boolean isLabelKey(String key) {
    return key != null
        && KEY.matcher(key).matches()
        && key.indexOf('/') <= MAX_LABEL_KEY_PREFIX_LENGTH;
  }

  /** Whether {@code value} is a Kubernetes label value (the empty string is one). */
  static boolean isLabelValue(String value) {
    return value != null && VALUE.matcher(value).matches();
  }

  /**
   * Adds every rule {@code selector} breaks below {@code path} ({@code spec.selector}). Label keys
   * and values of {@code matchLabels} are reported at {@code matchLabels}, naming the entry, as
   * Kubernetes reports them; expressions at their index.
   */
  static void check(String path, LabelSelector selector, List<Violation> out) {
    checkMatchLabels(path + ".matchLabels", selector.getMatchLabels(), out);
    checkMatchExpressions(path + ".matchExpressions", selector.getMatchExpressions(), out);
  }

  private static void checkMatchLabels(
      String path, Map<String, String> labels, List<Violation> out) {
    if (labels == null) {
      return;
    }
    if (labels.size() > MAX_MATCH_LABELS) {
      out.add(
          new Violation(
              path,
              "must have at most " + MAX_MATCH_LABELS + " labels (has " + labels.size() + ")"));
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!isLabelKey(label.getKey())) {
        out.add(
            new Violation(
                path,
                "key " + quoted(label.getKey()) + " is not a label key: expected " + KEY_SYNTAX));
      }
      if (!isLabelValue(label.getValue())) {
        out.add(
            new Violation(
                path,
                "value "
                    + quoted(label.getValue())
                    + " of "
                    + quoted(label.getKey())
                    + " is not a label value: expected "
                    + VALUE_SYNTAX));
      }
    }
  }

  private static void checkMatchExpressions(
      String path, List<LabelSelectorRequirement> expressions, List<Violation> out) {
    if (expressions == null) {
      return;
    }
    if (expressions.size() > MAX_MATCH_EXPRESSIONS) {
      out.add(
          new Violation(
              path,
              "must have at most "
                  + MAX_MATCH_EXPRESSIONS
                  + " expressions (has "
                  + expressions.size()
                  + ")"));
    }
    for (int i = 0; i < expressions.size(); i++) {
      String at = path + "[" + i + "]";
      LabelSelectorRequirement expression = expressions.get(i);
      if (expression == null) {
        out.add(new Violation(at, "must be an expression with key and operator"));
        continue;
      }
      checkExpression(at, expression, out);
    }
  }

  private static void checkExpression(
      String path, LabelSelectorRequirement expression, List<Violation> out) {
    String key = expression.getKey();
    if (key == null) {
      out.add(new Violation(path + ".key", "is required: the label key the expression tests"));
    } else if (!isLabelKey(key)) {
      out.add(
          new Violation(
              path + ".key", "must be a label key: " + KEY_SYNTAX + " (was " + quoted(key) + ")"));
    }

    String operator = expression.getOperator();
    SelectorOperator known = SelectorOperator.fromValue(operator).orElse(null);
    if (operator == null) {
      out.add(new Violation(path + ".operator", "is required: one of " + OPERATORS));
    } else if (known == null) {
      out.add(
          new Violation(
              path + ".operator",
              "must be one of " + OPERATORS + " (was " + quoted(operator) + ")"));
    }

    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    String valuesPath = path + ".values";
    if (known != null && known.takesValues() && values.isEmpty()) {
      out.add(
          new Violation(valuesPath, "must list at least one value for operator " + known.value()));
    }
    if (known != null && !known.takesValues() && !values.isEmpty()) {
      out.add(
          new Violation(
              valuesPath,
              "must be empty for operator "
                  + known.value()
                  + ": it tests whether the label is there, not its value"));
    }
    if (values.size() > MAX_VALUES) {
      out.add(
          new Violation(
              valuesPath,
              "must have at most " + MAX_VALUES + " values (has " + values.size() + ")"));
    }
    for (int j = 0; j < values.size(); j++) {
      String value = values.get(j);
      if (!isLabelValue(value)) {
        out.add(
            new Violation(
                valuesPath + "[" + j + "]",
                "must be a label value: " + VALUE_SYNTAX + " (was " + quoted(value) + ")"));
      }
    }
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
