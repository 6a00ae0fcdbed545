package io.syncgate.policy.gating;

import java.time.Duration;
import java.util.Locale;

/**
 * Formats byte counts and durations the way reasons and events show them: binary units with at most
 * one decimal ({@code 8 KiB}, {@code 5.2 GiB}) and compact durations ({@code 0.2s}, {@code 12s},
 * {@code 1m30s}, {@code 2h5m}).
 */
public final class HumanFormat {

  private static final String[] BINARY_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private HumanFormat() {}

  /**
   * {@code 512 B}, {@code 8 KiB}, {@code 1.5 MiB}, {@code 5.2 GiB}; negative counts keep a sign.
   */
  public static String bytes(long bytes) {
    if (bytes < 0) {
      return "-" + bytes(bytes == Long.MIN_VALUE ? Long.MAX_VALUE : -bytes);
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (unit + 1 < BINARY_UNITS.length && value >= 1024) {
      value /= 1024;
      unit++;
    }
    double rounded = Math.round(value * 10) / 10.0;
    // 1023.96 KiB rounds to 1024.0 KiB: show it as 1 MiB instead.
    if (rounded >= 1024 && unit + 1 < BINARY_UNITS.length) {
      rounded = Math.round(rounded / 1024 * 10) / 10.0;
      unit++;
    }
    return oneDecimal(rounded) + " " + BINARY_UNITS[unit];
  }

  /** A duration: one decimal below a minute ({@code 0.2s}, {@code 12s}), else {@code 1h2m3s}. */
  public static String duration(Duration duration) {
    if (duration.isNegative()) {
      return "-" + duration(duration.negated());
    }
    if (duration.compareTo(Duration.ofMinutes(1)) < 0) {
      return seconds(duration.toNanos() / 1e9);
    }
    long total = duration.getSeconds();
    long hours = total / 3600;
    long minutes = (total % 3600) / 60;
    long seconds = total % 60;
    StringBuilder out = new StringBuilder();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds).append('s');
    }
    return out.toString();
  }

  /** Seconds as a duration; {@code 0.2s}, {@code 12s}, {@code 1m30s}. */
  public static String seconds(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return seconds + "s";
    }
    double rounded = Math.round(seconds * 10) / 10.0;
    if (Math.abs(rounded) < 60) {
      return oneDecimal(rounded) + "s";
    }
    // At a minute and above, whole seconds are precise enough.
    return duration(Duration.ofSeconds(Math.round(seconds)));
  }

  private static String oneDecimal(double value) {
    if (value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
