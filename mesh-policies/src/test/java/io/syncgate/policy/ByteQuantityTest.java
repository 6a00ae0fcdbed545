package io.syncgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteQuantityTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("1", 1L),
        Arguments.of("1Ki", 1024L),
        Arguments.of("1Mi", 1L << 20),
        Arguments.of("16Mi", 16L << 20),
        Arguments.of("2Gi", 2L << 30),
        Arguments.of("1k", 1000L),
        Arguments.of("500M", 500_000_000L),
        Arguments.of("1.5Ki", 1536L),
        Arguments.of(".5Ki", 512L),
        Arguments.of("1e3", 1000L),
        Arguments.of("1E6", 1_000_000L),
        Arguments.of("2000m", 2L),
        Arguments.of("7Pi", 7L << 50),
        Arguments.of("9223372036854775807", Long.MAX_VALUE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesQuantitiesToBytes(String text, long bytes) {
    assertThat(ByteQuantity.parse(text)).isEqualTo(bytes);
    assertThat(ByteQuantity.isValid(text)).isTrue();
    assertThat(Pattern.compile(ByteQuantity.PATTERN).matcher(text).matches()).isTrue();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {"lots", "16MB", "1 Mi", "Mi", "1mi", "1KiB", "0x10", "1.", "1Mi ", "+1Mi"})
  void rejectsGarbageWithTheExpectedForm(String text) {
    assertThatThrownBy(() -> ByteQuantity.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining("expected a Kubernetes quantity");
    assertThat(Pattern.compile(ByteQuantity.PATTERN).matcher(text).matches()).isFalse();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"-1", "-1Mi", "-0.5Ki"})
  void rejectsNegatives(String text) {
    assertThatThrownBy(() -> ByteQuantity.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid size \"" + text + "\": must not be negative");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"0.5", "1500m", "1.1Ki", "1e-3", "100u"})
  void rejectsFractionsOfAByte(String text) {
    assertThatThrownBy(() -> ByteQuantity.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining("is not a whole number of bytes");
  }

  @Test
  void rejectsAmountsBeyondALong() {
    assertThatThrownBy(() -> ByteQuantity.parse("8Ei"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> ByteQuantity.parse("9223372036854775808"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void rejectsEmptyAndNull() {
    assertThatThrownBy(() -> ByteQuantity.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("size must not be empty");
    assertThatThrownBy(() -> ByteQuantity.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("size must not be empty");
  }
}
