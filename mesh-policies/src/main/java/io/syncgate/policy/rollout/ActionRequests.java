package io.syncgate.policy.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.gating.OperatorAction;
import io.syncgate.policy.gating.SafeText;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The wire format of operator actions: one annotation per request on the ReplicaGate, key {@code
 * request.syncgate.io/<id>}, value a small JSON object. {@code kubectl syncgate} adds one; the
 * controller records it in {@code status.lastActions} and then removes it (docs/design.md,
 * "Operator actions" says why annotations). The annotations are untrusted input: anything malformed
 * becomes a refused request with a reason, never an exception.
 */
public final class ActionRequests {

  /** The prefix of every request's annotation key. */
  public static final String PREFIX = "request.syncgate.io/";

  /** A request id: what a label name allows, kept short. */
  public static final Pattern ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,46}[a-z0-9])?");

  /** The largest annotation value read; a request is a few dozen bytes. */
  public static final int MAX_VALUE_CHARS = 1024;

  /** At most this many requests are taken per tick; the rest wait for the next. */
  public static final int MAX_PER_TICK = 5;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_FIELD_CHARS = 253;

  private ActionRequests() {}

  /**
   * One request annotation, read.
   *
   * @param key its annotation key
   * @param value its annotation value, as read (for a conditional removal)
   * @param action the action, or null when the request is malformed
   * @param error why it is malformed, or null
   */
  public record Request(String key, String value, OperatorAction action, String error) {

    /** The id: the key's name part. */
    public String id() {
      return key.substring(PREFIX.length());
    }

    public boolean valid() {
      return action != null;
    }
  }

  /** The annotation key of the request {@code id}. */
  public static String key(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("request id must match " + ID.pattern() + ": " + id);
    }
    return PREFIX + id;
  }

  /** The annotation value of a request. */
  public static String value(ActionVerb verb, String replica, String by, Instant at) {
    ObjectNode node = JSON.createObjectNode();
    node.put("action", verb.word());
    node.put("replica", replica);
    if (by != null) {
      node.put("by", by);
    }
    if (at != null) {
      node.put("at", at.toString());
    }
    return node.toString();
  }

  /**
   * The requests among a gate's annotations, oldest first (by the time the client gave, then by
   * id), at most {@link #MAX_PER_TICK}.
   *
   * @param annotations the gate's annotations, or null
   */
  public static List<Request> pending(Map<String, String> annotations) {
    List<Request> out = new ArrayList<>();
    if (annotations == null) {
      return out;
    }
    annotations.forEach(
        (key, value) -> {
          if (key != null && key.startsWith(PREFIX)) {
            out.add(parse(key, value));
          }
        });
    out.sort(
        Comparator.comparing(
                (Request r) -> r.valid() ? r.action().requestedAt() : null,
                Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Request::key));
    return out.size() > MAX_PER_TICK ? List.copyOf(out.subList(0, MAX_PER_TICK)) : out;
  }

  /**
   * The request annotations of {@code gate} whose outcome its status records (by id), key to value:
   * those the controller may remove.
   */
  public static Map<String, String> recorded(ReplicaGate gate) {
    Map<String, String> out = new TreeMap<>();
    Map<String, String> annotations = gate.getMetadata().getAnnotations();
    ReplicaGateStatus status = gate.getStatus();
    if (annotations == null || status == null || status.getLastActions() == null) {
      return out;
    }
    Set<String> ids = new HashSet<>();
    for (ActionStatus a : status.getLastActions()) {
      if (a != null && a.getId() != null) {
        ids.add(a.getId());
      }
    }
    annotations.forEach(
        (key, value) -> {
          if (key != null
              && key.startsWith(PREFIX)
              && ids.contains(key.substring(PREFIX.length()))) {
            out.put(key, value);
          }
        });
    return out;
  }

  static Request parse(String key, String value) {
    String id = key.substring(PREFIX.length());
    if (!ID.matcher(id).matches()) {
      return invalid(key, value, "request id must match " + ID.pattern());
    }
    if (value == null || value.length() > MAX_VALUE_CHARS) {
      return invalid(key, value, "request must be a JSON object of at most " + MAX_VALUE_CHARS);
    }
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return invalid(key, value, "request is not JSON");
    }
    if (node == null || !node.isObject()) {
      return invalid(key, value, "request is not a JSON object");
    }
    String word = text(node, "action");
    if (word == null) {
      return invalid(key, value, "request names no action");
    }
    ActionVerb verb = ActionVerb.fromWord(word).orElse(null);
    if (verb == null) {
      return invalid(
          key,
          value,
          "unknown action \""
              + SafeText.of(word, 40)
              + "\": hold, resume, promote, abort or approve");
    }
    String replica = text(node, "replica");
    if (replica == null || replica.isBlank()) {
      return invalid(key, value, "request names no replica");
    }
    Instant at = null;
    String atText = text(node, "at");
    if (atText != null) {
      try {
        at = Instant.parse(atText);
      } catch (DateTimeParseException e) {
        return invalid(key, value, "request time is not RFC 3339");
      }
    }
    String by = text(node, "by");
    return new Request(
        key,
        value,
        new OperatorAction(
            id,
            verb,
            SafeText.of(replica, MAX_FIELD_CHARS),
            by == null ? null : SafeText.of(by, MAX_FIELD_CHARS),
            at),
        null);
  }

  private static Request invalid(String key, String value, String error) {
    return new Request(key, value, null, Objects.requireNonNull(error));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
