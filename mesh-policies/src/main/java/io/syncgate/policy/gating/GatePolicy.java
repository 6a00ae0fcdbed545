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
    boolean paused,
    Integer maxRamping,
    boolean requireApproval,
    List<Integer> pauseAt,
    Analysis analysis,
    boolean rejectGrowingLag,
    long maxLagGrowthBytesPerSecond,
    Duration maxLagGrowthFor) {

  /**
   * The analysis part of a policy: the names of the gate's checks, how many failed results of one
   * check in a row make the replica fail its analysis, and what happens then.
   */
  public record Analysis(List<String> checks, int failureLimit, OnFailure onFailure) {

    /** No checks: the ramp is timed only. */
    public static final Analysis NONE = new Analysis(List.of(), 3, OnFailure.STEP_BACK);

    public Analysis {
      checks = List.copyOf(checks);
      Objects.requireNonNull(onFailure, "onFailure");
      if (failureLimit < 1) {
        throw new IllegalArgumentException("failureLimit must be at least 1: " + failureLimit);
      }
    }

    public boolean any() {
      return !checks.isEmpty();
    }
  }

  /** What a replica's failed analysis does ({@code spec.analysis.onFailure}). */
  public enum OnFailure {
    /** Back to the first ramp step, whose timer starts again; the checks go on. */
    STEP_BACK("StepBack"),
    /** Out of reads, as an operator's abort: until someone resumes it. */
    ABORT("Abort");

    private final String displayName;

    OnFailure(String displayName) {
      this.displayName = displayName;
    }

    /** The value of {@code spec.analysis.onFailure}. */
    public String displayName() {
      return displayName;
    }

    public static OnFailure fromDisplayName(String name) {
      for (OnFailure f : values()) {
        if (f.displayName.equals(name)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown onFailure: " + name);
    }
  }

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
    if (maxRamping != null && maxRamping < 1) {
      throw new IllegalArgumentException("maxRamping must be at least 1: " + maxRamping);
    }
    pauseAt = List.copyOf(pauseAt);
    for (int p : pauseAt) {
      if (p == 100 || !rampSteps.contains(p)) {
        throw new IllegalArgumentException(
            "pauseAt must name ramp steps below 100: " + pauseAt + " of " + rampSteps);
      }
    }
    Objects.requireNonNull(analysis, "analysis");
    if (maxLagGrowthBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "maxLagGrowth must not be negative: " + maxLagGrowthBytesPerSecond);
    }
    Objects.requireNonNull(maxLagGrowthFor, "maxLagGrowthFor");
    if (ejectionMaxLagBytes < admissionMaxLagBytes) {
      throw new IllegalArgumentException("ejection.maxLag must be >= admission.maxLag");
    }
  }

  /**
   * The defaults (docs/design.md, "The ReplicaGate contract"): 1Mi / 10s / [10,25,50,100] every 60s
   * / 16Mi / 10s / Primary; a Ramping replica whose lag grows faster than 256 KiB/s for 10s steps
   * back.
   */
  public static GatePolicy defaults() {
    return builder().build();
  }

  /** A builder that starts from the {@linkplain #defaults() defaults}: set only what differs. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this policy's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public GatePolicy withPaused(boolean newPaused) {
    return toBuilder().paused(newPaused).build();
  }

  public GatePolicy withFallback(Fallback newFallback) {
    return toBuilder().fallback(newFallback).build();
  }

  /**
   * True when a Ramping replica whose lag grows too fast steps back ({@code ramp.maxLagGrowth}).
   */
  public boolean stepsBackOnLagGrowth() {
    return maxLagGrowthBytesPerSecond > 0;
  }

  /** True when a Ramping replica at {@code step} waits for an approval to leave it. */
  public boolean pausesAt(int step) {
    return step >= 0 && step < rampSteps.size() && pauseAt.contains(rampSteps.get(step));
  }

  /**
   * Names for the values. Validation runs once, in {@link #build()}, so values that constrain each
   * other (the admission and ejection lag limits) can be set in any order.
   */
  public static final class Builder {
    private long admissionMaxLagBytes = 1L << 20;
    private Duration admissionMaxLagTime = Duration.ZERO;
    private Duration stableFor = Duration.ofSeconds(10);
    private List<Integer> rampSteps = List.of(10, 25, 50, 100);
    private Duration stepInterval = Duration.ofSeconds(60);
    private long ejectionMaxLagBytes = 16L << 20;
    private Duration ejectionMaxLagTime = Duration.ZERO;
    private Duration unreachableFor = Duration.ofSeconds(10);
    private Fallback fallback = Fallback.PRIMARY;
    private boolean paused;
    private Integer maxRamping;
    private boolean requireApproval;
    private List<Integer> pauseAt = List.of();
    private Analysis analysis = Analysis.NONE;
    private boolean rejectGrowingLag = true;
    private long maxLagGrowthBytesPerSecond = 256L << 10;
    private Duration maxLagGrowthFor = Duration.ofSeconds(10);

    private Builder() {}

    private Builder(GatePolicy policy) {
      admissionMaxLagBytes = policy.admissionMaxLagBytes;
      admissionMaxLagTime = policy.admissionMaxLagTime;
      stableFor = policy.stableFor;
      rampSteps = policy.rampSteps;
      stepInterval = policy.stepInterval;
      ejectionMaxLagBytes = policy.ejectionMaxLagBytes;
      ejectionMaxLagTime = policy.ejectionMaxLagTime;
      unreachableFor = policy.unreachableFor;
      fallback = policy.fallback;
      paused = policy.paused;
      maxRamping = policy.maxRamping;
      requireApproval = policy.requireApproval;
      pauseAt = policy.pauseAt;
      analysis = policy.analysis;
      rejectGrowingLag = policy.rejectGrowingLag;
      maxLagGrowthBytesPerSecond = policy.maxLagGrowthBytesPerSecond;
      maxLagGrowthFor = policy.maxLagGrowthFor;
    }

    public Builder admissionMaxLagBytes(long value) {
      admissionMaxLagBytes = value;
      return this;
    }

    public Builder admissionMaxLagTime(Duration value) {
      admissionMaxLagTime = value;
      return this;
    }

    public Builder stableFor(Duration value) {
      stableFor = value;
      return this;
    }

    public Builder rampSteps(List<Integer> value) {
      rampSteps = value;
      return this;
    }

    public Builder stepInterval(Duration value) {
      stepInterval = value;
      return this;
    }

    public Builder ejectionMaxLagBytes(long value) {
      ejectionMaxLagBytes = value;
      return this;
    }

    public Builder ejectionMaxLagTime(Duration value) {
      ejectionMaxLagTime = value;
      return this;
    }

    public Builder unreachableFor(Duration value) {
      unreachableFor = value;
      return this;
    }

    public Builder fallback(Fallback value) {
      fallback = value;
      return this;
    }

    public Builder paused(boolean value) {
      paused = value;
      return this;
    }

    /** At most this many Ramping replicas while another serves; null: no limit. */
    public Builder maxRamping(Integer value) {
      maxRamping = value;
      return this;
    }

    /** No replica gets its first reads before an operator approves it. */
    public Builder requireApproval(boolean value) {
      requireApproval = value;
      return this;
    }

    /** Ramp steps (percent) at which a replica stops until approved. */
    public Builder pauseAt(List<Integer> value) {
      pauseAt = value;
      return this;
    }

    /** Admission also needs a lag that is not growing ({@link CatchUp}). */
    public Builder rejectGrowingLag(boolean value) {
      rejectGrowingLag = value;
      return this;
    }

    /**
     * A Ramping replica whose lag grows faster than this (bytes per second) for {@link
     * #maxLagGrowthFor} steps back one step; 0: never.
     */
    public Builder maxLagGrowthBytesPerSecond(long value) {
      maxLagGrowthBytesPerSecond = value;
      return this;
    }

    public Builder maxLagGrowthFor(Duration value) {
      maxLagGrowthFor = value;
      return this;
    }

    public Builder analysis(Analysis value) {
      analysis = value;
      return this;
    }

    /** The policy, checked by the record's constructor. */
    public GatePolicy build() {
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
          paused,
          maxRamping,
          requireApproval,
          pauseAt,
          analysis,
          rejectGrowingLag,
          maxLagGrowthBytesPerSecond,
          maxLagGrowthFor);
    }
  }
}
