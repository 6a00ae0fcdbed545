package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The operators of a label selector's {@code matchExpressions}, as Kubernetes defines them. The
 * selector keeps the field a string (fabric8's {@code LabelSelectorRequirement}); this enum gives
 * the CRD its {@code enum} and the validator its list.
 */
public enum SelectorOperator {
  /** The label's value is one of {@code values} (at least one). */
  IN("In", true),
  /** The label is absent or its value is none of {@code values} (at least one). */
  NOT_IN("NotIn", true),
  /** The label is present, whatever its value; takes no {@code values}. */
  EXISTS("Exists", false),
  /** The label is absent; takes no {@code values}. */
  DOES_NOT_EXIST("DoesNotExist", false);

  private final String value;
  private final boolean takesValues;

  SelectorOperator(String value, boolean takesValues) {
    this.value = value;
    this.takesValues = takesValues;
  }

  /** The operator as written in the spec. */
  @JsonValue
  public String value() {
    return value;
  }

  /** Whether the expression must list values (In, NotIn) or must list none (Exists, ...). */
  public boolean takesValues() {
    return takesValues;
  }

  /** The operator written as {@code value}, if it is one. */
  public static java.util.Optional<SelectorOperator> fromValue(String value) {
    for (SelectorOperator o : values()) {
      if (o.value.equals(value)) {
        return java.util.Optional.of(o);
      }
    }
    return java.util.Optional.empty();
  }
}
