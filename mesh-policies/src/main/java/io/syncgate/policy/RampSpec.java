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
@JsonPropertyOrder({
  "steps",
  "stepInterval",
  "maxRamping",
  "pauseAt",
  "maxLagGrowth",
  "maxLagGrowthFor"
})
@ValidationRule(
    value =
        "!has(self.pauseAt) || self.pauseAt.all(p, p < 100 && (has(self.steps) ? self.steps : "
            + RampSpec.DEFAULT_STEPS_LITERAL
            + ").exists(s, s == p))",
    message = "every pauseAt must be one of steps and below 100",
    fieldPath = ".pauseAt")
public class RampSpec {

  /** The default steps, percent of a full share. */
  public static final List<Integer> DEFAULT_STEPS = List.of(10, 25, 50, 100);

  /** {@link #DEFAULT_STEPS} as the CRD's default and the CEL rules write them. */
  static final String DEFAULT_STEPS_LITERAL = "[10, 25, 50, 100]";

  /** Not shorter than Istio's default drainDuration (45 s): README, "Operating notes". */
  public static final String DEFAULT_STEP_INTERVAL = "60s";

  public static final String DEFAULT_MAX_LAG_GROWTH = "256Ki";
  public static final String DEFAULT_MAX_LAG_GROWTH_FOR = "10s";

  @Default(DEFAULT_STEPS_LITERAL)
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

  /** The most {@code pauseAt} entries: one per step below 100. */
  public static final int MAX_PAUSE_AT = 99;

  @Size(max = MAX_PAUSE_AT)
  @ValidationRule(
      value = "self.all(p, self.exists_one(q, q == p))",
      message = "pauseAt must not repeat a step")
  @JsonPropertyDescription(
      "Ramp steps (percent of a full share) at which a ramping replica stops until an operator"
          + " approves it, like Argo Rollouts' indefinite pause step; each must be one of steps"
          + " and below 100.")
  private List<@Min(1) @Max(99) Integer> pauseAt;

  @Default(DEFAULT_MAX_LAG_GROWTH)
  @Pattern(ByteQuantity.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = ReplicaGateValidator.CEL_WHOLE_BYTES,
      message = "maxLagGrowth must be a whole number of bytes")
  @JsonPropertyDescription(
      "A ramping replica whose lag grows faster than this many bytes per second (Kubernetes"
          + " quantity) for maxLagGrowthFor goes back one ramp step (not to 0) and takes no"
          + " further step until its lag is flat again; 0 = never. ejection.maxLag stays the"
          + " backstop.")
  private String maxLagGrowth = DEFAULT_MAX_LAG_GROWTH;

  @Default(DEFAULT_MAX_LAG_GROWTH_FOR)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @JsonPropertyDescription(
      "How long the lag must grow faster than maxLagGrowth within a ramp step before the"
          + " replica steps back (Go duration).")
  private String maxLagGrowthFor = DEFAULT_MAX_LAG_GROWTH_FOR;

  public RampSpec() {}

  public String getMaxLagGrowth() {
    return maxLagGrowth;
  }

  /** Sets the rate; {@code null} means the default, as on the API server. */
  public void setMaxLagGrowth(String maxLagGrowth) {
    this.maxLagGrowth = maxLagGrowth == null ? DEFAULT_MAX_LAG_GROWTH : maxLagGrowth;
  }

  public String getMaxLagGrowthFor() {
    return maxLagGrowthFor;
  }

  /** Sets the duration; {@code null} means the default, as on the API server. */
  public void setMaxLagGrowthFor(String maxLagGrowthFor) {
    this.maxLagGrowthFor = maxLagGrowthFor == null ? DEFAULT_MAX_LAG_GROWTH_FOR : maxLagGrowthFor;
  }

  public Integer getMaxRamping() {
    return maxRamping;
  }

  public void setMaxRamping(Integer maxRamping) {
    this.maxRamping = maxRamping;
  }

  public List<Integer> getPauseAt() {
    return pauseAt;
  }

  /** Sets the pause steps; {@code null} means none. */
  public void setPauseAt(List<Integer> pauseAt) {
    this.pauseAt = pauseAt;
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
        && Objects.equals(maxRamping, other.maxRamping)
        && Objects.equals(pauseAt, other.pauseAt)
        && Objects.equals(maxLagGrowth, other.maxLagGrowth)
        && Objects.equals(maxLagGrowthFor, other.maxLagGrowthFor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(steps, stepInterval, maxRamping, pauseAt, maxLagGrowth, maxLagGrowthFor);
  }

  @Override
  public String toString() {
    return "RampSpec(steps="
        + steps
        + ", stepInterval="
        + stepInterval
        + ", maxRamping="
        + maxRamping
        + ", pauseAt="
        + pauseAt
        + ", maxLagGrowth="
        + maxLagGrowth
        + ", maxLagGrowthFor="
        + maxLagGrowthFor
        + ")";
  }
}
