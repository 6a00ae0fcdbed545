package io.syncgate.controller.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.controller.http.UntrustedJson;
import io.syncgate.policy.analysis.QueryAnswer;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Turns one answer of Prometheus's instant-query API ({@code GET /api/v1/query}) into a {@link
 * QueryAnswer}. Pure: no I/O, no clock, never throws for any input; the answer is untrusted and
 * every problem becomes a failed answer whose reason names it.
 *
 * <p>What counts as a value: a {@code vector} of exactly one series, or a {@code scalar}, whose
 * sample value is one of the strings Prometheus writes ({@code "0.12"}, {@code "1e-07"}, {@code
 * "+Inf"}, {@code "-Inf"}, {@code "NaN"}; NaN is then a failure). Everything else fails: an empty
 * vector ("no series"), several series, a {@code matrix} or {@code string} result, a native
 * histogram sample, wrong JSON types, a body that is not JSON. An answer with {@code "status":
 * "error"} fails with Prometheus's {@code errorType} and {@code error}, whatever its HTTP status
 * (Prometheus sends 400, 422, 503); any other answer that is not a 200 fails with its status.
 */
public final class PrometheusAnswer {

  /** Deeper than any answer of the query API (a vector's sample is 5 levels down). */
  static final int MAX_NESTING_DEPTH = 16;

  /** Longer than any sample value Prometheus writes ({@code -1.7976931348623157e+308}). */
  static final int MAX_VALUE_CHARS = 64;

  /** What Prometheus's sample values look like, besides the infinities and NaN. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  private static final ObjectMapper MAPPER = UntrustedJson.mapper(MAX_NESTING_DEPTH);

  private PrometheusAnswer() {}

  /** Parses an answer whose body is a Vert.x buffer (null or empty: no body). */
  public static QueryAnswer parse(int httpStatus, Buffer body) {
    return parse(httpStatus, body == null ? null : body.getBytes());
  }

  /**
   * Parses the raw answer: its HTTP status and body bytes.
   *
   * @param httpStatus the status code of the answer
   * @param body the body bytes; null or empty is no body
   */
  public static QueryAnswer parse(int httpStatus, byte[] body) {
    JsonNode root = null;
    String notJson = null;
    if (body == null || body.length == 0) {
      notJson = "empty body";
    } else {
      try {
        root = MAPPER.readTree(body);
        if (root == null || root.isMissingNode()) {
          notJson = "empty body";
        }
      } catch (JsonProcessingException e) {
        notJson = "not JSON: " + e.getOriginalMessage();
      } catch (IOException | RuntimeException e) {
        notJson = "not JSON: " + e.getMessage();
      }
    }
    if (root != null && root.isObject() && "error".equals(root.path("status").textValue())) {
      return QueryAnswer.prometheusError(
          textOr(root.get("errorType"), "(no errorType)"), textOr(root.get("error"), "(no error)"));
    }
    if (httpStatus != 200) {
      return QueryAnswer.httpStatus(httpStatus);
    }
    if (notJson != null) {
      return QueryAnswer.badAnswer(notJson);
    }
    try {
      return answerOf(root);
    } catch (BadAnswer e) {
      return QueryAnswer.badAnswer(e.getMessage());
    }
  }

  private static QueryAnswer answerOf(JsonNode root) {
    if (!root.isObject()) {
      throw new BadAnswer("expected an object, got " + kind(root));
    }
    JsonNode status = root.get("status");
    if (status == null || !"success".equals(status.textValue())) {
      throw new BadAnswer(
          "status is " + (status == null ? "missing" : quoted(status)) + ", not \"success\"");
    }
    JsonNode data = field(root, "data");
    if (!data.isObject()) {
      throw new BadAnswer("data is " + kind(data) + ", not an object");
    }
    JsonNode resultType = field(data, "resultType");
    JsonNode result = field(data, "result");
    String type = resultType.isTextual() ? resultType.textValue() : null;
    if (type == null) {
      throw new BadAnswer("resultType is " + kind(resultType) + ", not a string");
    }
    return switch (type) {
      case "vector" -> vector(result);
      case "scalar" -> QueryAnswer.of(sampleValue(result, "the scalar"));
      case "matrix", "string" ->
          QueryAnswer.failed(
              "query returned a " + type + ", a check needs an instant vector or a scalar");
      default ->
          QueryAnswer.failed(
              "query returned a result of type "
                  + quoted(resultType)
                  + ", a check needs an instant vector or a scalar");
    };
  }

  private static QueryAnswer vector(JsonNode result) {
    if (!result.isArray()) {
      throw new BadAnswer("the vector is " + kind(result) + ", not an array");
    }
    if (result.size() != 1) {
      return QueryAnswer.seriesCount(result.size());
    }
    JsonNode series = result.get(0);
    if (!series.isObject()) {
      throw new BadAnswer("the series is " + kind(series) + ", not an object");
    }
    if (!series.has("value") && series.has("histogram")) {
      return QueryAnswer.failed("query returned a native histogram, a check needs a number");
    }
    return QueryAnswer.of(sampleValue(field(series, "value"), "the sample"));
  }

  /** A sample {@code [timestamp, "value"]}: the value, parsed as Prometheus writes it. */
  private static double sampleValue(JsonNode sample, String what) {
    if (!sample.isArray() || sample.size() != 2) {
      throw new BadAnswer(what + " is " + kind(sample) + ", not [time, \"value\"]");
    }
    if (!sample.get(0).isNumber()) {
      throw new BadAnswer(what + "'s time is " + kind(sample.get(0)) + ", not a number");
    }
    JsonNode value = sample.get(1);
    if (!value.isTextual()) {
      throw new BadAnswer(what + "'s value is " + kind(value) + ", not a string");
    }
    return number(value.textValue());
  }

  /** A sample value: a decimal, {@code +Inf}, {@code -Inf} or {@code NaN} (as Go writes them). */
  static double number(String text) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf", "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (text.length() > MAX_VALUE_CHARS || !DECIMAL.matcher(text).matches()) {
      throw new BadAnswer("the value " + quote(text) + " is not a number");
    }
    // Past the largest double: Infinity, as Prometheus itself would have parsed it.
    return Double.parseDouble(text);
  }

  private static JsonNode field(JsonNode object, String name) {
    JsonNode value = object.get(name);
    if (value == null) {
      throw new BadAnswer("no " + name);
    }
    return value;
  }

  private static String textOr(JsonNode node, String missing) {
    if (node == null || node.isNull()) {
      return missing;
    }
    return node.isTextual() ? node.textValue() : node.toString();
  }

  private static String quoted(JsonNode node) {
    return node.isTextual() ? quote(node.textValue()) : kind(node);
  }

  private static String quote(String text) {
    return '"' + QueryAnswer.detail(text.length() > 40 ? text.substring(0, 40) + "…" : text) + '"';
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array of " + node.size();
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** A problem with the answer's shape; its message becomes the reason. */
  private static final class BadAnswer extends RuntimeException {
    BadAnswer(String message) {
      super(message, null, false, false);
    }
  }
}
