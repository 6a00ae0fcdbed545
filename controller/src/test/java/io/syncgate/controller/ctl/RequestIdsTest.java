package io.syncgate.controller.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.rollout.ActionRequests;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void anIdIsTheTimeInBase36ThenARandomSuffix() {
    Instant at = Instant.parse("2025-03-04T12:00:00.123Z");

    String id = new RequestIds(new Random(1)).next(at);

    assertThat(id).matches("0" + Long.toString(at.toEpochMilli(), 36) + "-[0-9a-z]{6}");
    assertThat(ActionRequests.ID.matcher(id).matches()).isTrue();
    assertThat(ActionRequests.key(id)).isEqualTo("request.syncgate.io/" + id);
  }

  @Test
  void idsSortByTimeAndDoNotRepeat() {
    RequestIds ids = RequestIds.secure();
    Instant at = Instant.parse("2025-03-04T12:00:00Z");
    Set<String> seen = new HashSet<>();
    String previous = ids.next(Instant.EPOCH);
    assertThat(previous).startsWith("000000000-");
    for (int i = 0; i < 1000; i++) {
      String id = ids.next(at.plusMillis(i));
      assertThat(id).isGreaterThan(previous);
      assertThat(seen.add(id)).isTrue();
      previous = id;
    }
    // Far in the future, still nine digits of time and a valid id.
    String late = ids.next(Instant.parse("2100-01-01T00:00:00Z"));
    assertThat(late).hasSize(16);
    assertThat(ActionRequests.ID.matcher(late).matches()).isTrue();
  }
}
