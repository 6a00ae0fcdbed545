package io.syncgate.policy;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/** What the parsers of a spec's strings ({@link ByteQuantity}, {@link GoDuration}) share. */
final class SpecStrings {

  private SpecStrings() {}

  /**
   * Refuses {@code text} unless it is present, unsigned and of the CRD schema's {@code form}.
   *
   * @param noun what the messages call the value: "size", "duration"
   * @param example the expectation named when the value is empty
   * @param expected the expectation named when the value does not match {@code form}
   */
  static void requireForm(String text, String noun, Pattern form, String example, String expected) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(noun + " must not be empty: expected " + example);
    }
    if (text.startsWith("-")) {
      throw invalid(noun, text, "must not be negative");
    }
    if (!form.matcher(text).matches()) {
      throw invalid(noun, text, "expected " + expected);
    }
  }

  /** Whether {@code parse} accepts {@code text}. */
  static boolean parses(String text, Consumer<String> parse) {
    try {
      parse.accept(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** "invalid size \"-1\": must not be negative". */
  static IllegalArgumentException invalid(String noun, String text, String why) {
    return invalid(noun, text, why, null);
  }

  static IllegalArgumentException invalid(String noun, String text, String why, Throwable cause) {
    return new IllegalArgumentException("invalid " + noun + " \"" + text + "\": " + why, cause);
  }
}
