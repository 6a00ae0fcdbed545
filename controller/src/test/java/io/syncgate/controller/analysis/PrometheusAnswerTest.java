package io.syncgate.controller.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.analysis.QueryAnswer;
import io.syncgate.policy.gating.SafeText;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusAnswer} on answers recorded from a real Prometheus 2.42 ({@code
 * src/test/resources/prometheus/2.42}) and on hostile ones.
 */
class PrometheusAnswerTest {

  private static QueryAnswer recorded(int status, String name) {
    return PrometheusAnswer.parse(status, Buffer.buffer(fixture(name)));
  }

  private static QueryAnswer parse(int status, String body) {
    return PrometheusAnswer.parse(status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static QueryAnswer ok(String body) {
    return parse(200, body);
  }

  static byte[] fixture(String name) {
    try (InputStream in =
        PrometheusAnswerTest.class.getResourceAsStream("/prometheus/2.42/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture prometheus/2.42/" + name + ".json");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aVectorOfOneSeriesIsItsValue() {
    assertThat(recorded(200, "vector-one")).isEqualTo(QueryAnswer.of(0.12));
    assertThat(recorded(200, "vector-labels")).isEqualTo(QueryAnswer.of(1));
    assertThat(recorded(200, "vector-exponent")).isEqualTo(QueryAnswer.of(1e-7));
    assertThat(recorded(200, "vector-max")).isEqualTo(QueryAnswer.of(Double.MAX_VALUE));
  }

  @Test
  void aScalarIsItsValue() {
    assertThat(recorded(200, "scalar")).isEqualTo(QueryAnswer.of(0.5));
  }

  @Test
  void infinitiesAreValues() {
    assertThat(recorded(200, "vector-plus-inf"))
        .isEqualTo(QueryAnswer.of(Double.POSITIVE_INFINITY));
    assertThat(recorded(200, "vector-minus-inf"))
        .isEqualTo(QueryAnswer.of(Double.NEGATIVE_INFINITY));
  }

  @Test
  void nanIsAFailure() {
    assertThat(recorded(200, "vector-nan")).isEqualTo(QueryAnswer.failed("query returned NaN"));
  }

  @Test
  void noSeriesOrSeveralAreFailures() {
    assertThat(recorded(200, "vector-empty"))
        .isEqualTo(QueryAnswer.failed("query returned no series"));
    assertThat(recorded(200, "vector-three"))
        .isEqualTo(QueryAnswer.failed("query returned 3 series, a check needs exactly one"));
  }

  @Test
  void otherResultTypesAreFailuresNamingTheType() {
    assertThat(recorded(200, "matrix"))
        .isEqualTo(
            QueryAnswer.failed(
                "query returned a matrix, a check needs an instant vector or a scalar"));
    assertThat(recorded(200, "string"))
        .isEqualTo(
            QueryAnswer.failed(
                "query returned a string, a check needs an instant vector or a scalar"));
    assertThat(ok("{\"status\":\"success\",\"data\":{\"resultType\":\"histogram\",\"result\":1}}"))
        .isEqualTo(
            QueryAnswer.failed(
                "query returned a result of type \"histogram\", a check needs an instant vector"
                    + " or a scalar"));
  }

  @Test
  void prometheusErrorsCarryTheirTypeAndMessage() {
    assertThat(recorded(400, "error-bad-data"))
        .isEqualTo(
            QueryAnswer.failed(
                "Prometheus error bad_data: invalid parameter \"query\": 1:5: parse error:"
                    + " unclosed left parenthesis"));
    assertThat(recorded(422, "error-execution").failure())
        .startsWith("Prometheus error execution: found duplicate series for the match group {}");
    assertThat(recorded(503, "error-timeout"))
        .isEqualTo(QueryAnswer.failed("Prometheus error timeout: query timed out in query queue"));
    // The status does not matter: the body says it is an error.
    assertThat(recorded(200, "error-bad-data").failure()).startsWith("Prometheus error bad_data:");
    assertThat(parse(400, "{\"status\":\"error\"}"))
        .isEqualTo(QueryAnswer.failed("Prometheus error (no errorType): (no error)"));
    assertThat(parse(400, "{\"status\":\"error\",\"errorType\":7,\"error\":[\"x\"]}"))
        .isEqualTo(QueryAnswer.failed("Prometheus error 7: [\"x\"]"));
  }

  @Test
  void anyOtherStatusIsAnHttpFailure() {
    assertThat(parse(503, "<html>Service Unavailable</html>"))
        .isEqualTo(QueryAnswer.failed("HTTP 503 from Prometheus"));
    assertThat(parse(401, "")).isEqualTo(QueryAnswer.httpStatus(401));
    assertThat(PrometheusAnswer.parse(302, (Buffer) null)).isEqualTo(QueryAnswer.httpStatus(302));
    assertThat(parse(404, "404 page not found")).isEqualTo(QueryAnswer.httpStatus(404));
    // A success body under another status is not trusted either.
    assertThat(PrometheusAnswer.parse(204, Buffer.buffer(fixture("vector-one"))))
        .isEqualTo(QueryAnswer.httpStatus(204));
  }

  @Test
  void bodiesThatAreNotJsonFail() {
    assertThat(ok("")).isEqualTo(QueryAnswer.badAnswer("empty body"));
    assertThat(PrometheusAnswer.parse(200, (byte[]) null))
        .isEqualTo(QueryAnswer.badAnswer("empty body"));
    assertThat(ok("   ")).isEqualTo(QueryAnswer.badAnswer("empty body"));
    assertThat(ok("<html>").failure()).startsWith("bad answer from Prometheus: not JSON: ");
    assertThat(ok("{\"status\":\"success\"").failure())
        .startsWith("bad answer from Prometheus: not JSON: ");
    assertThat(ok("{\"status\":\"success\"} trailing").failure())
        .startsWith("bad answer from Prometheus: not JSON: ");
    assertThat(ok("{\"status\":\"success\",\"status\":\"error\"}").failure())
        .startsWith("bad answer from Prometheus: not JSON: Duplicate field 'status'");
    assertThat(ok("[".repeat(100_000)).failure())
        .startsWith("bad answer from Prometheus: not JSON: ");
    byte[] notUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
    assertThat(PrometheusAnswer.parse(200, notUtf8).failure())
        .startsWith("bad answer from Prometheus: not JSON: ");
  }

  @Test
  void wrongShapesAndTypesFailNamingWhatIsWrong() {
    assertThat(ok("[1]")).isEqualTo(QueryAnswer.badAnswer("expected an object, got an array of 1"));
    assertThat(ok("\"success\""))
        .isEqualTo(QueryAnswer.badAnswer("expected an object, got a string"));
    assertThat(ok("{}")).isEqualTo(QueryAnswer.badAnswer("status is missing, not \"success\""));
    assertThat(ok("{\"status\":\"ok\"}"))
        .isEqualTo(QueryAnswer.badAnswer("status is \"ok\", not \"success\""));
    assertThat(ok("{\"status\":true}"))
        .isEqualTo(QueryAnswer.badAnswer("status is a boolean, not \"success\""));
    assertThat(ok("{\"status\":\"success\"}")).isEqualTo(QueryAnswer.badAnswer("no data"));
    assertThat(ok("{\"status\":\"success\",\"data\":[]}"))
        .isEqualTo(QueryAnswer.badAnswer("data is an array of 0, not an object"));
    assertThat(ok("{\"status\":\"success\",\"data\":{\"result\":[]}}"))
        .isEqualTo(QueryAnswer.badAnswer("no resultType"));
    assertThat(ok("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\"}}"))
        .isEqualTo(QueryAnswer.badAnswer("no result"));
    assertThat(ok(data("1", "[]")))
        .isEqualTo(QueryAnswer.badAnswer("resultType is a number, not a string"));
    assertThat(ok(data("\"vector\"", "{}")))
        .isEqualTo(QueryAnswer.badAnswer("the vector is an object, not an array"));
    assertThat(ok(data("\"vector\"", "[1]")))
        .isEqualTo(QueryAnswer.badAnswer("the series is a number, not an object"));
    assertThat(ok(data("\"vector\"", "[{\"metric\":{}}]")))
        .isEqualTo(QueryAnswer.badAnswer("no value"));
    assertThat(ok(data("\"vector\"", "[{\"value\":null}]")))
        .isEqualTo(QueryAnswer.badAnswer("the sample is null, not [time, \"value\"]"));
    assertThat(ok(data("\"vector\"", "[{\"value\":[1]}]")))
        .isEqualTo(QueryAnswer.badAnswer("the sample is an array of 1, not [time, \"value\"]"));
    assertThat(ok(data("\"vector\"", "[{\"value\":[\"1\",\"0.5\"]}]")))
        .isEqualTo(QueryAnswer.badAnswer("the sample's time is a string, not a number"));
    assertThat(ok(data("\"vector\"", "[{\"value\":[1,0.5]}]")))
        .isEqualTo(QueryAnswer.badAnswer("the sample's value is a number, not a string"));
    assertThat(ok(data("\"scalar\"", "\"0.5\"")))
        .isEqualTo(QueryAnswer.badAnswer("the scalar is a string, not [time, \"value\"]"));
    assertThat(ok(data("\"scalar\"", "[1, {}]")))
        .isEqualTo(QueryAnswer.badAnswer("the scalar's value is an object, not a string"));
  }

  @Test
  void aNativeHistogramSampleIsNoNumber() {
    assertThat(
            ok(
                data(
                    "\"vector\"",
                    "[{\"metric\":{},\"histogram\":[1700000000,{\"count\":\"3\",\"sum\":\"1.5\"}]}]")))
        .isEqualTo(QueryAnswer.failed("query returned a native histogram, a check needs a number"));
  }

  @Test
  void sampleValuesParseAsPrometheusWritesThem() {
    assertThat(value("0.12")).isEqualTo(0.12);
    assertThat(value("-3")).isEqualTo(-3);
    assertThat(value("1e+308")).isEqualTo(1e308);
    assertThat(value("5e-324")).isEqualTo(Double.MIN_VALUE);
    assertThat(value("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(value("Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(value("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    // Past the largest double: infinite, as Go's ParseFloat makes it too.
    assertThat(value("1e999")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(value("-1e999")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(value("1e-999")).isEqualTo(0.0);
  }

  @Test
  void valuesThatAreNotNumbersAsPrometheusWritesThemFail() {
    for (String bad :
        new String[] {
          "",
          " 1",
          "1 ",
          "Infinity",
          "-Infinity",
          "nan",
          "inf",
          "0x1p3",
          "1d",
          "1f",
          "1e",
          "--1",
          "1,5",
          "½",
          "١"
        }) {
      assertThat(ok(sample(bad)).failure())
          .as(bad)
          .isEqualTo("bad answer from Prometheus: the value \"" + bad + "\" is not a number");
    }
    String huge = "9".repeat(100_000);
    assertThat(ok(sample(huge)).failure())
        .startsWith("bad answer from Prometheus: the value \"9999")
        .hasSizeLessThan(120);
  }

  @Test
  void hostileTextInAnErrorEndsPrintableAndBounded() {
    String hostile = "\\u001b[31mred\\nforged\\u202e" + "x".repeat(60_000);
    QueryAnswer answer =
        parse(
            400,
            "{\"status\":\"error\",\"errorType\":\""
                + hostile
                + "\",\"error\":\""
                + hostile
                + "\"}");
    assertThat(SafeText.printable(answer.failure())).isTrue();
    assertThat(answer.failure()).startsWith("Prometheus error ?[31mred?forged?xxx");
    assertThat(answer.failure().length()).isLessThanOrEqualTo(QueryAnswer.MAX_FAILURE_CHARS);
  }

  @Test
  void extraFieldsAndWarningsAreIgnored() {
    assertThat(
            ok(
                "{\"status\":\"success\",\"warnings\":[\"partial\"],\"data\":{\"resultType\":"
                    + "\"vector\",\"result\":[{\"metric\":{\"a\":\"b\"},\"value\":[1.5,\"2\"],"
                    + "\"extra\":1}],\"stats\":{}}}"))
        .isEqualTo(QueryAnswer.of(2));
  }

  private static double value(String text) {
    QueryAnswer answer = ok(sample(text));
    assertThat(answer.hasValue()).as(answer.toString()).isTrue();
    return answer.value();
  }

  private static String sample(String value) {
    return data("\"vector\"", "[{\"metric\":{},\"value\":[1700000000.123,\"" + value + "\"]}]");
  }

  private static String data(String resultType, String result) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":"
        + resultType
        + ",\"result\":"
        + result
        + "}}";
  }
}
