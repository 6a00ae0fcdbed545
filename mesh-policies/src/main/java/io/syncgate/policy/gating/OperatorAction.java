package io.syncgate.policy.gating;

import java.time.Instant;
import java.util.Objects;

/**
 * One operator request for one replica, as read from the gate's annotations.
 *
 * @param id the request's id, unique per gate (the name part of its annotation key)
 * @param verb what is asked
 * @param replica the replica (member pod name) it is about
 * @param by who asked, as the client said, or null
 * @param requestedAt when, as the client said, or null
 */
public record OperatorAction(
    String id, ActionVerb verb, String replica, String by, Instant requestedAt) {

  public OperatorAction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(replica, "replica");
  }
}
