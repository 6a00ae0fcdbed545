package io.syncgate.controller.patroni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.controller.http.UntrustedJson;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.gating.SampleFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns the body of one {@code GET /patroni} answer into a {@link MemberSample}. Pure: no I/O, no
 * clock, never throws for any input; every problem becomes a {@link SampleFailure#BAD_ANSWER}
 * sample whose reason names it.
 *
 * <p>Shapes accepted are those of Patroni 3.0.x (role {@code master}) and 4.x (role {@code
 * primary}, {@code replication_state}, {@code patroni.name}). A leader reports {@code
 * xlog.location}; a replica or standby leader (both in recovery) report {@code
 * xlog.received_location}, {@code replayed_location}, {@code replayed_timestamp} (nullable) and
 * {@code paused}. When PostgreSQL is not queryable Patroni sends only {@code state} and {@code
 * role}: such an answer is a usable sample without positions as long as {@code state} is not {@code
 * running} (a running member without positions is a broken answer).
 *
 * <p>The member name is the caller's (the pod name): a {@code name} in the body is ignored, since
 * Patroni names members after pods and a mismatch must not move a sample to another replica. A
 * {@code timeline} Patroni reports as {@code null} (a replica that has not learnt its timeline yet)
 * becomes 0, which never matches a leader's timeline.
 *
 * <p>Strings from the answer are untrusted: {@link MemberSample} makes its texts printable and cuts
 * them (see {@link SafeText}), and every detail quoted in a reason here goes through {@link
 * #shorten}, which does the same.
 */
public final class PatroniParser {

  /** Deeper than any Patroni answer (3 levels); stops hostile nesting early. */
  static final int MAX_NESTING_DEPTH = 32;

  private static final int MAX_DETAIL_CHARS = 120;

  private static final ObjectMapper MAPPER = UntrustedJson.mapper(MAX_NESTING_DEPTH);

  private PatroniParser() {}

  /** Parses a body given as text (tests, fixtures). */
  public static MemberSample parse(String member, String body) {
    return parse(member, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses the raw bytes of a {@code GET /patroni} body answered by {@code member}.
   *
   * @param member the member's name as the caller knows it (the pod name)
   * @param body the body bytes; null or empty is a bad answer
   */
  public static MemberSample parse(String member, byte[] body) {
    return body == null ? parse(member, null, 0, 0) : parse(member, body, 0, body.length);
  }

  /**
   * Parses {@code length} bytes of {@code body} from {@code offset}: a body read into a buffer of
   * the client's, without copying it out first.
   *
   * @param member the member's name as the caller knows it (the pod name)
   * @param body holds the body bytes; null or a length of 0 is a bad answer
   */
  public static MemberSample parse(String member, byte[] body, int offset, int length) {
    Objects.requireNonNull(member, "member");
    if (body == null || length == 0) {
      return bad(member, "empty body");
    }
    Objects.checkFromIndexSize(offset, length, body.length);
    JsonNode root;
    try {
      root = MAPPER.readTree(body, offset, length);
    } catch (JsonProcessingException e) {
      return bad(member, "not JSON: " + shorten(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      return bad(member, "not JSON: " + shorten(String.valueOf(e.getMessage())));
    }
    if (root == null || root.isMissingNode()) {
      return bad(member, "empty body");
    }
    if (!root.isObject()) {
      return bad(member, "JSON of the wrong shape: expected an object, got " + kind(root));
    }
    try {
      return sampleOf(member, root);
    } catch (BadAnswer e) {
      return bad(member, e.getMessage());
    }
  }

  private static MemberSample sampleOf(String member, JsonNode root) {
    String roleText = requiredText(root, "role");
    PatroniRole role = roleOf(roleText);
    String state = requiredText(root, "state");
    String replicationState = optionalText(root, "replication_state");
    String version = root.has("patroni") ? optionalText(object(root, "patroni"), "version") : null;
    long timeline = optionalPosition(root, "timeline", "timeline");
    // What every answer shape reports besides xlog; the positions added below depend on the role.
    MemberSample.Builder sample =
        MemberSample.builder(member)
            .role(role)
            .state(state)
            .replicationState(replicationState)
            .timeline(timeline)
            .patroniVersion(version);

    JsonNode xlog = root.get("xlog");
    if (xlog == null || xlog.isNull()) {
      if ("running".equals(state)) {
        throw new BadAnswer("missing xlog while state is running");
      }
      return sample.build();
    }
    xlog = object(root, "xlog");

    boolean writePosition =
        role == PatroniRole.LEADER
            // An unknown role (e.g. "demoted") with a write position: kept, never admitted.
            || (role == PatroniRole.OTHER && !xlog.has("replayed_location"));
    if (writePosition) {
      return sample.location(requiredPosition(xlog, "location", "xlog.location")).build();
    }
    long replayed = requiredPosition(xlog, "replayed_location", "xlog.replayed_location");
    Long received =
        xlog.hasNonNull("received_location")
            ? requiredPosition(xlog, "received_location", "xlog.received_location")
            : null;
    return sample
        .receivedLocation(received)
        .replayedLocation(replayed)
        .replayedTimestamp(optionalTimestamp(xlog, "replayed_timestamp"))
        .replayPaused(optionalBoolean(xlog, "paused"))
        .build();
  }

  static PatroniRole roleOf(String role) {
    return switch (role) {
      case "master", "primary", "leader" -> PatroniRole.LEADER;
      case "standby_leader" -> PatroniRole.STANDBY_LEADER;
      case "replica" -> PatroniRole.REPLICA;
      default -> PatroniRole.OTHER;
    };
  }

  private static JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new BadAnswer(
          field + " is not an object" + (node == null ? "" : " (got " + kind(node) + ")"));
    }
    return node;
  }

  private static String requiredText(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw new BadAnswer("missing " + field);
    }
    if (!node.isTextual()) {
      throw new BadAnswer(field + " is not a string (got " + kind(node) + ")");
    }
    return node.textValue();
  }

  private static String optionalText(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new BadAnswer(field + " is not a string (got " + kind(node) + ")");
    }
    return node.textValue();
  }

  private static long requiredPosition(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw new BadAnswer("missing " + path);
    }
    return position(node, path);
  }

  /** A non-negative integer that may be absent or null (then 0). */
  private static long optionalPosition(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return 0;
    }
    return position(node, path);
  }

  private static long position(JsonNode node, String path) {
    if (!node.isNumber()) {
      throw new BadAnswer(path + " is not a number (got " + kind(node) + ")");
    }
    if (!node.isIntegralNumber()) {
      throw new BadAnswer(path + " is not an integer");
    }
    if (!node.canConvertToLong()) {
      throw new BadAnswer(path + " is out of range");
    }
    long value = node.longValue();
    if (value < 0) {
      throw new BadAnswer(path + " is negative");
    }
    return value;
  }

  private static boolean optionalBoolean(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new BadAnswer("xlog." + field + " is not a boolean (got " + kind(node) + ")");
    }
    return node.booleanValue();
  }

  /** Python's {@code str(datetime)}: {@code 2026-11-28 16:40:28.985406+00:00}; ISO also taken. */
  private static Instant optionalTimestamp(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new BadAnswer("xlog." + field + " is not a string (got " + kind(node) + ")");
    }
    String text = node.textValue();
    Instant fast = pythonTimestamp(text);
    if (fast != null) {
      return fast;
    }
    String iso =
        text.length() > 10 && text.charAt(10) == ' '
            ? text.substring(0, 10) + 'T' + text.substring(11)
            : text;
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadAnswer("xlog." + field + " is not a timestamp: " + shorten(text));
    }
  }

  /**
   * {@code 2026-11-28 16:40:28[.985406]+00:00}, the shape Patroni sends every tick for every
   * replica, read without the general ISO parser (measured: most of the time of a replica's parse
   * went to {@code OffsetDateTime.parse}). Null for any other shape or any field out of range,
   * which the general parser then reads or refuses.
   */
  static Instant pythonTimestamp(String text) {
    int length = text.length();
    boolean fraction = length == 32;
    if ((length != 25 && !fraction)
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != ' '
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || (fraction && text.charAt(19) != '.')
        || text.charAt(length - 3) != ':') {
      return null;
    }
    char sign = text.charAt(length - 6);
    if (sign != '+' && sign != '-') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int micros = fraction ? digits(text, 20, 6) : 0;
    int offsetHours = digits(text, length - 5, 2);
    int offsetMinutes = digits(text, length - 2, 2);
    if ((year | month | day | hour | minute | second | micros | offsetHours | offsetMinutes) < 0
        || month < 1
        || month > 12
        || day < 1
        || day > java.time.YearMonth.of(year, month).lengthOfMonth()
        || hour > 23
        || minute > 59
        || second > 59
        || offsetMinutes > 59
        || offsetHours * 60 + offsetMinutes > 18 * 60) {
      return null;
    }
    long offset = (offsetHours * 3600L + offsetMinutes * 60L) * (sign == '-' ? -1 : 1);
    long epochSecond =
        java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400
            + hour * 3600L
            + minute * 60L
            + second
            - offset;
    return Instant.ofEpochSecond(epochSecond, micros * 1000L);
  }

  /** The decimal number of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Keeps quoted details short and printable: they go to status, events and logs, and must carry
   * neither whole bodies nor line breaks or escape sequences.
   */
  static String shorten(String text) {
    String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return SafeText.of(oneLine, MAX_DETAIL_CHARS + 1);
  }

  private static MemberSample bad(String member, String reason) {
    return MemberSample.failed(member, SampleFailure.BAD_ANSWER, reason);
  }

  /** A field-level problem; caught in {@link #parse(String, byte[])}, never escapes. */
  private static final class BadAnswer extends RuntimeException {
    BadAnswer(String message) {
      super(message, null, false, false);
    }
  }
}
