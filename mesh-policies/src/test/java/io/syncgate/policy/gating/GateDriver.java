package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Drives {@link GatingStep} one tick at a time on a simulated clock, the way the controller does:
 * the state each step returns is fed into the next. Every tick also replays the step with the same
 * snapshot and time and checks that nothing changes (restart safety).
 */
final class GateDriver {

  static final Instant START = Instant.parse("2026-11-28T16:00:00Z");

  private Instant now;
  private GatePolicy policy;
  private GateState state;
  private StepResult last;
  private List<Exclusion> excluded = List.of();
  private PrimaryRoute primary = PrimaryRoute.LEADER_SUBSET;

  GateDriver(GatePolicy policy) {
    this(policy, GateState.empty());
  }

  GateDriver(GatePolicy policy, GateState initial) {
    this.policy = policy;
    this.state = initial;
    this.now = START;
  }

  Instant now() {
    return now;
  }

  GateState state() {
    return state;
  }

  StepResult last() {
    return last;
  }

  GateDriver policy(GatePolicy newPolicy) {
    this.policy = newPolicy;
    return this;
  }

  GatePolicy policy() {
    return policy;
  }

  /** The members excluded from the next ticks on (none by default). */
  GateDriver exclude(Exclusion... exclusions) {
    this.excluded = List.of(exclusions);
    return this;
  }

  /** Where the Primary fallback goes from the next ticks on (the leader's subset by default). */
  GateDriver primary(PrimaryRoute newPrimary) {
    this.primary = newPrimary;
    return this;
  }

  GateDriver advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  GateDriver advanceSeconds(long seconds) {
    return advance(Duration.ofSeconds(seconds));
  }

  /** One step at the current time with these samples. */
  StepResult tick(MemberSample... samples) {
    return tick(List.of(samples));
  }

  StepResult tick(List<MemberSample> samples) {
    ClusterSnapshot snapshot = ClusterSnapshot.of(samples, now);
    StepResult result = GatingStep.step(state, snapshot, excluded, primary, policy, now);
    StepResult replay = GatingStep.step(result.state(), snapshot, excluded, primary, policy, now);
    assertThat(replay.state()).as("replayed state at %s", now).isEqualTo(result.state());
    assertThat(replay.plan().route())
        .as("replayed route at %s", now)
        .isEqualTo(result.plan().route());
    assertThat(replay.plan().transitions()).as("replayed transitions at %s", now).isEmpty();
    state = result.state();
    last = result;
    return result;
  }

  ReplicaState replica(String name) {
    return state.replicas().get(name);
  }

  Phase phase(String name) {
    return replica(name).phase();
  }

  int weight(String subset) {
    return last.plan().route().orElseThrow().weightOf(subset);
  }
}
