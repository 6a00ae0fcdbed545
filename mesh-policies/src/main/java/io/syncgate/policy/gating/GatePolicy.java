package io.syncgate.policy.gating;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The decision-relevant part of a validated {@code ReplicaGate} spec, in plain types. Zero
 * durations for {@code admissionMaxLagTime} / {@code ejectionMaxLagTime} mean "not checked".
 */
public record GatePolicy(
    long admissionMaxLagBytes,
    Duration admissionMaxLagTime,
    Duration stableFor,
    List<Integer> rampSteps,
    Duration stepInterval,
    long ejectionMaxLagBytes,
    Duration ejectionMaxLagTime,
    Duration unreachableFor,
    Fallback fallback,
    boolean paused) {

  public GatePolicy {
    Objects.requireNonNull(admissionMaxLagTime);
    Objects.requireNonNull(stableFor);
    Objects.requireNonNull(stepInterval);
    Objects.requireNonNull(ejectionMaxLagTime);
    Objects.requireNonNull(unreachableFor);
    Objects.requireNonNull(fallback);
    rampSteps = List.copyOf(rampSteps);
    if (rampSteps.isEmpty() || rampSteps.get(rampSteps.size() - 1) != 100) {
      throw new IllegalArgumentException("ramp steps must end at 100: " + rampSteps);
    }
    for (int i = 0; i < rampSteps.size(); i++) {
      int s = rampSteps.get(i);
      if (s < 1 || s > 100 || (i > 0 && s <= rampSteps.get(i - 1))) {
        throw new IllegalArgumentException(
            "ramp steps must be strictly increasing in 1..100: " + rampSteps);
      }
    }
    if (ejectionMaxLagBytes < admissionMaxLagBytes) {
      throw new IllegalArgumentException("ejection.maxLag must be >= admission.maxLag");
    }
  }

  /**
   * The defaults (docs/design.md, "The ReplicaGate contract"): 1Mi / 10s / [10,25,50,100] every 30s
   * / 16Mi / 10s / Primary.
   */
  public static GatePolicy defaults() {
    return new GatePolicy(
        1L << 20,
        Duration.ZERO,
        Duration.ofSeconds(10),
        List.of(10, 25, 50, 100),
        Duration.ofSeconds(30),
        16L << 20,
        Duration.ZERO,
        Duration.ofSeconds(10),
        Fallback.PRIMARY,
        false);
  }

  public GatePolicy withPaused(boolean newPaused) {
    return new GatePolicy(
        admissionMaxLagBytes,
        admissionMaxLagTime,
        stableFor,
        rampSteps,
        stepInterval,
        ejectionMaxLagBytes,
        ejectionMaxLagTime,
        unreachableFor,
        fallback,
        newPaused);
  }

  public GatePolicy withFallback(Fallback newFallback) {
    return new GatePolicy(
        admissionMaxLagBytes,
        admissionMaxLagTime,
        stableFor,
        rampSteps,
        stepInterval,
        ejectionMaxLagBytes,
        ejectionMaxLagTime,
        unreachableFor,
        newFallback,
        paused);
  }
}
