package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One operator action the controller took or refused: an entry of {@code status.lastActions}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "id",
  "action",
  "replica",
  "by",
  "requestedAt",
  "appliedAt",
  "result",
  "message"
})
public class ActionStatus {

  /** How many actions {@code status.lastActions} keeps. */
  public static final int MAX_KEPT = io.syncgate.policy.gating.GateState.MAX_ACTIONS;

  public static final String APPLIED = "Applied";
  public static final String REFUSED = "Refused";

  @JsonPropertyDescription("The request's id: the name part of its annotation key.")
  private String id;

  @JsonPropertyDescription("hold, resume, promote, abort or approve.")
  private String action;

  @JsonPropertyDescription("The replica it was about.")
  private String replica;

  @JsonPropertyDescription(
      "Who asked, as the client said (kubectl syncgate sends the kubeconfig user); not verified: the API server's audit log has the authenticated user.")
  private String by;

  @JsonPropertyDescription("When it was asked, as the client said (RFC 3339).")
  private String requestedAt;

  @JsonPropertyDescription("When the controller took it (RFC 3339).")
  private String appliedAt;

  @JsonPropertyDescription("Applied or Refused.")
  private String result;

  @JsonPropertyDescription("What it did, or why it was refused.")
  private String message;

  public ActionStatus() {}

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getAction() {
    return action;
  }

  public void setAction(String action) {
    this.action = action;
  }

  public String getReplica() {
    return replica;
  }

  public void setReplica(String replica) {
    this.replica = replica;
  }

  public String getBy() {
    return by;
  }

  public void setBy(String by) {
    this.by = by;
  }

  public String getRequestedAt() {
    return requestedAt;
  }

  public void setRequestedAt(String requestedAt) {
    this.requestedAt = requestedAt;
  }

  public String getAppliedAt() {
    return appliedAt;
  }

  public void setAppliedAt(String appliedAt) {
    this.appliedAt = appliedAt;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActionStatus other
        && Objects.equals(id, other.id)
        && Objects.equals(action, other.action)
        && Objects.equals(replica, other.replica)
        && Objects.equals(by, other.by)
        && Objects.equals(requestedAt, other.requestedAt)
        && Objects.equals(appliedAt, other.appliedAt)
        && Objects.equals(result, other.result)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, action, replica, by, requestedAt, appliedAt, result, message);
  }

  @Override
  public String toString() {
    return "ActionStatus(id="
        + id
        + ", action="
        + action
        + ", replica="
        + replica
        + ", by="
        + by
        + ", requestedAt="
        + requestedAt
        + ", appliedAt="
        + appliedAt
        + ", result="
        + result
        + ", message="
        + message
        + ")";
  }
}
