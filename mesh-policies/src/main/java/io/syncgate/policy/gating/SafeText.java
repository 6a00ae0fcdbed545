package io.syncgate.policy.gating;

/**
 * Text from outside syncgate (Patroni answers, exception messages) made fit for replica reasons,
 * log lines, event messages and status: printable characters only, and at most a given length.
 *
 * <p>Every character that is not printable (control characters such as CR, LF, ESC and NUL; format
 * characters such as bidirectional overrides; line and paragraph separators; unpaired surrogates;
 * private-use and unassigned code points) becomes {@code ?}: a newline in a Patroni answer must not
 * forge a log line, nor an escape sequence repaint a terminal. Text longer than the cap is cut,
 * never inside a surrogate pair, and ends with {@link #ELLIPSIS}. Text that is already printable
 * and short enough is returned as it is, so the values Patroni really sends ({@code running},
 * {@code streaming}, {@code 4.0.4}) pass unchanged.
 */
public final class SafeText {

  /**
   * Patroni's state-like values: {@code state}, {@code replication_state}, the Patroni version. The
   * longest Patroni sends is under 40 characters ({@code running custom bootstrap script}).
   */
  public static final int MAX_FIELD_CHARS = 64;

  /**
   * The reason of a sample without a usable answer. The parser's and client's own reasons stay
   * under 200 characters: their quoted details are cut at 120.
   */
  public static final int MAX_SAMPLE_REASON_CHARS = 256;

  /**
   * A replica's reason and a transition's: a sample reason with a prefix ("Patroni unreachable for
   * 1m30s: ", "waiting for a single leader: leader pg-0 unreachable: ") fits. The status holds one
   * per replica, so this bounds what each replica adds to it.
   */
  public static final int MAX_REASON_CHARS = 512;

  /** What ends a text that was cut. */
  public static final char ELLIPSIS = '…';

  /** What stands for each character that is not printable. */
  public static final char REPLACEMENT = '?';

  private SafeText() {}

  /**
   * {@code text} with every non-printable character replaced by {@link #REPLACEMENT}, cut to at
   * most {@code maxChars} characters (UTF-16 units), the last of them then {@link #ELLIPSIS}.
   *
   * @param text any text, or null (then null)
   * @param maxChars the longest result, at least 2
   */
  public static String of(String text, int maxChars) {
    if (maxChars < 2) {
      throw new IllegalArgumentException("maxChars must be at least 2, got " + maxChars);
    }
    if (text == null) {
      return null;
    }
    if (text.length() <= maxChars && printable(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars + 1));
    int i = 0;
    // Sanitising stops one character past the cap: a 60 KiB value costs no more than a short one.
    while (i < text.length() && out.length() <= maxChars) {
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      if (printable(codePoint)) {
        out.appendCodePoint(codePoint);
      } else {
        out.append(REPLACEMENT);
      }
    }
    if (i >= text.length() && out.length() <= maxChars) {
      return out.toString();
    }
    int cut = maxChars - 1;
    if (Character.isHighSurrogate(out.charAt(cut - 1))
        && Character.isLowSurrogate(out.charAt(cut))) {
      cut--;
    }
    out.setLength(cut);
    return out.append(ELLIPSIS).toString();
  }

  /** A Patroni state-like value ({@code state}, {@code replication_state}, the version). */
  public static String field(String text) {
    return of(text, MAX_FIELD_CHARS);
  }

  /** True when every character of {@code text} is printable (see the class comment). */
  public static boolean printable(String text) {
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      if (!printable(codePoint)) {
        return false;
      }
      i += Character.charCount(codePoint);
    }
    return true;
  }

  private static boolean printable(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }
}
