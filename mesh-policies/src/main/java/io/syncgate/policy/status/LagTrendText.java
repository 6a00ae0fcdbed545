package io.syncgate.policy.status;

import io.syncgate.policy.gating.HumanFormat;
import java.time.Duration;

/**
 * A replica's lag trend as status gives it ({@code lagTrend}, {@code catchUpBytesPerSecond}, {@code
 * catchUpEtaSeconds}), in words for tables: the demo's and {@code kubectl syncgate status}.
 */
public final class LagTrendText {

  private LagTrendText() {}

  /**
   * {@code 256 MiB/s, ETA 18s} while catching up (no ETA once within admission.maxLag), {@code
   * flat}, {@code growing 5 MiB/s}; empty while the controller has no estimate.
   *
   * @param lagTrend {@code CatchingUp}, {@code Flat} or {@code FallingBehind}, or null
   * @param bytesPerSecond how fast the lag shrinks (negative: it grows), or null
   * @param etaSeconds seconds until within admission.maxLag, or null
   */
  public static String of(String lagTrend, Long bytesPerSecond, Long etaSeconds) {
    if (lagTrend == null || bytesPerSecond == null) {
      return "";
    }
    return switch (lagTrend) {
      case "CatchingUp" ->
          HumanFormat.bytes(bytesPerSecond)
              + "/s"
              + (etaSeconds == null || etaSeconds == 0
                  ? ""
                  : ", ETA " + HumanFormat.duration(Duration.ofSeconds(etaSeconds)));
      case "FallingBehind" -> "growing " + HumanFormat.bytes(-bytesPerSecond) + "/s";
      default -> "flat";
    };
  }
}
