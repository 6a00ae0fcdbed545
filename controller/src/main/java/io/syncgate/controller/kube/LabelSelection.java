package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.syncgate.policy.SelectorOperator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Label selectors matched in the controller, against a namespace's shared cache: an index of every
 * label ({@code key=value}, and {@code key} alone) narrows the candidates to those of the
 * selector's most selective indexable term, and the whole selector, {@code matchExpressions}
 * included, is then matched on each candidate as the API server would match it.
 */
final class LabelSelection {

  /** The index of objects by each label, {@code key=value}, and by each label key alone. */
  static final String LABEL_INDEX = "syncgate.io/label";

  private LabelSelection() {}

  /** The {@link #LABEL_INDEX} values of {@code object}. */
  static List<String> indexValues(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(labels.size() * 2);
    // A label key has no '=', so "key" never equals any "key=value".
    labels.forEach(
        (key, value) -> {
          out.add(key + "=" + value);
          out.add(key);
        });
    return out;
  }

  /**
   * The objects of {@code cache} (indexed by {@link #LABEL_INDEX}) that {@code selector} matches,
   * by name.
   */
  static <T extends HasMetadata> List<T> select(Indexer<T> cache, LabelSelector selector) {
    Collection<String> narrowest = narrowest(cache, selector);
    List<T> out = new ArrayList<>();
    if (narrowest == null) {
      for (T object : cache.list()) {
        if (matches(selector, object.getMetadata().getLabels())) {
          out.add(object);
        }
      }
    } else {
      for (String key : narrowest) {
        T object = cache.getByKey(key);
        if (object != null && matches(selector, object.getMetadata().getLabels())) {
          out.add(object);
        }
      }
    }
    out.sort(Comparator.comparing(o -> o.getMetadata().getName()));
    return out;
  }

  /**
   * The cache keys of the fewest candidates an indexable term of {@code selector} allows (a
   * matchLabels entry, an {@code In} or {@code Exists} expression), or null when it has none (only
   * {@code NotIn} and {@code DoesNotExist}): then every object is a candidate.
   */
  private static <T> Collection<String> narrowest(Indexer<T> cache, LabelSelector selector) {
    Collection<String> best = null;
    if (selector == null) {
      return List.of();
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> label : selector.getMatchLabels().entrySet()) {
        best = fewer(best, cache.indexKeys(LABEL_INDEX, label.getKey() + "=" + label.getValue()));
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
        SelectorOperator operator =
            expression == null
                ? null
                : SelectorOperator.fromValue(expression.getOperator()).orElse(null);
        if (operator == SelectorOperator.IN && expression.getValues() != null) {
          Set<String> union = new LinkedHashSet<>();
          for (String value : expression.getValues()) {
            union.addAll(cache.indexKeys(LABEL_INDEX, expression.getKey() + "=" + value));
          }
          best = fewer(best, union);
        } else if (operator == SelectorOperator.EXISTS) {
          best = fewer(best, cache.indexKeys(LABEL_INDEX, expression.getKey()));
        }
      }
    }
    return best;
  }

  private static Collection<String> fewer(Collection<String> a, Collection<String> b) {
    return a == null || b.size() < a.size() ? b : a;
  }

  /**
   * Whether {@code selector} matches {@code labels}, as Kubernetes matches a {@code
   * metav1.LabelSelector}: every matchLabels entry and every expression must hold; an empty
   * selector matches everything, a null one nothing, and so does an expression with an unknown
   * operator or an {@code In}/{@code NotIn} without values (a gate's selector is validated before
   * it is used, so these do not happen).
   */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> label : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(have.get(label.getKey()), label.getValue())) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
        if (!holds(expression, have)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(LabelSelectorRequirement expression, Map<String, String> labels) {
    if (expression == null || expression.getKey() == null) {
      return false;
    }
    SelectorOperator operator = SelectorOperator.fromValue(expression.getOperator()).orElse(null);
    if (operator == null) {
      return false;
    }
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    String value = labels.get(expression.getKey());
    return switch (operator) {
      case IN -> !values.isEmpty() && value != null && values.contains(value);
      case NOT_IN -> !values.isEmpty() && (value == null || !values.contains(value));
      case EXISTS -> value != null;
      case DOES_NOT_EXIST -> value == null;
    };
  }
}
