package io.syncgate.policy.gating;

import java.util.Objects;

/**
 * A member that must get no weight, and in the mesh no subset, whatever its samples say: the step
 * treats it like a replica with a hard cause (never admitted, ejected at once when it holds a
 * share, even while the leader is unknown) and leaves it out of the route, so the weights sum to
 * 100 over the others.
 *
 * @param member the member (pod) name
 * @param cause why, as a kind the gate's conditions name
 * @param detail why, for people: "name is not a DNS-1123 label"
 */
public record Exclusion(String member, Cause cause, String detail) {

  /** The kinds of exclusion. */
  public enum Cause {
    /** The pod name cannot name an Istio subset: it is not a DNS-1123 label. */
    INVALID_SUBSET_NAME,
    /**
     * The pod's {@code mesh.subsetLabel} value is not its own name, so the subset Syncgate writes
     * for it would select no endpoint (or another pod's).
     */
    SUBSET_LABEL_MISMATCH,
    /**
     * The pod is not a ready endpoint of the read host's Service (not selected by it, or not
     * ready), so its subset would select no endpoint.
     */
    NO_READY_ENDPOINT
  }

  public Exclusion {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
  }

  /** The replica's reason while it is excluded. */
  public String reason() {
    return "excluded: " + detail;
  }
}
