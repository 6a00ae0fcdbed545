package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", Duration.ZERO),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("10s", Duration.ofSeconds(10)),
        Arguments.of("1m30s", Duration.ofSeconds(90)),
        Arguments.of("10m", Duration.ofMinutes(10)),
        Arguments.of("2h", Duration.ofHours(2)),
        Arguments.of("1.5s", Duration.ofMillis(1500)),
        Arguments.of("2.25h", Duration.ofMinutes(135)),
        Arguments.of("100ns", Duration.ofNanos(100)),
        Arguments.of("7us", Duration.ofNanos(7_000)),
        Arguments.of("7\u00b5s", Duration.ofNanos(7_000)),
        Arguments.of("7\u03bcs", Duration.ofNanos(7_000)),
        Arguments.of("1h2m3s4ms5us6ns", Duration.parse("PT1H2M3.004005006S")),
        // Go allows repeated and unordered units and sums them.
        Arguments.of("1s1s", Duration.ofSeconds(2)),
        Arguments.of("30s1m", Duration.ofSeconds(90)),
        // Below a nanosecond is truncated, as in Go.
        Arguments.of("1.9ns", Duration.ofNanos(1)),
        Arguments.of("2562047h47m16.854775807s", Duration.ofNanos(Long.MAX_VALUE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesGoDurations(String text, Duration expected) {
    assertThat(GoDuration.parse(text)).isEqualTo(expected);
    assertThat(GoDuration.isValid(text)).isTrue();
    assertThat(Pattern.compile(GoDuration.PATTERN).matcher(text).matches())
        .as("the CRD pattern admits what the parser accepts")
        .isTrue();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "10", "s", "1x", "1S", "1sec", "1m30", "abc", " 1s", "1s ", "1 s", "1.s", ".5s", "+1s",
        "1,5s", "1e3s", "0x10s", "\u221e", "1d"
      })
  void rejectsGarbageWithTheExpectedForm(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining("Go-style duration such as");
    assertThat(GoDuration.isValid(text)).isFalse();
    assertThat(Pattern.compile(GoDuration.PATTERN).matcher(text).matches())
        .as("the CRD pattern refuses what the parser refuses")
        .isFalse();
  }

  @Test
  void rejectsNegativeDurations() {
    assertThatThrownBy(() -> GoDuration.parse("-1s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid duration \"-1s\": must not be negative");
  }

  @Test
  void rejectsEmptyAndNull() {
    assertThatThrownBy(() -> GoDuration.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration must not be empty");
    assertThatThrownBy(() -> GoDuration.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration must not be empty");
  }

  @Test
  void rejectsDurationsBeyondGoRange() {
    assertThatThrownBy(() -> GoDuration.parse("2562047h47m16.854775808s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> GoDuration.parse("99999999999999999999h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }
}
