package io.syncgate.policy.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.syncgate.policy.gating.SafeText;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The gate's conditions, shaped like {@code metav1.Condition}. {@code lastTransitionTime} moves
 * only when a condition's status flips; every condition carries the generation it was computed
 * from. Pure.
 */
public final class GateConditions {

  /** Summary: the mesh holds what the gate decided, nothing stands in the way. */
  public static final String READY = "Ready";

  /**
   * No single reachable leader: weights are held as they are and nobody is admitted; a replica is
   * still ejected on its own evidence.
   */
  public static final String DEGRADED = "Degraded";

  /** The spec breaks a rule; nothing in the mesh changes until it is fixed. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** A mesh object of the gate's name exists that syncgate does not manage. */
  public static final String CONFLICT = "Conflict";

  /** Some members get no subset and no weight (their pod name cannot name a subset). */
  public static final String MEMBERS_EXCLUDED = "MembersExcluded";

  /**
   * The longest condition message: room for every violation of a long spec, while a message built
   * from Patroni's answers (a leader's reason, a list of members) cannot grow the status without
   * bound.
   */
  public static final int MAX_MESSAGE_CHARS = 4096;

  /** The order conditions are listed in. */
  static final List<String> ORDER =
      List.of(READY, DEGRADED, INVALID_SPEC, CONFLICT, MEMBERS_EXCLUDED);

  private GateConditions() {}

  /**
   * One condition as a tick decides it, before times are filled in. The message is made printable
   * and cut to {@link #MAX_MESSAGE_CHARS}.
   */
  public record Desired(String type, boolean status, String reason, String message) {
    public Desired {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(reason, "reason");
      message = message == null ? "" : SafeText.of(message, MAX_MESSAGE_CHARS);
    }

    public static Desired isTrue(String type, String reason, String message) {
      return new Desired(type, true, reason, message);
    }

    public static Desired isFalse(String type, String reason, String message) {
      return new Desired(type, false, reason, message);
    }
  }

  /**
   * The new condition list: each desired condition, keeping the previous {@code lastTransitionTime}
   * when its status did not flip; previous conditions of other types are kept as they were. Sorted
   * in {@link #ORDER}, unknown types last.
   */
  public static List<Condition> merge(
      List<Condition> previous, List<Desired> desired, Long generation, Instant now) {
    Map<String, Condition> byType = new LinkedHashMap<>();
    if (previous != null) {
      for (Condition c : previous) {
        if (c != null && c.getType() != null) {
          byType.putIfAbsent(c.getType(), c);
        }
      }
    }
    String timestamp = timestamp(now);
    for (Desired d : desired) {
      Condition old = byType.get(d.type());
      String status = d.status() ? "True" : "False";
      String transition =
          old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
              ? old.getLastTransitionTime()
              : timestamp;
      // The constructor, not ConditionBuilder: this runs for every condition on every tick.
      byType.put(
          d.type(),
          new Condition(transition, d.message(), generation, d.reason(), status, d.type()));
    }
    List<Condition> out = new ArrayList<>();
    for (String type : ORDER) {
      if (byType.containsKey(type)) {
        out.add(byType.remove(type));
      }
    }
    out.addAll(byType.values());
    return out;
  }

  /** The condition of that type, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream()
        .filter(c -> c != null && type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /** True when a condition of that type has status {@code True}. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    Condition c = find(conditions, type);
    return c != null && "True".equals(c.getStatus());
  }

  static String timestamp(Instant now) {
    return DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
  }
}
