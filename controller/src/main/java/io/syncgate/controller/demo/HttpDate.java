package io.syncgate.controller.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header value, formatted once per second (Python's {@code formatdate}). */
final class HttpDate {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private record Cached(long epochSecond, String value) {}

  private final Clock clock;
  private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

  HttpDate(Clock clock) {
    this.clock = clock;
  }

  String now() {
    Instant now = clock.instant();
    Cached current = cached;
    if (current.epochSecond() != now.getEpochSecond()) {
      current = new Cached(now.getEpochSecond(), FORMAT.format(now));
      cached = current;
    }
    return current.value();
  }

  long epochSecond() {
    return clock.instant().getEpochSecond();
  }
}
