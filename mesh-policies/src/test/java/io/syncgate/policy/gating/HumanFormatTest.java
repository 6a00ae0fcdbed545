package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanFormatTest {

  @Test
  void bytesUseBinaryUnitsWithOneDecimal() {
    assertThat(HumanFormat.bytes(0)).isEqualTo("0 B");
    assertThat(HumanFormat.bytes(1023)).isEqualTo("1023 B");
    assertThat(HumanFormat.bytes(1024)).isEqualTo("1 KiB");
    assertThat(HumanFormat.bytes(8192)).isEqualTo("8 KiB");
    assertThat(HumanFormat.bytes(1536 * 1024)).isEqualTo("1.5 MiB");
    assertThat(HumanFormat.bytes(1L << 20)).isEqualTo("1 MiB");
    assertThat(HumanFormat.bytes(5583457485L)).isEqualTo("5.2 GiB");
    assertThat(HumanFormat.bytes(3L << 40)).isEqualTo("3 TiB");
    assertThat(HumanFormat.bytes(-2048)).isEqualTo("-2 KiB");
  }

  @Test
  void bytesRoundingUpToTheNextUnitShowsTheNextUnit() {
    // 1048575 B = 1023.999 KiB: rounds to 1024.0 KiB, shown as 1 MiB.
    assertThat(HumanFormat.bytes((1L << 20) - 1)).isEqualTo("1 MiB");
    assertThat(HumanFormat.bytes(1075)).isEqualTo("1 KiB");
    assertThat(HumanFormat.bytes(1126)).isEqualTo("1.1 KiB");
  }

  @Test
  void durationsAreCompact() {
    assertThat(HumanFormat.duration(Duration.ZERO)).isEqualTo("0s");
    assertThat(HumanFormat.duration(Duration.ofMillis(200))).isEqualTo("0.2s");
    assertThat(HumanFormat.duration(Duration.ofSeconds(12))).isEqualTo("12s");
    assertThat(HumanFormat.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(HumanFormat.duration(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(HumanFormat.duration(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(HumanFormat.duration(Duration.ofSeconds(2 * 3600 + 5 * 60))).isEqualTo("2h5m");
    assertThat(HumanFormat.duration(Duration.ofSeconds(-3))).isEqualTo("-3s");
  }

  @Test
  void secondsShowOneDecimalBelowAMinute() {
    assertThat(HumanFormat.seconds(0.2)).isEqualTo("0.2s");
    assertThat(HumanFormat.seconds(5.0)).isEqualTo("5s");
    assertThat(HumanFormat.seconds(12.34)).isEqualTo("12.3s");
    assertThat(HumanFormat.seconds(59.96)).isEqualTo("1m");
    assertThat(HumanFormat.seconds(125.4)).isEqualTo("2m5s");
  }
}
