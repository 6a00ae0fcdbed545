package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the controller observed and decided for a {@link ReplicaGate}. Written only through the
 * status subresource; {@code serving}, {@code ramping} and {@code gated} are counts for the printer
 * columns.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "observedGeneration",
  "leader",
  "timeline",
  "serving",
  "ramping",
  "gated",
  "rollout",
  "replicas",
  "lastActions",
  "conditions"
})
public class ReplicaGateStatus {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("Name of the current leader member.")
  private String leader;

  @JsonPropertyDescription("The leader's timeline.")
  private Long timeline;

  @JsonPropertyDescription("Replicas with a full share.")
  private Integer serving;

  @JsonPropertyDescription("Replicas ramping in.")
  private Integer ramping;

  @JsonPropertyDescription("Replicas held at weight 0 (Unknown, Gated or Ejected).")
  private Integer gated;

  @JsonPropertyDescription(
      "Rollout progress in one line, e.g. \"2/4 serving; hippo-3 25% (waiting for the step"
          + " timer); hippo-4 waiting for its turn\".")
  private String rollout;

  @JsonPropertyDescription("One entry per replica, sorted by name.")
  private List<ReplicaStatus> replicas = new ArrayList<>();

  @JsonPropertyDescription(
      "The latest operator actions (hold, resume, promote, abort, approve), newest last, at most "
          + ActionStatus.MAX_KEPT
          + ": what was asked, by whom, and whether it was applied or refused and why.")
  private List<ActionStatus> lastActions = new ArrayList<>();

  @JsonPropertyDescription("Ready, Degraded, InvalidSpec, Conflict (metav1.Condition).")
  private List<Condition> conditions = new ArrayList<>();

  public ReplicaGateStatus() {}

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getLeader() {
    return leader;
  }

  public void setLeader(String leader) {
    this.leader = leader;
  }

  public Long getTimeline() {
    return timeline;
  }

  public void setTimeline(Long timeline) {
    this.timeline = timeline;
  }

  public Integer getServing() {
    return serving;
  }

  public void setServing(Integer serving) {
    this.serving = serving;
  }

  public Integer getRamping() {
    return ramping;
  }

  public void setRamping(Integer ramping) {
    this.ramping = ramping;
  }

  public Integer getGated() {
    return gated;
  }

  public void setGated(Integer gated) {
    this.gated = gated;
  }

  public String getRollout() {
    return rollout;
  }

  public void setRollout(String rollout) {
    this.rollout = rollout;
  }

  public List<ActionStatus> getLastActions() {
    return lastActions;
  }

  public void setLastActions(List<ActionStatus> lastActions) {
    this.lastActions = lastActions == null ? new ArrayList<>() : lastActions;
  }

  public List<ReplicaStatus> getReplicas() {
    return replicas;
  }

  public void setReplicas(List<ReplicaStatus> replicas) {
    this.replicas = replicas == null ? new ArrayList<>() : replicas;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaGateStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(leader, other.leader)
        && Objects.equals(timeline, other.timeline)
        && Objects.equals(serving, other.serving)
        && Objects.equals(ramping, other.ramping)
        && Objects.equals(gated, other.gated)
        && Objects.equals(rollout, other.rollout)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(lastActions, other.lastActions)
        && Objects.equals(conditions, other.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        leader,
        timeline,
        serving,
        ramping,
        gated,
        rollout,
        replicas,
        lastActions,
        conditions);
  }

  @Override
  public String toString() {
    return "ReplicaGateStatus(observedGeneration="
        + observedGeneration
        + ", leader="
        + leader
        + ", timeline="
        + timeline
        + ", serving="
        + serving
        + ", ramping="
        + ramping
        + ", gated="
        + gated
        + ", rollout="
        + rollout
        + ", replicas="
        + replicas
        + ", lastActions="
        + lastActions
        + ", conditions="
        + conditions
        + ")";
  }
}
