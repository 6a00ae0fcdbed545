package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** When a replica may start taking reads: {@code spec.admission}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"maxLag", "maxLagTime", "stableFor", "requireApproval", "rejectGrowingLag"})
public class AdmissionSpec {

  public static final String DEFAULT_MAX_LAG = "1Mi";
  public static final String DEFAULT_MAX_LAG_TIME = "0s";
  public static final String DEFAULT_STABLE_FOR = "10s";
  public static final boolean DEFAULT_REQUIRE_APPROVAL = false;

  /** On: measured not to delay admission on real Patroni (README, "Verified here"). */
  public static final boolean DEFAULT_REJECT_GROWING_LAG = true;

  @Default(DEFAULT_MAX_LAG)
  @Pattern(ByteQuantity.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = ReplicaGateValidator.CEL_WHOLE_BYTES,
      message = "maxLag must be a whole number of bytes")
  @JsonPropertyDescription(
      "Largest replay lag behind the leader, in bytes (Kubernetes quantity, e.g. 1Mi).")
  private String maxLag = DEFAULT_MAX_LAG;

  @Default(DEFAULT_MAX_LAG_TIME)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @JsonPropertyDescription("Largest replay lag in time (Go duration); 0s = not checked.")
  private String maxLagTime = DEFAULT_MAX_LAG_TIME;

  @Default(DEFAULT_STABLE_FOR)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @JsonPropertyDescription("How long the above must hold continuously (Go duration).")
  private String stableFor = DEFAULT_STABLE_FOR;

  @Default("" + DEFAULT_REQUIRE_APPROVAL)
  @JsonPropertyDescription(
      "No replica gets its first reads before an operator approves it (kubectl syncgate"
          + " approve).")
  private Boolean requireApproval = DEFAULT_REQUIRE_APPROVAL;

  @Default("" + DEFAULT_REJECT_GROWING_LAG)
  @JsonPropertyDescription(
      "Also require that the lag is not growing (its 30 s trend): a replica under maxLag but"
          + " falling behind would only be admitted to be ejected.")
  private Boolean rejectGrowingLag = DEFAULT_REJECT_GROWING_LAG;

  public AdmissionSpec() {}

  public Boolean getRejectGrowingLag() {
    return rejectGrowingLag;
  }

  /** Sets the switch; {@code null} means the default, as on the API server. */
  public void setRejectGrowingLag(Boolean rejectGrowingLag) {
    this.rejectGrowingLag =
        rejectGrowingLag == null ? DEFAULT_REJECT_GROWING_LAG : rejectGrowingLag;
  }

  public String getMaxLag() {
    return maxLag;
  }

  /** Sets the lag; {@code null} means the default, as on the API server. */
  public void setMaxLag(String maxLag) {
    this.maxLag = maxLag == null ? DEFAULT_MAX_LAG : maxLag;
  }

  public String getMaxLagTime() {
    return maxLagTime;
  }

  public void setMaxLagTime(String maxLagTime) {
    this.maxLagTime = maxLagTime == null ? DEFAULT_MAX_LAG_TIME : maxLagTime;
  }

  public String getStableFor() {
    return stableFor;
  }

  public void setStableFor(String stableFor) {
    this.stableFor = stableFor == null ? DEFAULT_STABLE_FOR : stableFor;
  }

  public Boolean getRequireApproval() {
    return requireApproval;
  }

  /** Sets whether admission waits for an approval; {@code null} means the default, false. */
  public void setRequireApproval(Boolean requireApproval) {
    this.requireApproval = requireApproval == null ? DEFAULT_REQUIRE_APPROVAL : requireApproval;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdmissionSpec other
        && Objects.equals(maxLag, other.maxLag)
        && Objects.equals(maxLagTime, other.maxLagTime)
        && Objects.equals(stableFor, other.stableFor)
        && Objects.equals(requireApproval, other.requireApproval)
        && Objects.equals(rejectGrowingLag, other.rejectGrowingLag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxLag, maxLagTime, stableFor, requireApproval, rejectGrowingLag);
  }

  @Override
  public String toString() {
    return "AdmissionSpec(maxLag="
        + maxLag
        + ", maxLagTime="
        + maxLagTime
        + ", stableFor="
        + stableFor
        + ", requireApproval="
        + requireApproval
        + ", rejectGrowingLag="
        + rejectGrowingLag
        + ")";
  }
}
