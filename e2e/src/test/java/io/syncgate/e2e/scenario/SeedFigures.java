package io.syncgate.e2e.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The figures of the seed scenario for one new member, computed from the sampler's record. Each
 * sample stands for the time until the next one.
 *
 * @param samples how many samples there were
 * @param readyWhileBehind how long {@code /readiness} answered 200 while the true lag exceeded
 *     {@code maxLag}
 * @param lagEndpointWhileBehind the same for {@code /replica?lag=0MB}
 * @param maxLagWhileReady the largest true lag seen while {@code /readiness} answered 200
 * @param gated from the first sample where Patroni called the member running to its first weight
 *     above 0 (to the end when it never got any)
 * @param ramp from the first weight above 0 to an equal share among the replicas; null when it
 *     never got there
 * @param staleReadSamples samples where the true lag exceeded {@code maxLag} while the member had
 *     weight
 * @param catchUpEta the controller's ETA when half the backlog was replayed, against the actual
 *     time
 * @param admittedAfterCaughtUp from the first sample where the controller's lag was within {@code
 *     maxLag}, after having been over it, to the first weight above 0; null when either never
 *     happened (what {@code admission.stableFor} and {@code admission.rejectGrowingLag} cost)
 */
public record SeedFigures(
    int samples,
    Duration readyWhileBehind,
    Duration lagEndpointWhileBehind,
    long maxLagWhileReady,
    Duration gated,
    Duration ramp,
    int staleReadSamples,
    CatchUpEta catchUpEta,
    Duration admittedAfterCaughtUp) {

  /**
   * The controller's catch-up ETA put to the test, all from the controller's own figures (its lag
   * and its ETA until the lag is within {@code admission.maxLag}, as sampled): the half point is
   * the first sample after the peak whose lag is at most half the peak, the peak being the largest
   * lag from the first sample with a lag until the member was first within {@code maxLag}.
   *
   * @param peakLag that peak; null when the controller never had a lag for the member
   * @param lagAtHalf the lag at the half point; null when there is none (no backlog over {@code
   *     maxLag}, or it never came down to half)
   * @param etaAtHalf the ETA the controller gave at the half point; null when there is no half
   *     point or it gave none there (too few samples, not catching up)
   * @param actual from the half point until the lag was first within {@code maxLag}; null when
   *     there is no half point or that never happened
   */
  public record CatchUpEta(Long peakLag, Long lagAtHalf, Duration etaAtHalf, Duration actual) {

    static final CatchUpEta NONE = new CatchUpEta(null, null, null, null);

    /** From {@code samples} (oldest first) of {@code member}. */
    public static CatchUpEta of(List<Sample> samples, String member, long maxLag) {
      List<Sample> known =
          samples.stream().filter(s -> s.controllerLag().get(member) != null).toList();
      if (known.isEmpty()) {
        return NONE;
      }
      long peak = -1;
      int peakAt = -1;
      int caughtUp = -1;
      for (int i = 0; i < known.size(); i++) {
        long lag = known.get(i).controllerLag().get(member);
        if (lag > peak) {
          peak = lag;
          peakAt = i;
        }
        if (peak > maxLag && lag <= maxLag) {
          caughtUp = i;
          break;
        }
      }
      int end = caughtUp == -1 ? known.size() - 1 : caughtUp;
      int half = -1;
      for (int i = peakAt + 1; peak > maxLag && i <= end; i++) {
        if (known.get(i).controllerLag().get(member) <= peak / 2) {
          half = i;
          break;
        }
      }
      if (half == -1) {
        return new CatchUpEta(peak, null, null, null);
      }
      Sample at = known.get(half);
      Double eta = at.catchUpEtaSeconds().get(member);
      return new CatchUpEta(
          peak,
          at.controllerLag().get(member),
          eta == null ? null : Duration.ofMillis(Math.round(eta * 1000)),
          caughtUp == -1
              ? null
              : Duration.ofMillis(known.get(caughtUp).atMillis() - at.atMillis()));
    }

    /** The ETA over the actual time (below 1: it was optimistic); null without both. */
    public Double ratio() {
      return etaAtHalf == null || actual == null || actual.isZero()
          ? null
          : etaAtHalf.toMillis() / (double) actual.toMillis();
    }

    /** The figures in words, for the summary line. */
    public String summary() {
      if (peakLag == null) {
        return "ETA at half the backlog: the controller never had a lag";
      }
      if (lagAtHalf == null) {
        return "ETA at half the backlog: no half point (peak lag " + bytes(peakLag) + ")";
      }
      return String.format(
          Locale.ROOT,
          "ETA at half the backlog (%s left of a %s peak): the controller said %s, it took %s%s",
          bytes(lagAtHalf),
          bytes(peakLag),
          etaAtHalf == null ? "nothing" : seconds(etaAtHalf),
          actual == null ? "longer than the run" : seconds(actual),
          ratio() == null ? "" : String.format(Locale.ROOT, " (ratio %.2f)", ratio()));
    }
  }

  /** Computes the figures of {@code member} from {@code samples} (oldest first). */
  public static SeedFigures of(List<Sample> samples, String member, long maxLag) {
    long readyBehind = 0;
    long lagEndpointBehind = 0;
    long maxLagReady = 0;
    int stale = 0;
    Long firstRunning = null;
    Long firstWeighted = null;
    Long equalShare = null;
    boolean wasBehind = false;
    Long caughtUp = null;
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      long span = i + 1 < samples.size() ? samples.get(i + 1).atMillis() - sample.atMillis() : 0;
      MemberView view = sample.member(member);
      Long lag = sample.trueLag(member);
      boolean behind = lag != null && lag > maxLag;
      if (view != null && view.readiness() == 200) {
        if (behind) {
          readyBehind += span;
        }
        if (lag != null) {
          maxLagReady = Math.max(maxLagReady, lag);
        }
      }
      if (view != null && view.replicaLagZero() == 200 && behind) {
        lagEndpointBehind += span;
      }
      Long controllerLag = sample.controllerLag().get(member);
      if (controllerLag != null && controllerLag > maxLag) {
        wasBehind = true;
      } else if (controllerLag != null && wasBehind && caughtUp == null) {
        caughtUp = sample.atMillis();
      }
      int weight = sample.weight(member);
      if (behind && weight > 0) {
        stale++;
      }
      if (firstRunning == null && view != null && view.running() && !view.leader()) {
        firstRunning = sample.atMillis();
      }
      if (firstWeighted == null && weight > 0) {
        firstWeighted = sample.atMillis();
      }
      if (firstWeighted != null && equalShare == null && equalShare(sample, member)) {
        equalShare = sample.atMillis();
      }
    }
    long end = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).atMillis();
    Duration gated =
        firstRunning == null
            ? Duration.ZERO
            : Duration.ofMillis((firstWeighted == null ? end : firstWeighted) - firstRunning);
    Duration ramp =
        firstWeighted == null || equalShare == null
            ? null
            : Duration.ofMillis(equalShare - firstWeighted);
    return new SeedFigures(
        samples.size(),
        Duration.ofMillis(readyBehind),
        Duration.ofMillis(lagEndpointBehind),
        maxLagReady,
        gated,
        ramp,
        stale,
        CatchUpEta.of(samples, member, maxLag),
        caughtUp == null || firstWeighted == null || firstWeighted < caughtUp
            ? null
            : Duration.ofMillis(firstWeighted - caughtUp));
  }

  /**
   * True when {@code member} has weight and every destination of the route has the same weight,
   * give or take the one point largest-remainder rounding hands out.
   */
  static boolean equalShare(Sample sample, String member) {
    if (sample.weight(member) <= 0 || sample.weights().isEmpty()) {
      return false;
    }
    int min = sample.weights().values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    int max = sample.weights().values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    return max - min <= 1;
  }

  /** One line with every figure, for the test output. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "seed: /readiness said 200 for %s while the new member was behind (largest lag then %s),"
            + " /replica?lag=0MB for %s; gated %s (admitted %s after the controller's lag was"
            + " within maxLag); ramp %s; stale-read samples %d of %d; %s",
        seconds(readyWhileBehind),
        bytes(maxLagWhileReady),
        seconds(lagEndpointWhileBehind),
        seconds(gated),
        admittedAfterCaughtUp == null ? "-" : seconds(admittedAfterCaughtUp),
        ramp == null ? "not reached" : seconds(ramp),
        staleReadSamples,
        samples,
        catchUpEta.summary());
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  static String bytes(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%d KiB", bytes >> 10);
  }
}
