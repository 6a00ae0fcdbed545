package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How an admitted replica ramps in: {@code spec.ramp}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"steps", "stepInterval", "maxRamping"})
public class RampSpec {

  /** The default steps, percent of a full share. */
  public static final List<Integer> DEFAULT_STEPS = List.of(10, 25, 50, 100);

  public static final String DEFAULT_STEP_INTERVAL = "30s";

  @Default("[10, 25, 50, 100]")
  @Size(min = 1, max = 100)
  @ValidationRule(
      value = "self.isSorted() && self.all(s, self.exists_one(t, t == s))",
      message = "steps must be strictly increasing")
  @ValidationRule(
      value = "self.size() == 0 || self[self.size() - 1] == 100",
      message = "the last step must be 100")
  @JsonPropertyDescription(
      "Percent of a full share at each ramp step: strictly increasing in 1..100, the last is"
          + " 100.")
  private List<@Min(1) @Max(100) Integer> steps = new ArrayList<>(DEFAULT_STEPS);

  @Default(DEFAULT_STEP_INTERVAL)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @JsonPropertyDescription("Time between ramp steps (Go duration).")
  private String stepInterval = DEFAULT_STEP_INTERVAL;

  /** The largest {@code maxRamping}: more than any cluster has members. */
  public static final int MAX_RAMPING = 1000;

  @Min(1)
  @Max(MAX_RAMPING)
  @JsonPropertyDescription(
      "Optional: at most this many replicas ramp at once while another replica serves; the next"
          + " caught-up replica waits for its turn, first come first served. While no replica"
          + " serves, caught-up replicas are admitted together, straight to a full share (a ramp"
          + " would move no reads: they would share all reads equally anyway). Unset: no limit.")
  private Integer maxRamping;

  public RampSpec() {}

  public Integer getMaxRamping() {
    return maxRamping;
  }

  public void setMaxRamping(Integer maxRamping) {
    this.maxRamping = maxRamping;
  }

  public List<Integer> getSteps() {
    return steps;
  }

  /** Sets the steps; {@code null} means the default, as on the API server. */
  public void setSteps(List<Integer> steps) {
    this.steps = steps == null ? new ArrayList<>(DEFAULT_STEPS) : steps;
  }

  public String getStepInterval() {
    return stepInterval;
  }

  public void setStepInterval(String stepInterval) {
    this.stepInterval = stepInterval == null ? DEFAULT_STEP_INTERVAL : stepInterval;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RampSpec other
        && Objects.equals(steps, other.steps)
        && Objects.equals(stepInterval, other.stepInterval)
        && Objects.equals(maxRamping, other.maxRamping);
  }

  @Override
  public int hashCode() {
    return Objects.hash(steps, stepInterval, maxRamping);
  }

  @Override
  public String toString() {
    return "RampSpec(steps="
        + steps
        + ", stepInterval="
        + stepInterval
        + ", maxRamping="
        + maxRamping
        + ")";
  }
}
