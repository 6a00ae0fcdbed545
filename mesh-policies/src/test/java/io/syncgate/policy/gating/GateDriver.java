package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
  private final List<OperatorAction> actions = new ArrayList<>();
  private Map<String, Map<String, CheckVerdict>> checks = Map.of();
  private int nextActionId;

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

  /** An operator action for the next tick only, by "alice", with a fresh id. */
  GateDriver act(ActionVerb verb, String replica) {
    actions.add(new OperatorAction("a" + nextActionId++, verb, replica, "alice", now));
    return this;
  }

  /** The check results of the next ticks on, by replica and check. */
  GateDriver checks(Map<String, Map<String, CheckVerdict>> newChecks) {
    this.checks = newChecks;
    return this;
  }

  /** The newest operator action the state records. */
  ActionRecord lastAction() {
    List<ActionRecord> all = state.actions();
    return all.get(all.size() - 1);
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
    RolloutInputs inputs = new RolloutInputs(actions, checks);
    actions.clear();
    StepResult result = GatingStep.step(state, snapshot, excluded, primary, inputs, policy, now);
    // The same actions again take no effect: each is taken once, by its id.
    StepResult replay =
        GatingStep.step(result.state(), snapshot, excluded, primary, inputs, policy, now);
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
