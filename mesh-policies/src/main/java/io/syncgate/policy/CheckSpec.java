package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** One PromQL check of the analysis: an entry of {@code spec.analysis.checks}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "query", "comparison", "threshold", "interval"})
public class CheckSpec {

  /** The placeholder replaced by the replica's pod name. */
  public static final String REPLICA_PLACEHOLDER = "{{replica}}";

  /** The placeholder replaced by the gate's namespace. */
  public static final String NAMESPACE_PLACEHOLDER = "{{namespace}}";

  public static final int MAX_NAME_LENGTH = 63;
  public static final int MAX_QUERY_LENGTH = 4096;
  public static final String DEFAULT_INTERVAL = "30s";

  @Required
  @Size(min = 1, max = MAX_NAME_LENGTH)
  @Pattern(ReplicaGateValidator.DNS_LABEL)
  @JsonPropertyDescription("Name of the check, unique in the gate (a DNS label).")
  private String name;

  @Required
  @Size(min = 1, max = MAX_QUERY_LENGTH)
  @JsonPropertyDescription(
      "PromQL query whose result is compared with threshold; {{replica}} and {{namespace}} are"
          + " replaced by the replica's pod name and the gate's namespace.")
  private String query;

  @Required
  @SchemaFrom(type = CheckComparison.class)
  @JsonPropertyDescription(
      "How a passing result compares with threshold: <, <=, > or >= (with <, a result below"
          + " threshold passes).")
  private String comparison;

  @Required
  @JsonPropertyDescription("The number the result is compared with (finite).")
  private Double threshold;

  @Default(DEFAULT_INTERVAL)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = "duration(self) >= duration('1s')",
      message = "interval must be at least 1s")
  @ValidationRule(
      value = "duration(self) <= duration('10m')",
      message = "interval must be at most 10m")
  @JsonPropertyDescription(
      "No query of this check is sent more often than this (Go duration, 1s..10m).")
  private String interval = DEFAULT_INTERVAL;

  public CheckSpec() {}

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getQuery() {
    return query;
  }

  public void setQuery(String query) {
    this.query = query;
  }

  public String getComparison() {
    return comparison;
  }

  public void setComparison(String comparison) {
    this.comparison = comparison;
  }

  public Double getThreshold() {
    return threshold;
  }

  public void setThreshold(Double threshold) {
    this.threshold = threshold;
  }

  public String getInterval() {
    return interval;
  }

  /** Sets the interval; {@code null} means the default, as on the API server. */
  public void setInterval(String interval) {
    this.interval = interval == null ? DEFAULT_INTERVAL : interval;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckSpec other
        && Objects.equals(name, other.name)
        && Objects.equals(query, other.query)
        && Objects.equals(comparison, other.comparison)
        && Objects.equals(threshold, other.threshold)
        && Objects.equals(interval, other.interval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, query, comparison, threshold, interval);
  }

  @Override
  public String toString() {
    return "CheckSpec(name="
        + name
        + ", query="
        + query
        + ", comparison="
        + comparison
        + ", threshold="
        + threshold
        + ", interval="
        + interval
        + ")";
  }
}
