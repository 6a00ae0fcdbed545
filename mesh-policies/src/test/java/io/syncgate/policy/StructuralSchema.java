package io.syncgate.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an API server does with a CRD's structural schema before and besides CEL, for the keywords
 * this CRD uses: prune nulls and apply {@code default}s (top-down, into defaulted objects too),
 * then check type, required, enum, pattern, minimum/maximum, min/maxLength, min/maxItems and
 * min/maxProperties. A keyword it does not know fails loudly, so a new constraint cannot slip past
 * the agreement tests.
 */
final class StructuralSchema {

  private static final Set<String> KNOWN_KEYWORDS =
      Set.of(
          "type",
          "description",
          "properties",
          "required",
          "items",
          "additionalProperties",
          "default",
          "pattern",
          "enum",
          "minimum",
          "maximum",
          "minLength",
          "maxLength",
          "minItems",
          "maxItems",
          "minProperties",
          "maxProperties",
          "x-kubernetes-validations");

  /** In a rule's location, the segment that stands for every item of an array. */
  static final String EACH_ITEM = "[]";

  /**
   * A rule of {@code x-kubernetes-validations} and where it sits: property names, and {@link
   * #EACH_ITEM} for a rule under an array's {@code items}, which runs once per item.
   */
  record LocatedRule(
      List<String> location, String rule, String message, String fieldPath, String reason) {

    /**
     * The reported field: the rule's location plus its fieldPath, e.g. spec.ejection.maxLag, or
     * spec.analysis.checks[].interval for a rule on each item.
     */
    String reportedPath() {
      return reportedPath(path("spec", location));
    }

    /** The reported field of the rule run at {@code at}, e.g. spec.analysis.checks[2].interval. */
    String reportedPath(String at) {
      return fieldPath == null ? at : at + fieldPath;
    }
  }

  /** {@code root} followed by {@code location}: {@code spec.analysis.checks[].interval}. */
  private static String path(String root, List<String> location) {
    StringBuilder out = new StringBuilder(root);
    for (String key : location) {
      out.append(key.equals(EACH_ITEM) ? "" : ".").append(key);
    }
    return out.toString();
  }

  private StructuralSchema() {}

  /**
   * A deep copy of {@code value} with nulls pruned and defaults applied, as the server stores it.
   */
  @SuppressWarnings("unchecked")
  static Object applyDefaults(Object value, Map<String, Object> schema) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
      Map<String, Object> additional = (Map<String, Object>) schema.get("additionalProperties");
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() != null) {
          out.put((String) e.getKey(), e.getValue());
        }
      }
      if (properties != null) {
        for (Map.Entry<String, Object> p : properties.entrySet()) {
          Map<String, Object> ps = (Map<String, Object>) p.getValue();
          if (!out.containsKey(p.getKey()) && ps.containsKey("default")) {
            out.put(p.getKey(), deepCopy(ps.get("default")));
          }
        }
      }
      for (Map.Entry<String, Object> e : out.entrySet()) {
        Map<String, Object> child =
            properties != null && properties.containsKey(e.getKey())
                ? (Map<String, Object>) properties.get(e.getKey())
                : additional;
        if (child != null) {
          e.setValue(applyDefaults(e.getValue(), child));
        }
      }
      return out;
    }
    if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(o == null ? null : applyDefaults(o, (Map<String, Object>) items));
      }
      return out;
    }
    return value;
  }

  /** Violations of the schema's own keywords (not CEL) by {@code value} at {@code path}. */
  static List<Violation> check(Object value, Map<String, Object> schema, String path) {
    List<Violation> out = new ArrayList<>();
    check(value, schema, path, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void check(
      Object value, Map<String, Object> schema, String path, List<Violation> out) {
    for (String keyword : schema.keySet()) {
      if (!KNOWN_KEYWORDS.contains(keyword)) {
        throw new IllegalStateException(
            "schema at " + path + " uses " + keyword + ", which this checker does not implement");
      }
    }
    String type = (String) schema.get("type");
    if (!hasType(value, type)) {
      out.add(new Violation(path, "must be of type " + type + ", was " + value));
      return;
    }
    if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
      out.add(new Violation(path, "must be one of " + allowed));
    }
    if (value instanceof String s) {
      int length = s.codePointCount(0, s.length());
      if (schema.get("minLength") instanceof Number min && length < min.longValue()) {
        out.add(new Violation(path, "must be at least " + min + " characters"));
      }
      if (schema.get("maxLength") instanceof Number max && length > max.longValue()) {
        out.add(new Violation(path, "must be at most " + max + " characters"));
      }
      // OpenAPI patterns are unanchored searches; ours carry their own anchors.
      if (schema.get("pattern") instanceof String p && !Pattern.compile(p).matcher(s).find()) {
        out.add(new Violation(path, "must match " + p));
      }
    }
    if (value instanceof Number n) {
      if (schema.get("minimum") instanceof Number min && n.doubleValue() < min.doubleValue()) {
        out.add(new Violation(path, "must be >= " + min));
      }
      if (schema.get("maximum") instanceof Number max && n.doubleValue() > max.doubleValue()) {
        out.add(new Violation(path, "must be <= " + max));
      }
    }
    if (value instanceof List<?> list) {
      if (schema.get("minItems") instanceof Number min && list.size() < min.longValue()) {
        out.add(new Violation(path, "must have at least " + min + " items"));
      }
      if (schema.get("maxItems") instanceof Number max && list.size() > max.longValue()) {
        out.add(new Violation(path, "must have at most " + max + " items"));
      }
      Map<String, Object> items = (Map<String, Object>) schema.get("items");
      for (int i = 0; i < list.size(); i++) {
        check(list.get(i), items, path + "[" + i + "]", out);
      }
    }
    if (value instanceof Map<?, ?> map) {
      if (schema.get("minProperties") instanceof Number min && map.size() < min.longValue()) {
        out.add(new Violation(path, "must have at least " + min + " properties"));
      }
      if (schema.get("maxProperties") instanceof Number max && map.size() > max.longValue()) {
        out.add(new Violation(path, "must have at most " + max + " properties"));
      }
      Map<String, Object> properties =
          (Map<String, Object>) schema.getOrDefault("properties", Map.of());
      Map<String, Object> additional = (Map<String, Object>) schema.get("additionalProperties");
      for (Object required : (List<Object>) schema.getOrDefault("required", List.of())) {
        if (!map.containsKey(required)) {
          out.add(new Violation(path + "." + required, "is required"));
        }
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = (String) e.getKey();
        Map<String, Object> child =
            properties.containsKey(key) ? (Map<String, Object>) properties.get(key) : additional;
        if (child == null) {
          // The server would prune it silently; a test spec must not rely on that.
          out.add(new Violation(path + "." + key, "is not a field of the schema"));
        } else {
          check(e.getValue(), child, path + "." + key, out);
        }
      }
    }
  }

  private static boolean hasType(Object value, String type) {
    if (type == null) {
      return true;
    }
    return switch (type) {
      case "object" -> value instanceof Map;
      case "array" -> value instanceof List;
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "integer" -> value instanceof Integer || value instanceof Long;
      case "number" -> value instanceof Number;
      default -> throw new IllegalStateException("unknown schema type " + type);
    };
  }

  /** Every {@code x-kubernetes-validations} rule under {@code schema}, with its location. */
  static List<LocatedRule> rules(Map<String, Object> schema) {
    List<LocatedRule> out = new ArrayList<>();
    collectRules(schema, new ArrayList<>(), out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void collectRules(
      Map<String, Object> schema, List<String> location, List<LocatedRule> out) {
    for (Map<String, Object> v :
        (List<Map<String, Object>>) schema.getOrDefault("x-kubernetes-validations", List.of())) {
      out.add(
          new LocatedRule(
              List.copyOf(location),
              (String) v.get("rule"),
              (String) v.get("message"),
              (String) v.get("fieldPath"),
              (String) v.get("reason")));
    }
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    if (properties != null) {
      for (Map.Entry<String, Object> p : properties.entrySet()) {
        location.add(p.getKey());
        collectRules((Map<String, Object>) p.getValue(), location, out);
        location.remove(location.size() - 1);
      }
    }
    if (schema.get("items") instanceof Map<?, ?> items) {
      location.add(EACH_ITEM);
      collectRules((Map<String, Object>) items, location, out);
      location.remove(location.size() - 1);
    }
    if (schema.get("additionalProperties") instanceof Map<?, ?> child
        && !rules((Map<String, Object>) child).isEmpty()) {
      throw new IllegalStateException(
          "rules under additionalProperties at " + location + " are not supported by this test");
    }
  }

  /** The schema of the field at {@code location} below {@code schema}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> schemaAt(Map<String, Object> schema, List<String> location) {
    Map<String, Object> s = schema;
    for (String key : location) {
      s =
          key.equals(EACH_ITEM)
              ? (Map<String, Object>) s.get("items")
              : (Map<String, Object>) ((Map<String, Object>) s.get("properties")).get(key);
    }
    return s;
  }

  /**
   * The values at {@code location} below {@code value}, by their path from {@code root} ({@link
   * #EACH_ITEM} becomes each item's index: {@code spec.analysis.checks[2].interval}); empty when a
   * part is absent.
   */
  static Map<String, Object> valuesAt(Object value, List<String> location, String root) {
    Map<String, Object> out = new LinkedHashMap<>();
    collectValues(value, location, 0, root, out);
    return out;
  }

  private static void collectValues(
      Object value, List<String> location, int depth, String at, Map<String, Object> out) {
    if (value == null) {
      return;
    }
    if (depth == location.size()) {
      out.put(at, value);
      return;
    }
    String key = location.get(depth);
    if (key.equals(EACH_ITEM)) {
      if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          collectValues(list.get(i), location, depth + 1, at + "[" + i + "]", out);
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      collectValues(map.get(key), location, depth + 1, at + "." + key, out);
    }
  }

  @SuppressWarnings("unchecked")
  static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, deepCopy(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return value;
  }
}
