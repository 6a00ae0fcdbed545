package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** What the gate decided for one replica: an entry of {@code status.replicas}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "name",
  "uid",
  "phase",
  "weight",
  "step",
  "lagBytes",
  "lagSeconds",
  "since",
  "reason"
})
public class ReplicaStatus {

  @JsonPropertyDescription("Member (pod) name.")
  private String name;

  @JsonPropertyDescription(
      "UID of the member pod this entry is about: a pod re-created under the same name starts"
          + " over.")
  private String uid;

  @JsonPropertyDescription("Unknown, Gated, Ramping, Serving or Ejected.")
  private String phase;

  @JsonPropertyDescription("Percent of the read route this replica gets now.")
  private Integer weight;

  @JsonPropertyDescription("Index into spec.ramp.steps while Ramping.")
  private Integer step;

  @JsonPropertyDescription("Replay lag behind the leader in bytes, when known.")
  private Long lagBytes;

  @JsonPropertyDescription("Replay lag in seconds, when known.")
  private Double lagSeconds;

  @JsonPropertyDescription("Time of the last phase change (RFC 3339).")
  private String since;

  @JsonPropertyDescription("Why the replica is in this phase.")
  private String reason;

  public ReplicaStatus() {}

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUid() {
    return uid;
  }

  public void setUid(String uid) {
    this.uid = uid;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public Long getLagBytes() {
    return lagBytes;
  }

  public void setLagBytes(Long lagBytes) {
    this.lagBytes = lagBytes;
  }

  public Double getLagSeconds() {
    return lagSeconds;
  }

  public void setLagSeconds(Double lagSeconds) {
    this.lagSeconds = lagSeconds;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaStatus other
        && Objects.equals(name, other.name)
        && Objects.equals(uid, other.uid)
        && Objects.equals(phase, other.phase)
        && Objects.equals(weight, other.weight)
        && Objects.equals(step, other.step)
        && Objects.equals(lagBytes, other.lagBytes)
        && Objects.equals(lagSeconds, other.lagSeconds)
        && Objects.equals(since, other.since)
        && Objects.equals(reason, other.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, uid, phase, weight, step, lagBytes, lagSeconds, since, reason);
  }

  @Override
  public String toString() {
    return "ReplicaStatus(name="
        + name
        + ", uid="
        + uid
        + ", phase="
        + phase
        + ", weight="
        + weight
        + ", step="
        + step
        + ", lagBytes="
        + lagBytes
        + ", lagSeconds="
        + lagSeconds
        + ", since="
        + since
        + ", reason="
        + reason
        + ")";
  }
}
