package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @Test
  void startsFullAndRefusesOnceEmpty() {
    TokenBucket bucket = new TokenBucket(3, TEN_SECONDS, T0);
    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isTrue();
    assertThat(bucket.tryTake(T0)).isFalse();
  }

  @Test
  void earnsOneTokenPerIntervalAndKeepsTheProgressOfAPartOne() {
    TokenBucket bucket = new TokenBucket(3, TEN_SECONDS, T0);
    for (int i = 0; i < 3; i++) {
      bucket.tryTake(T0);
    }
    assertThat(bucket.tryTake(T0.plusSeconds(9))).isFalse();
    assertThat(bucket.tryTake(T0.plusSeconds(10))).isTrue();
    assertThat(bucket.tryTake(T0.plusSeconds(15))).isFalse();
    // 25 s: two intervals since the start, one of them already spent.
    assertThat(bucket.tokens(T0.plusSeconds(25))).isEqualTo(1);
  }

  @Test
  void aLongQuietSpellFillsTheBucketButNoMore() {
    TokenBucket bucket = new TokenBucket(3, TEN_SECONDS, T0);
    bucket.tryTake(T0);
    assertThat(bucket.tokens(T0.plus(Duration.ofDays(1)))).isEqualTo(3);
  }

  @Test
  void aClockSetBackEarnsNothing() {
    TokenBucket bucket = new TokenBucket(2, TEN_SECONDS, T0);
    bucket.tryTake(T0);
    bucket.tryTake(T0);
    assertThat(bucket.tryTake(T0.minusSeconds(3600))).isFalse();
    // The interval restarts from the earlier time: ten seconds after it, one token.
    assertThat(bucket.tryTake(T0.minusSeconds(3591))).isFalse();
    assertThat(bucket.tryTake(T0.minusSeconds(3590))).isTrue();
  }
}
