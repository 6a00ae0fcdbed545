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
  "lagTrend",
  "catchUpBytesPerSecond",
  "catchUpEtaSeconds",
  "since",
  "reason",
  "waitingFor",
  "held",
  "aborted",
  "approved",
  "steppedBack"
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

  @JsonPropertyDescription(
      "Which way the replay lag goes over the last 30 s: CatchingUp, Flat or FallingBehind;"
          + " absent with fewer than 3 samples.")
  private String lagTrend;

  @JsonPropertyDescription(
      "How fast the replay lag shrinks, bytes per second (negative: it grows), over the last"
          + " 30 s; a robust slope a single outlier cannot move.")
  private Long catchUpBytesPerSecond;

  @JsonPropertyDescription(
      "Seconds until the lag is within admission.maxLag at that rate (0: it is); absent when"
          + " it is not catching up.")
  private Long catchUpEtaSeconds;

  @JsonPropertyDescription("Time of the last phase change (RFC 3339).")
  private String since;

  @JsonPropertyDescription("Why the replica is in this phase.")
  private String reason;

  @JsonPropertyDescription(
      "What the replica waits for before its next change (stableFor, the step timer, an"
          + " approval, a hold, a check, its turn, a resume); absent when it waits for nothing.")
  private String waitingFor;

  @JsonPropertyDescription(
      "Held by an operator (kubectl syncgate hold): keeps its phase and step until resumed;"
          + " ejection still applies.")
  private Boolean held;

  @JsonPropertyDescription("Aborted by an operator or by analysis: out of reads until resumed.")
  private Boolean aborted;

  @JsonPropertyDescription(
      "An operator approved the replica's next approval point (admission with"
          + " admission.requireApproval, or a ramp.pauseAt step).")
  private Boolean approved;

  @JsonPropertyDescription(
      "Its lag grew faster than ramp.maxLagGrowth for ramp.maxLagGrowthFor: it went back one ramp"
          + " step and takes no further step until its lag is flat again.")
  private Boolean steppedBack;

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

  public String getLagTrend() {
    return lagTrend;
  }

  public void setLagTrend(String lagTrend) {
    this.lagTrend = lagTrend;
  }

  public Long getCatchUpBytesPerSecond() {
    return catchUpBytesPerSecond;
  }

  public void setCatchUpBytesPerSecond(Long catchUpBytesPerSecond) {
    this.catchUpBytesPerSecond = catchUpBytesPerSecond;
  }

  public Long getCatchUpEtaSeconds() {
    return catchUpEtaSeconds;
  }

  public void setCatchUpEtaSeconds(Long catchUpEtaSeconds) {
    this.catchUpEtaSeconds = catchUpEtaSeconds;
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

  public String getWaitingFor() {
    return waitingFor;
  }

  public void setWaitingFor(String waitingFor) {
    this.waitingFor = waitingFor;
  }

  public Boolean getHeld() {
    return held;
  }

  public void setHeld(Boolean held) {
    this.held = held;
  }

  public Boolean getAborted() {
    return aborted;
  }

  public void setAborted(Boolean aborted) {
    this.aborted = aborted;
  }

  public Boolean getApproved() {
    return approved;
  }

  public void setApproved(Boolean approved) {
    this.approved = approved;
  }

  public Boolean getSteppedBack() {
    return steppedBack;
  }

  public void setSteppedBack(Boolean steppedBack) {
    this.steppedBack = steppedBack;
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
        && Objects.equals(lagTrend, other.lagTrend)
        && Objects.equals(catchUpBytesPerSecond, other.catchUpBytesPerSecond)
        && Objects.equals(catchUpEtaSeconds, other.catchUpEtaSeconds)
        && Objects.equals(since, other.since)
        && Objects.equals(reason, other.reason)
        && Objects.equals(waitingFor, other.waitingFor)
        && Objects.equals(held, other.held)
        && Objects.equals(aborted, other.aborted)
        && Objects.equals(approved, other.approved)
        && Objects.equals(steppedBack, other.steppedBack);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        uid,
        phase,
        weight,
        step,
        lagBytes,
        lagSeconds,
        lagTrend,
        catchUpBytesPerSecond,
        catchUpEtaSeconds,
        since,
        reason,
        waitingFor,
        held,
        aborted,
        approved,
        steppedBack);
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
        + ", lagTrend="
        + lagTrend
        + ", catchUpBytesPerSecond="
        + catchUpBytesPerSecond
        + ", catchUpEtaSeconds="
        + catchUpEtaSeconds
        + ", since="
        + since
        + ", reason="
        + reason
        + ", waitingFor="
        + waitingFor
        + ", held="
        + held
        + ", aborted="
        + aborted
        + ", approved="
        + approved
        + ", steppedBack="
        + steppedBack
        + ")";
  }
}
