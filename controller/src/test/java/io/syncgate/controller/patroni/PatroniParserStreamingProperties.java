package io.syncgate.controller.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.controller.http.UntrustedJson;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import io.syncgate.policy.gating.SampleFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The streaming parser reads every document as the tree-based reading it replaced does: the same
 * sample, or the same reason for refusing it. The reference below is that reading, kept as it was
 * (a JsonNode tree of the whole answer, then the fields). Documents are drawn from the fields
 * Patroni sends, each of any JSON kind, in any order, some twice, nested, after other values, or
 * with something after the answer.
 */
class PatroniParserStreamingProperties {

  @Property(tries = 3000, edgeCases = EdgeCasesMode.NONE)
  void theStreamingParserReadsEveryDocumentAsTheTreeDid(@ForAll("documents") String document) {
    MemberSample streamed = PatroniParser.parse("pg-1", document);
    MemberSample tree = TreeReference.parse("pg-1", document);

    if (tree.failure() == SampleFailure.BAD_ANSWER
        && tree.reason().startsWith("not JSON: Trailing token")) {
      // Databind words this one; the streaming parser says it in its own words.
      assertThat(streamed.failure()).isEqualTo(SampleFailure.BAD_ANSWER);
      assertThat(streamed.reason()).startsWith("not JSON: Trailing token");
    } else {
      assertThat(streamed).isEqualTo(tree);
    }
  }

  @Property(tries = 500)
  void aFieldGivenTwiceIsFoundInObjectsOfAnySize(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 30) Integer> names,
      @ForAll boolean atTheRoot) {
    StringBuilder fields = new StringBuilder();
    for (int name : names) {
      fields.append(",\"f").append(name).append("\":").append(name);
    }
    String many = "{\"role\":\"master\"" + fields + "}";
    String document =
        atTheRoot
            ? many.replace("}", ",\"state\":\"running\",\"xlog\":{\"location\":1}}")
            : "{\"role\":\"master\",\"state\":\"running\",\"x\":["
                + many
                + "],"
                + "\"xlog\":{\"location\":1}}";

    assertThat(PatroniParser.parse("pg-1", document))
        .isEqualTo(TreeReference.parse("pg-1", document));
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> root =
        objectOf(
            List.of(
                member("role", roles()),
                member("state", states()),
                member(
                    "replication_state",
                    Arbitraries.of("\"streaming\"", "\"in archive recovery\"")),
                member("timeline", positions()),
                member("patroni", objectOf(List.of(member("version", states())), 2)),
                member("xlog", xlog()),
                member("name", value(1)),
                member("postmaster_start_time", timestamps())),
            1);
    Arbitrary<String> trailing =
        Arbitraries.frequencyOf(
            Tuple.of(30, Arbitraries.of("", " ", "\n")),
            Tuple.of(1, Arbitraries.of(" {}", " 1", " ]", "x")));
    return Combinators.combine(
            Arbitraries.frequencyOf(Tuple.of(20, root), Tuple.of(1, value(2))), trailing)
        .as((doc, tail) -> doc + tail);
  }

  private static Arbitrary<String> roles() {
    return Arbitraries.of(
        "\"replica\"", "\"master\"", "\"primary\"", "\"standby_leader\"", "\"demoted\"");
  }

  private static Arbitrary<String> states() {
    return Arbitraries.of("\"running\"", "\"starting\"", "\"stopped\"", "\"3.0.2\"");
  }

  private static Arbitrary<String> timestamps() {
    return Arbitraries.of(
        "\"2026-11-28 16:40:28.985406+00:00\"",
        "\"2026-11-28 16:40:28+00:00\"",
        "\"2026-11-28T16:40:28Z\"",
        "\"2026-02-30 16:40:28+00:00\"",
        "\"yesterday\"",
        "null");
  }

  private static Arbitrary<String> positions() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 1L << 40).map(String::valueOf),
        Arbitraries.of(
            "null",
            "0",
            "-1",
            "-0",
            "1.5",
            "1e400",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890"));
  }

  private static Arbitrary<String> xlog() {
    return objectOf(
        List.of(
            member("location", positions()),
            member("received_location", positions()),
            member("replayed_location", positions()),
            member("replayed_timestamp", timestamps()),
            member("paused", Arbitraries.of("true", "false")),
            member("extra", value(1))),
        3);
  }

  private static Arbitrary<String> named(String name, Arbitrary<String> value) {
    return value.map(v -> quote(name) + ":" + v);
  }

  /** A field: its name, and mostly a value of the kind it should hold, sometimes any value. */
  private static Arbitrary<String> member(String name, Arbitrary<String> typical) {
    return Arbitraries.frequencyOf(
            Tuple.of(16, typical), Tuple.of(2, value(0)), Tuple.of(1, value(1)))
        .map(value -> quote(name) + ":" + value);
  }

  /**
   * An object with some of {@code members}, in any order, now and then one given twice; up to
   * {@code extra} members are left out at random.
   */
  private static Arbitrary<String> objectOf(List<Arbitrary<String>> members, int absent) {
    List<Arbitrary<String>> maybe = new ArrayList<>();
    for (Arbitrary<String> m : members) {
      maybe.add(Arbitraries.frequencyOf(Tuple.of(absent, Arbitraries.just("")), Tuple.of(6, m)));
    }
    return Combinators.combine(maybe)
        .as(list -> list.stream().filter(f -> !f.isEmpty()).collect(Collectors.toList()))
        .flatMap(
            fields ->
                Arbitraries.shuffle(fields)
                    .flatMap(
                        shuffled ->
                            Arbitraries.integers()
                                .between(0, 39)
                                .map(
                                    twice -> {
                                      List<String> out = new ArrayList<>(shuffled);
                                      if (twice == 0 && !out.isEmpty()) {
                                        out.add(out.get(0));
                                      }
                                      return "{" + String.join(",", out) + "}";
                                    })));
  }

  /** Any JSON value, nested up to {@code depth}. */
  private static Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            roles(),
            states(),
            timestamps(),
            positions(),
            Arbitraries.of("null", "true", "false", "\"\"", "\"a\\nb\""));
    if (depth <= 0) {
      return scalar;
    }
    Arbitrary<String> array =
        value(depth - 1).list().ofMaxSize(3).map(v -> "[" + String.join(",", v) + "]");
    Arbitrary<String> object =
        objectOf(
            List.of(named("location", positions()), named("version", states()), named("a", scalar)),
            2);
    return Arbitraries.frequencyOf(Tuple.of(8, scalar), Tuple.of(1, array), Tuple.of(1, object));
  }

  private static String quote(String name) {
    return "\"" + name + "\"";
  }

  /** The parser before it streamed: a tree of the whole document, then the fields. */
  private static final class TreeReference {

    private static final ObjectMapper MAPPER =
        UntrustedJson.mapper(PatroniParser.MAX_NESTING_DEPTH);

    static MemberSample parse(String member, String text) {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      return parse(member, body, 0, body.length);
    }

    static MemberSample parse(String member, byte[] body, int offset, int length) {
      Objects.requireNonNull(member, "member");
      if (body == null || length == 0) {
        return bad(member, "empty body");
      }
      Objects.checkFromIndexSize(offset, length, body.length);
      JsonNode root;
      try {
        root = MAPPER.readTree(body, offset, length);
      } catch (JsonProcessingException e) {
        return bad(member, "not JSON: " + PatroniParser.shorten(e.getOriginalMessage()));
      } catch (IOException | RuntimeException e) {
        return bad(member, "not JSON: " + PatroniParser.shorten(String.valueOf(e.getMessage())));
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
      PatroniRole role = PatroniParser.roleOf(roleText);
      String state = requiredText(root, "state");
      String replicationState = optionalText(root, "replication_state");
      String version =
          root.has("patroni") ? optionalText(object(root, "patroni"), "version") : null;
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
      // How a text reads as a time is not what this compares: both parsers share it.
      Instant at = PatroniParser.timestamp(node.textValue());
      if (at == null) {
        throw new BadAnswer(
            "xlog." + field + " is not a timestamp: " + PatroniParser.shorten(node.textValue()));
      }
      return at;
    }

    private static String kind(JsonNode node) {
      return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static MemberSample bad(String member, String reason) {
      return MemberSample.failed(member, SampleFailure.BAD_ANSWER, reason);
    }

    private static final class BadAnswer extends RuntimeException {
      BadAnswer(String message) {
        super(message, null, false, false);
      }
    }
  }
}
