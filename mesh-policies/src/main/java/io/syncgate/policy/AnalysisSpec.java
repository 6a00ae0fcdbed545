package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * Prometheus checks of each replica: {@code spec.analysis}. Absent, a gate runs no analysis. A
 * replica fails its analysis when one check fails {@code failureLimit} times in a row; {@code
 * onFailure} says what happens then.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"prometheus", "checks", "failureLimit", "onFailure"})
public class AnalysisSpec {

  public static final int MAX_CHECKS = 20;
  public static final int MAX_FAILURE_LIMIT = 100;
  public static final int DEFAULT_FAILURE_LIMIT = 3;
  public static final String DEFAULT_ON_FAILURE = "StepBack";

  @Required
  @JsonPropertyDescription("The Prometheus server the checks query.")
  private PrometheusSpec prometheus;

  @Required
  @Size(min = 1, max = MAX_CHECKS)
  @ValidationRule(
      value = "self.all(c, !has(c.name) || self.exists_one(d, has(d.name) && d.name == c.name))",
      message = "check names must be unique")
  @JsonPropertyDescription("The checks, 1 to 20, with unique names.")
  private List<CheckSpec> checks;

  @Default("" + DEFAULT_FAILURE_LIMIT)
  @Min(1)
  @Max(MAX_FAILURE_LIMIT)
  @JsonPropertyDescription(
      "Failed results of one check in a row that fail the replica's analysis (1..100).")
  private Integer failureLimit = DEFAULT_FAILURE_LIMIT;

  @Default(DEFAULT_ON_FAILURE)
  @SchemaFrom(type = AnalysisOnFailure.class)
  @JsonPropertyDescription(
      "What a failed analysis does: StepBack (back to the first ramp step, whose timer starts"
          + " again) or Abort (out of reads until an operator resumes it).")
  private String onFailure = DEFAULT_ON_FAILURE;

  public AnalysisSpec() {}

  public PrometheusSpec getPrometheus() {
    return prometheus;
  }

  public void setPrometheus(PrometheusSpec prometheus) {
    this.prometheus = prometheus;
  }

  public List<CheckSpec> getChecks() {
    return checks;
  }

  public void setChecks(List<CheckSpec> checks) {
    this.checks = checks;
  }

  public Integer getFailureLimit() {
    return failureLimit;
  }

  /** Sets the failure limit; {@code null} means the default, as on the API server. */
  public void setFailureLimit(Integer failureLimit) {
    this.failureLimit = failureLimit == null ? DEFAULT_FAILURE_LIMIT : failureLimit;
  }

  public String getOnFailure() {
    return onFailure;
  }

  public void setOnFailure(String onFailure) {
    this.onFailure = onFailure == null ? DEFAULT_ON_FAILURE : onFailure;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnalysisSpec other
        && Objects.equals(prometheus, other.prometheus)
        && Objects.equals(checks, other.checks)
        && Objects.equals(failureLimit, other.failureLimit)
        && Objects.equals(onFailure, other.onFailure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prometheus, checks, failureLimit, onFailure);
  }

  @Override
  public String toString() {
    return "AnalysisSpec(prometheus="
        + prometheus
        + ", checks="
        + checks
        + ", failureLimit="
        + failureLimit
        + ", onFailure="
        + onFailure
        + ")";
  }
}
