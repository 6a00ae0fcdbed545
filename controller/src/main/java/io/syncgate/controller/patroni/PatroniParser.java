package io.syncgate.controller.patroni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

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

  /**
   * The untrusted reader's limits of depth and number length; a field given twice is refused by
   * {@link FieldNames}, which costs less than Jackson's check (a hash set per object).
   */
  private static final JsonFactory FACTORY = UntrustedJson.streamingFactory(MAX_NESTING_DEPTH);

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
    Answer answer;
    try (JsonParser parser = FACTORY.createParser(body, offset, length)) {
      answer = Answer.read(parser);
    } catch (JsonProcessingException e) {
      return bad(member, "not JSON: " + shorten(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      return bad(member, "not JSON: " + shorten(String.valueOf(e.getMessage())));
    }
    if (answer == null) {
      return bad(member, "empty body");
    }
    if (answer.rootKind != null) {
      return bad(member, "JSON of the wrong shape: expected an object, got " + answer.rootKind);
    }
    try {
      return sampleOf(member, answer);
    } catch (BadAnswer e) {
      return bad(member, e.getMessage());
    }
  }

  private static MemberSample sampleOf(String member, Answer root) {
    String roleText = requiredText(root.role, "role");
    PatroniRole role = roleOf(roleText);
    String state = requiredText(root.state, "state");
    String replicationState = optionalText(root.replicationState, "replication_state");
    String version =
        root.patroni != null
            ? optionalText(object(root.patroni, "patroni").version, "version")
            : null;
    long timeline = optionalPosition(root.timeline, "timeline");
    // What every answer shape reports besides xlog; the positions added below depend on the role.
    MemberSample.Builder sample =
        MemberSample.builder(member)
            .role(role)
            .state(state)
            .replicationState(replicationState)
            .timeline(timeline)
            .patroniVersion(version);

    if (root.xlog == null || root.xlog.token == JsonToken.VALUE_NULL) {
      if ("running".equals(state)) {
        throw new BadAnswer("missing xlog while state is running");
      }
      return sample.build();
    }
    Value xlog = object(root.xlog, "xlog");

    boolean writePosition =
        role == PatroniRole.LEADER
            // An unknown role (e.g. "demoted") with a write position: kept, never admitted.
            || (role == PatroniRole.OTHER && xlog.replayedLocation == null);
    if (writePosition) {
      return sample.location(requiredPosition(xlog.location, "xlog.location")).build();
    }
    long replayed = requiredPosition(xlog.replayedLocation, "xlog.replayed_location");
    Long received =
        isNull(xlog.receivedLocation)
            ? null
            : requiredPosition(xlog.receivedLocation, "xlog.received_location");
    return sample
        .receivedLocation(received)
        .replayedLocation(replayed)
        .replayedTimestamp(optionalTimestamp(xlog.replayedTimestamp, "replayed_timestamp"))
        .replayPaused(optionalBoolean(xlog.paused, "paused"))
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

  /**
   * The fields of an answer that are read, each as it came: absent (null), or its first token and
   * scalar value. Read in one pass of Jackson's streaming parser over the whole document, which
   * checks all of it as a tree would (syntax, nesting depth, a field given twice, anything after
   * the answer) but builds nothing for the fields that are skipped: a tree of every answer was most
   * of a parse's cost (a profile of {@code syncgate bench} at 10,000 members). The checks of shape
   * and value come after the whole document has been read, in a fixed order, so a reason never
   * depends on the order of the fields.
   */
  private static final class Answer {
    /** Null for an object; otherwise what the document is instead ("array", "null" ...). */
    String rootKind;

    Value role;
    Value state;
    Value replicationState;
    Value timeline;
    Value patroni;
    Value xlog;

    /** The answer in {@code parser}, or null for a document without a value. */
    static Answer read(JsonParser parser) throws IOException {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      Answer answer = new Answer();
      if (first == JsonToken.START_OBJECT) {
        eachField(parser, (name, token) -> answer.rootField(name, parser, token));
      } else {
        answer.rootKind = kind(first);
        skip(parser, first);
      }
      JsonToken trailing = parser.nextToken();
      if (trailing != null) {
        throw new JsonParseException(
            parser, "Trailing token (of type " + trailing + ") found after the answer");
      }
      return answer;
    }

    private void rootField(String name, JsonParser parser, JsonToken token) throws IOException {
      switch (name) {
        case "role" -> role = Value.scalar(parser, token);
        case "state" -> state = Value.scalar(parser, token);
        case "replication_state" -> replicationState = Value.scalar(parser, token);
        case "timeline" -> timeline = Value.scalar(parser, token);
        case "patroni" -> patroni = Value.object(parser, token, Answer::patroniField);
        case "xlog" -> xlog = Value.object(parser, token, Answer::xlogField);
        default -> skip(parser, token);
      }
    }

    private static void patroniField(String name, Value into, JsonParser parser, JsonToken token)
        throws IOException {
      if (name.equals("version")) {
        into.version = Value.scalar(parser, token);
      } else {
        skip(parser, token);
      }
    }

    private static void xlogField(String name, Value into, JsonParser parser, JsonToken token)
        throws IOException {
      switch (name) {
        case "location" -> into.location = Value.scalar(parser, token);
        case "received_location" -> into.receivedLocation = Value.scalar(parser, token);
        case "replayed_location" -> into.replayedLocation = Value.scalar(parser, token);
        case "replayed_timestamp" -> into.replayedTimestamp = Value.scalar(parser, token);
        case "paused" -> into.paused = Value.scalar(parser, token);
        default -> skip(parser, token);
      }
    }
  }

  /**
   * One field's value: its first token, the text of a string, the value of an integer that fits a
   * long ({@link #outOfRange} when it does not), and for {@code patroni} and {@code xlog} the
   * fields read inside.
   */
  private static final class Value {
    final JsonToken token;
    String text;
    long number;
    boolean outOfRange;

    Value version;
    Value location;
    Value receivedLocation;
    Value replayedLocation;
    Value replayedTimestamp;
    Value paused;

    private Value(JsonToken token) {
      this.token = token;
    }

    /** The value at {@code token}; a container's contents are skipped. */
    static Value scalar(JsonParser parser, JsonToken token) throws IOException {
      Value value = new Value(token);
      switch (token) {
        case VALUE_STRING -> value.text = parser.getText();
        case VALUE_NUMBER_INT -> {
          if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            value.outOfRange = true;
          } else {
            value.number = parser.getLongValue();
          }
        }
        default -> skip(parser, token);
      }
      return value;
    }

    /** The object at {@code token}, its fields read by {@code field}; anything else as a scalar. */
    static Value object(JsonParser parser, JsonToken token, FieldReader field) throws IOException {
      if (token != JsonToken.START_OBJECT) {
        return scalar(parser, token);
      }
      Value value = new Value(token);
      eachField(parser, (name, next) -> field.read(name, value, parser, next));
      return value;
    }
  }

  /**
   * Reads past the value at {@code token}, checking every object in it for a field given twice. The
   * parser's depth limit bounds the recursion.
   */
  private static void skip(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.START_OBJECT) {
      eachField(parser, (name, next) -> skip(parser, next));
    } else if (token == JsonToken.START_ARRAY) {
      JsonToken next;
      while ((next = parser.nextToken()) != null && next != JsonToken.END_ARRAY) {
        skip(parser, next);
      }
    }
  }

  /**
   * Hands each field of the object whose start the parser is at to {@code field}, with the token
   * its value starts with, and refuses a field given twice: every object read or skipped passes
   * here.
   */
  private static void eachField(JsonParser parser, FieldHandler field) throws IOException {
    FieldNames names = new FieldNames();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = names.add(parser);
      field.handle(name, parser.nextToken());
    }
  }

  /** What {@link #eachField} does with one field: read or skip its value. */
  @FunctionalInterface
  private interface FieldHandler {
    void handle(String name, JsonToken token) throws IOException;
  }

  /**
   * The field names of one object so far; a name seen before is refused as Jackson's own check
   * words it. A short list compared one by one (a Patroni object has about ten fields), a hash set
   * past {@link #LIST_LIMIT}, so that a hostile object with many fields costs no more than linear.
   */
  private static final class FieldNames {
    private static final int LIST_LIMIT = 16;

    private final String[] list = new String[LIST_LIMIT];
    private int count;
    private Set<String> many;

    /** The parser's current field name, once it is known not to repeat one. */
    String add(JsonParser parser) throws IOException {
      String name = parser.currentName();
      if (many != null) {
        if (!many.add(name)) {
          throw duplicate(parser, name);
        }
        return name;
      }
      for (int i = 0; i < count; i++) {
        if (list[i].equals(name)) {
          throw duplicate(parser, name);
        }
      }
      if (count < LIST_LIMIT) {
        list[count++] = name;
      } else {
        many = new HashSet<>(Arrays.asList(list));
        many.add(name);
      }
      return name;
    }

    private static JsonParseException duplicate(JsonParser parser, String name) {
      return new JsonParseException(parser, "Duplicate field '" + name + "'");
    }
  }

  /** Reads one field of an object into its {@link Value}. */
  @FunctionalInterface
  private interface FieldReader {
    void read(String name, Value into, JsonParser parser, JsonToken token) throws IOException;
  }

  private static boolean isNull(Value value) {
    return value == null || value.token == JsonToken.VALUE_NULL;
  }

  private static Value object(Value value, String field) {
    if (value.token != JsonToken.START_OBJECT) {
      throw new BadAnswer(field + " is not an object (got " + kind(value.token) + ")");
    }
    return value;
  }

  private static String requiredText(Value value, String field) {
    if (isNull(value)) {
      throw new BadAnswer("missing " + field);
    }
    return optionalText(value, field);
  }

  private static String optionalText(Value value, String field) {
    if (isNull(value)) {
      return null;
    }
    if (value.token != JsonToken.VALUE_STRING) {
      throw new BadAnswer(field + " is not a string (got " + kind(value.token) + ")");
    }
    return value.text;
  }

  private static long requiredPosition(Value value, String path) {
    if (isNull(value)) {
      throw new BadAnswer("missing " + path);
    }
    return position(value, path);
  }

  /** A non-negative integer that may be absent or null (then 0). */
  private static long optionalPosition(Value value, String path) {
    return isNull(value) ? 0 : position(value, path);
  }

  private static long position(Value value, String path) {
    if (value.token == JsonToken.VALUE_NUMBER_FLOAT) {
      throw new BadAnswer(path + " is not an integer");
    }
    if (value.token != JsonToken.VALUE_NUMBER_INT) {
      throw new BadAnswer(path + " is not a number (got " + kind(value.token) + ")");
    }
    if (value.outOfRange) {
      throw new BadAnswer(path + " is out of range");
    }
    if (value.number < 0) {
      throw new BadAnswer(path + " is negative");
    }
    return value.number;
  }

  private static boolean optionalBoolean(Value value, String field) {
    if (isNull(value)) {
      return false;
    }
    if (value.token != JsonToken.VALUE_TRUE && value.token != JsonToken.VALUE_FALSE) {
      throw new BadAnswer("xlog." + field + " is not a boolean (got " + kind(value.token) + ")");
    }
    return value.token == JsonToken.VALUE_TRUE;
  }

  /** Python's {@code str(datetime)} or ISO; null when absent or null. */
  private static Instant optionalTimestamp(Value value, String field) {
    if (isNull(value)) {
      return null;
    }
    if (value.token != JsonToken.VALUE_STRING) {
      throw new BadAnswer("xlog." + field + " is not a string (got " + kind(value.token) + ")");
    }
    Instant at = timestamp(value.text);
    if (at == null) {
      throw new BadAnswer("xlog." + field + " is not a timestamp: " + shorten(value.text));
    }
    return at;
  }

  /** {@code text} read as Python's {@code str(datetime)} or as ISO, or null for neither. */
  static Instant timestamp(String text) {
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
      return null;
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

  /** What a value starting with {@code token} is, named as JSON names it. */
  private static String kind(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> token.name().toLowerCase(Locale.ROOT);
    };
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
