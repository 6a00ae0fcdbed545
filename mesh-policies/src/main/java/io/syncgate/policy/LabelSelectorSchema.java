package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * The CRD schema of {@code spec.selector}: a Kubernetes label selector with every constraint the
 * OpenAPI schema can express (value syntax, the operator enum, required key and operator, sizes).
 * Only the CRD generator reads this class ({@code @SchemaFrom} on the field); the spec itself holds
 * fabric8's {@code LabelSelector}, which the controller matches against its namespace's pods. The
 * rest of the rules are CEL on the field and Java in {@link LabelSelectorRules}.
 */
final class LabelSelectorSchema {

  @JsonProperty
  @Size(max = LabelSelectorRules.MAX_MATCH_LABELS)
  @JsonPropertyDescription("Labels the member pods carry, key: value.")
  private Map<
          String,
          @Size(max = LabelSelectorRules.MAX_LABEL_VALUE_LENGTH)
          @Pattern(LabelSelectorRules.LABEL_VALUE) String>
      matchLabels;

  @JsonProperty
  @Size(max = LabelSelectorRules.MAX_MATCH_EXPRESSIONS)
  @JsonPropertyDescription("Expressions on the member pods' labels; all must hold.")
  private List<Requirement> matchExpressions;

  private LabelSelectorSchema() {}

  /** One entry of {@code matchExpressions}. */
  static final class Requirement {

    @JsonProperty
    @Required
    @Size(min = 1, max = ReplicaGateValidator.MAX_LABEL_KEY_LENGTH)
    @Pattern(ReplicaGateValidator.LABEL_KEY)
    @JsonPropertyDescription("The label key the expression tests.")
    private String key;

    @JsonProperty
    @Required
    @SchemaFrom(type = SelectorOperator.class)
    @JsonPropertyDescription("In or NotIn (with values), Exists or DoesNotExist (without values).")
    private String operator;

    @JsonProperty
    @Size(max = LabelSelectorRules.MAX_VALUES)
    @JsonPropertyDescription("The label values for In and NotIn.")
    private List<
            @Size(max = LabelSelectorRules.MAX_LABEL_VALUE_LENGTH)
            @Pattern(LabelSelectorRules.LABEL_VALUE) String>
        values;

    private Requirement() {}
  }
}
