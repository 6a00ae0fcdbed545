package io.syncgate.controller.ctl;

import io.syncgate.policy.rollout.ActionRequests;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;

/**
 * Fresh ids of action requests: the request time in base-36 milliseconds, zero-padded so that ids
 * sort by time, then a random suffix so that two requests of the same millisecond (two operators,
 * or a script) do not collide, e.g. {@code 0m4x2k9q1-8f3kz0}. Always matches {@link
 * ActionRequests#ID}.
 */
public final class RequestIds {

  /** Base-36 digits of the time: nine last until the year 5000 and more. */
  static final int TIME_DIGITS = 9;

  /** Random base-36 digits: about 31 bits. */
  static final int RANDOM_DIGITS = 6;

  private static final String DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

  private final Random random;

  public RequestIds(Random random) {
    this.random = random;
  }

  /** Ids with a {@link SecureRandom} suffix. */
  public static RequestIds secure() {
    return new RequestIds(new SecureRandom());
  }

  /** A fresh id for a request made at {@code at}. */
  public String next(Instant at) {
    String time = Long.toString(Math.max(0, at.toEpochMilli()), 36).toLowerCase(Locale.ROOT);
    StringBuilder id = new StringBuilder();
    id.append("0".repeat(Math.max(0, TIME_DIGITS - time.length()))).append(time).append('-');
    for (int i = 0; i < RANDOM_DIGITS; i++) {
      id.append(DIGITS.charAt(random.nextInt(DIGITS.length())));
    }
    String out = id.toString();
    if (!ActionRequests.ID.matcher(out).matches()) {
      throw new IllegalStateException("not a request id: " + out);
    }
    return out;
  }
}
