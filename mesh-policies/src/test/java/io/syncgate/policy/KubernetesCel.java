package io.syncgate.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * cel-java with the Kubernetes CEL library functions the CRD's rules may use, implemented with
 * fabric8's {@link Quantity}: {@code isQuantity}, {@code quantity}, and on quantities {@code
 * compareTo}, {@code isLessThan}, {@code isGreaterThan}, {@code isInteger}, {@code asInteger},
 * {@code sign}; {@code isSorted} on lists. {@code duration} and {@code matches} are CEL's own. A
 * rule calling anything else fails to compile here, so it cannot reach the CRD unchecked.
 */
final class KubernetesCel {

  static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

  /** resource.ParseQuantity's grammar: signed decimal, then a binary/decimal suffix or exponent. */
  private static final Pattern KUBERNETES_QUANTITY =
      Pattern.compile(
          "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$");

  private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final List<CelFunctionDecl> DECLARATIONS =
      List.of(
          CelFunctionDecl.newFunctionDeclaration(
              "isQuantity",
              CelOverloadDecl.newGlobalOverload(
                  "is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
          CelFunctionDecl.newFunctionDeclaration(
              "quantity",
              CelOverloadDecl.newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
          CelFunctionDecl.newFunctionDeclaration(
              "compareTo",
              CelOverloadDecl.newMemberOverload(
                  "quantity_compare_to", SimpleType.INT, QUANTITY, QUANTITY)),
          CelFunctionDecl.newFunctionDeclaration(
              "isLessThan",
              CelOverloadDecl.newMemberOverload(
                  "quantity_is_less_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
          CelFunctionDecl.newFunctionDeclaration(
              "isGreaterThan",
              CelOverloadDecl.newMemberOverload(
                  "quantity_is_greater_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
          CelFunctionDecl.newFunctionDeclaration(
              "isInteger",
              CelOverloadDecl.newMemberOverload("quantity_is_integer", SimpleType.BOOL, QUANTITY)),
          CelFunctionDecl.newFunctionDeclaration(
              "asInteger",
              CelOverloadDecl.newMemberOverload("quantity_as_integer", SimpleType.INT, QUANTITY)),
          CelFunctionDecl.newFunctionDeclaration(
              "sign", CelOverloadDecl.newMemberOverload("quantity_sign", SimpleType.INT, QUANTITY)),
          CelFunctionDecl.newFunctionDeclaration(
              "isSorted",
              CelOverloadDecl.newMemberOverload(
                  "list_int_is_sorted", SimpleType.BOOL, ListType.create(SimpleType.INT)),
              CelOverloadDecl.newMemberOverload(
                  "list_string_is_sorted", SimpleType.BOOL, ListType.create(SimpleType.STRING))));

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .addFunctionBindings(
              CelFunctionBinding.from(
                  "is_quantity_string", String.class, KubernetesCel::isQuantity),
              CelFunctionBinding.from("string_to_quantity", String.class, KubernetesCel::quantity),
              CelFunctionBinding.from(
                  "quantity_compare_to",
                  Quantity.class,
                  Quantity.class,
                  (a, b) -> (long) Integer.signum(amount(a).compareTo(amount(b)))),
              CelFunctionBinding.from(
                  "quantity_is_less_than",
                  Quantity.class,
                  Quantity.class,
                  (a, b) -> amount(a).compareTo(amount(b)) < 0),
              CelFunctionBinding.from(
                  "quantity_is_greater_than",
                  Quantity.class,
                  Quantity.class,
                  (a, b) -> amount(a).compareTo(amount(b)) > 0),
              CelFunctionBinding.from(
                  "quantity_is_integer", Quantity.class, KubernetesCel::isInteger),
              CelFunctionBinding.from(
                  "quantity_as_integer",
                  Quantity.class,
                  q -> {
                    if (!isInteger(q)) {
                      throw new CelEvaluationException("cannot convert value to integer: " + q);
                    }
                    return amount(q).longValueExact();
                  }),
              CelFunctionBinding.from(
                  "quantity_sign", Quantity.class, q -> (long) amount(q).signum()),
              CelFunctionBinding.from("list_int_is_sorted", List.class, KubernetesCel::isSorted),
              CelFunctionBinding.from("list_string_is_sorted", List.class, KubernetesCel::isSorted))
          .build();

  private KubernetesCel() {}

  /** The CEL type the API server gives {@code self} for a value of this schema. */
  @SuppressWarnings("unchecked")
  static CelType typeOf(Map<String, Object> schema) {
    String type = (String) schema.get("type");
    return switch (type) {
      case "object" -> MapType.create(SimpleType.STRING, SimpleType.DYN);
      case "array" -> ListType.create(typeOf((Map<String, Object>) schema.get("items")));
      case "string" -> SimpleType.STRING;
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      default -> throw new IllegalStateException("no CEL type for schema type " + type);
    };
  }

  /** Compiles {@code rule} with {@code self} of type {@code selfType}; it must yield a bool. */
  static CelAbstractSyntaxTree compile(String rule, CelType selfType)
      throws CelValidationException {
    CelValidationResult result =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", selfType)
            .addFunctionDeclarations(DECLARATIONS)
            .setResultType(SimpleType.BOOL)
            .build()
            .compile(rule);
    return result.getAst();
  }

  /** Evaluates a compiled rule with {@code self} bound to a YAML-shaped value. */
  static boolean eval(CelAbstractSyntaxTree ast, Object self) throws CelEvaluationException {
    Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toCel(self)));
    if (!(result instanceof Boolean b)) {
      throw new IllegalStateException("rule did not yield a bool: " + result);
    }
    return b;
  }

  /** YAML numbers come as Integer; CEL's int is Long. */
  static Object toCel(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, toCel(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(toCel(v)));
      return out;
    }
    return value;
  }

  static boolean isQuantity(String s) {
    if (!KUBERNETES_QUANTITY.matcher(s).matches()) {
      return false;
    }
    try {
      amount(Quantity.parse(s));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static Quantity quantity(String s) throws CelEvaluationException {
    if (!isQuantity(s)) {
      throw new CelEvaluationException("quantities must match the regular expression: " + s);
    }
    return Quantity.parse(s);
  }

  private static BigDecimal amount(Quantity q) {
    return q.getNumericalAmount();
  }

  /** As Kubernetes: true when the value is a whole number that fits an int64. */
  private static boolean isInteger(Quantity q) {
    BigDecimal a = amount(q);
    return a.stripTrailingZeros().scale() <= 0
        && a.compareTo(MIN_LONG) >= 0
        && a.compareTo(MAX_LONG) <= 0;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean isSorted(List list) {
    for (int i = 1; i < list.size(); i++) {
      if (((Comparable) list.get(i - 1)).compareTo(list.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }
}
