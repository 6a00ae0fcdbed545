package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** When a ramping or serving replica goes back to zero: {@code spec.ejection}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"maxLag", "maxLagTime", "unreachableFor"})
public class EjectionSpec {

  public static final String DEFAULT_MAX_LAG = "16Mi";
  public static final String DEFAULT_MAX_LAG_TIME = "0s";
  public static final String DEFAULT_UNREACHABLE_FOR = "10s";

  @Default(DEFAULT_MAX_LAG)
  @Pattern(ByteQuantity.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = ReplicaGateValidator.CEL_WHOLE_BYTES,
      message = "maxLag must be a whole number of bytes")
  @JsonPropertyDescription(
      "Replay lag in bytes above which a replica is ejected (Kubernetes quantity); must be >="
          + " admission.maxLag.")
  private String maxLag = DEFAULT_MAX_LAG;

  @Default(DEFAULT_MAX_LAG_TIME)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @JsonPropertyDescription(
      "Replay lag in time above which a replica is ejected (Go duration); 0s = not checked.")
  private String maxLagTime = DEFAULT_MAX_LAG_TIME;

  @Default(DEFAULT_UNREACHABLE_FOR)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = "duration(self) >= duration('1s')",
      message = "unreachableFor must be at least 1s")
  @JsonPropertyDescription(
      "Eject a replica whose Patroni has not answered for this long (Go duration, at least 1s).")
  private String unreachableFor = DEFAULT_UNREACHABLE_FOR;

  public EjectionSpec() {}

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

  public String getUnreachableFor() {
    return unreachableFor;
  }

  public void setUnreachableFor(String unreachableFor) {
    this.unreachableFor = unreachableFor == null ? DEFAULT_UNREACHABLE_FOR : unreachableFor;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EjectionSpec other
        && Objects.equals(maxLag, other.maxLag)
        && Objects.equals(maxLagTime, other.maxLagTime)
        && Objects.equals(unreachableFor, other.unreachableFor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxLag, maxLagTime, unreachableFor);
  }

  @Override
  public String toString() {
    return "EjectionSpec(maxLag="
        + maxLag
        + ", maxLagTime="
        + maxLagTime
        + ", unreachableFor="
        + unreachableFor
        + ")";
  }
}
