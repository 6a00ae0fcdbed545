package io.syncgate.policy.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.Phase;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.ReplicaState;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import io.syncgate.policy.gating.SampleFailure;
import io.syncgate.policy.gating.Transition;
import io.syncgate.policy.mesh.MeshKind;
import io.syncgate.policy.status.GateConditions.Desired;
import io.syncgate.policy.status.TickOutcome.Decided;
import io.syncgate.policy.status.TickOutcome.ObjectWrite;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each kind of tick outcome, turned into what the tick publishes. */
class TickReportTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void anInvalidSpecIsNotReadyNamesTheFieldsAndWarnsOnce() {
    TickReport report =
        TickReport.of(new TickOutcome.InvalidSpec("spec.pollInterval: too short"), "db", "g");

    assertThat(report.conditions())
        .containsExactly(
            Desired.isFalse("Ready", "InvalidSpec", "spec.pollInterval: too short"),
            Desired.isTrue("InvalidSpec", "ValidationFailed", "spec.pollInterval: too short"));
    assertThat(report.events())
        .containsExactly(
            new TickReport.Event(EventReason.INVALID_SPEC, "spec.pollInterval: too short"));
    assertThat(report.meshWrites()).isEmpty();
  }

  @Test
  void foreignObjectsAreAConflictCountedForBothKinds() {
    TickReport report =
        TickReport.of(new TickOutcome.ForeignObjects("VirtualService db/g exists"), "db", "g");

    assertThat(report.conditions())
        .extracting(Desired::type, Desired::status, Desired::reason)
        .containsExactly(
            tuple("Ready", false, "Conflict"),
            tuple("InvalidSpec", false, "SpecValid"),
            tuple("Conflict", true, "NotManagedBySyncgate"));
    assertThat(report.events())
        .extracting(TickReport.Event::reason)
        .containsExactly(EventReason.CONFLICT);
    assertThat(report.meshWrites())
        .containsExactly(
            new TickReport.WriteCount("DestinationRule", "conflict"),
            new TickReport.WriteCount("VirtualService", "conflict"));
  }

  @Test
  void patroniThatCannotBePolledIsNotReadyWithoutAnEvent() {
    TickReport report = TickReport.of(new TickOutcome.NotPollable("no secret"), "db", "g");

    assertThat(report.conditions())
        .containsExactly(
            Desired.isFalse("Ready", "PatroniSecretUnavailable", "no secret"),
            Desired.isFalse("InvalidSpec", "SpecValid", ""));
    assertThat(report.events()).isEmpty();
  }

  @Test
  void aHostThatCannotBeCheckedIsNotReadyWithoutAnEvent() {
    TickReport report =
        TickReport.of(new TickOutcome.HostCheckFailed("cannot list: forbidden"), "db", "g");

    assertThat(report.conditions())
        .containsExactly(
            Desired.isFalse("Ready", "HostCheckFailed", "cannot list: forbidden"),
            Desired.isFalse("InvalidSpec", "SpecValid", ""));
    assertThat(report.events()).isEmpty();
    assertThat(report.meshWrites()).isEmpty();
  }

  @Test
  void aSettledTickIsReadyAndTellsItsStoryInOrder() {
    Plan plan =
        plan(
            null,
            List.of(
                new Transition(
                    Transition.Kind.ADMITTED, "b", Phase.GATED, Phase.RAMPING, 0, "caught up"),
                new Transition(Transition.Kind.PHASE, "c", Phase.UNKNOWN, Phase.GATED, 0, "seen")));
    MemberSample lost = MemberSample.failed("d", SampleFailure.TIMEOUT, "timeout after 2s");
    Decided decided =
        new Decided(
            plan,
            state(),
            List.of(lost),
            Set.of("d"),
            new TickOutcome.Settled(
                List.of(
                    new ObjectWrite(MeshKind.DESTINATION_RULE, WriteResult.NOOP, false, ""),
                    new ObjectWrite(MeshKind.VIRTUAL_SERVICE, WriteResult.UPDATED, true, ""))));

    TickReport report = TickReport.of(decided, "db", "g");

    assertThat(report.conditions())
        .containsExactly(
            Desired.isTrue("Ready", "Reconciled", "mesh in sync: 1 serving, 1 ramping, 1 gated"),
            Desired.isFalse("Degraded", "LeaderKnown", "leader a on timeline 1"),
            Desired.isFalse("InvalidSpec", "SpecValid", ""),
            Desired.isFalse("Conflict", "NoConflict", ""),
            Desired.isFalse("MembersExcluded", "NoneExcluded", ""));
    assertThat(report.events())
        .containsExactly(
            new TickReport.Event(
                EventReason.PATRONI_UNREACHABLE,
                "member d: Patroni gave no usable answer (timeout): timeout after 2s"),
            new TickReport.Event(EventReason.REPLICA_ADMITTED, "replica b: caught up"),
            new TickReport.Event(
                EventReason.DRIFT_CORRECTED,
                "VirtualService db/g was changed outside syncgate; restored the rendered spec"));
    assertThat(report.meshWrites())
        .containsExactly(
            new TickReport.WriteCount("DestinationRule", "noop"),
            new TickReport.WriteCount("VirtualService", "updated"));
    assertThat(report.pollErrors()).containsExactly("timeout");
  }

  @Test
  void nothingRoutableIsNotReadyWithAWarningThatSaysWhyAndThatTheLiveRouteStays() {
    String why =
        "no replica can take reads and the primary Service (mesh.primaryHost) has no ready"
            + " endpoint";
    Plan plan =
        new Plan(List.of("a", "b"), "a", Optional.empty(), false, null, List.of(), List.of(), why);
    Decided decided =
        new Decided(plan, state(), List.of(), Set.of(), new TickOutcome.Settled(List.of()));

    TickReport report = TickReport.of(decided, "db", "g");

    assertThat(report.conditions())
        .first()
        .isEqualTo(
            Desired.isFalse(
                "Ready", "NoRoutableDestination", why + "; the live route stays as it is"));
    assertThat(report.events())
        .containsExactly(
            new TickReport.Event(
                EventReason.NO_ROUTABLE_DESTINATION, why + "; the live route stays as it is"));
  }

  @Test
  void aMemberThatStaysUnreachableCountsEveryTickButWarnsOnlyOnce() {
    MemberSample lost = MemberSample.failed("d", SampleFailure.UNREACHABLE, "refused");
    Decided decided =
        new Decided(
            plan(null, List.of()),
            state(),
            List.of(lost),
            Set.of(),
            new TickOutcome.Settled(List.of()));

    TickReport report = TickReport.of(decided, "db", "g");

    assertThat(report.events()).isEmpty();
    assertThat(report.pollErrors()).containsExactly("unreachable");
  }

  @Test
  void aForeignObjectFoundWhileWritingIsAConflict() {
    Decided decided =
        decided(
            new TickOutcome.NotOwned(
                List.of(
                    new ObjectWrite(
                        MeshKind.DESTINATION_RULE, WriteResult.NOT_OWNED, false, "not ours")),
                "not ours"));

    TickReport report = TickReport.of(decided, "db", "g");

    assertThat(report.conditions().get(0))
        .isEqualTo(Desired.isFalse("Ready", "Conflict", "not ours"));
    assertThat(report.conditions().get(3))
        .isEqualTo(Desired.isTrue("Conflict", "NotManagedBySyncgate", "not ours"));
    assertThat(report.events())
        .containsExactly(new TickReport.Event(EventReason.CONFLICT, "not ours"));
    assertThat(report.meshWrites())
        .containsExactly(new TickReport.WriteCount("DestinationRule", "conflict"));
  }

  @Test
  void aFailedWriteIsNotReadyAndADegradedGateSaysWhy() {
    Decided failed = decided(new TickOutcome.WriteFailed(List.of(), "cannot render: bad host"));
    Decided degraded =
        new Decided(
            plan("no leader answered", List.of()),
            state(),
            List.of(),
            Set.of(),
            new TickOutcome.Settled(List.of()));

    assertThat(TickReport.of(failed, "db", "g").conditions().get(0))
        .isEqualTo(Desired.isFalse("Ready", "MeshWriteFailed", "cannot render: bad host"));
    assertThat(TickReport.of(degraded, "db", "g").conditions())
        .startsWith(
            Desired.isFalse("Ready", "Degraded", "no leader answered"),
            Desired.isTrue("Degraded", "LeaderUnknown", "no leader answered"));
  }

  @Test
  void excludedMembersAreNamedInTheirOwnConditionAndTheGateStaysReady() {
    Plan base = plan(null, List.of());
    Plan plan =
        new Plan(
            base.members(),
            base.leader(),
            base.route(),
            false,
            null,
            List.of(),
            List.of(
                new Exclusion("d.1", Exclusion.Cause.INVALID_SUBSET_NAME, "not a label"),
                new Exclusion("D_2", Exclusion.Cause.INVALID_SUBSET_NAME, "not a label")));
    Decided decided =
        new Decided(plan, state(), List.of(), Set.of(), new TickOutcome.Settled(List.of()));

    TickReport report = TickReport.of(decided, "db", "g");

    assertThat(report.conditions())
        .containsExactly(
            Desired.isTrue(
                "Ready",
                "Reconciled",
                "mesh in sync: 1 serving, 1 ramping, 1 gated; members excluded, see"
                    + " MembersExcluded"),
            Desired.isFalse("Degraded", "LeaderKnown", "leader a on timeline 1"),
            Desired.isFalse("InvalidSpec", "SpecValid", ""),
            Desired.isFalse("Conflict", "NoConflict", ""),
            Desired.isTrue(
                "MembersExcluded",
                "InvalidSubsetName",
                "no subset and no weight for D_2 (not a label), d.1 (not a label)"));
    assertThat(
            GateConditions.merge(List.of(), report.conditions(), 1L, NOW).stream()
                .map(c -> c.getType()))
        .containsExactly("Ready", "Degraded", "InvalidSpec", "Conflict", "MembersExcluded");
  }

  @Test
  void theStatusOfADecidedTickCarriesReplicasAndKeepsTransitionTimes() {
    Decided decided = decided(new TickOutcome.Settled(List.of()));
    TickReport report = TickReport.of(decided, "db", "g");

    ReplicaGateStatus first = report.status(null, 3L, NOW);
    ReplicaGateStatus second = report.status(first, 3L, NOW.plusSeconds(60));

    assertThat(first.getServing()).isEqualTo(1);
    assertThat(first.getReplicas()).extracting(r -> r.getWeight()).containsExactly(100, 0, 0);
    assertThat(GateConditions.find(second.getConditions(), "Ready").getLastTransitionTime())
        .isEqualTo("2026-12-07T10:00:00Z");
  }

  @Test
  void aTickThatDidNotDecideKeepsTheReplicasItHad() {
    ReplicaGateStatus before =
        TickReport.of(decided(new TickOutcome.Settled(List.of())), "db", "g").status(null, 1L, NOW);

    ReplicaGateStatus after =
        TickReport.of(new TickOutcome.NotPollable("no secret"), "db", "g").status(before, 2L, NOW);

    assertThat(after.getReplicas()).isEqualTo(before.getReplicas());
    assertThat(after.getObservedGeneration()).isEqualTo(2L);
    assertThat(GateConditions.isTrue(after.getConditions(), "Ready")).isFalse();
  }

  /**
   * A tick that decided nothing new about plan or state, whose mesh writes went as {@code mesh}.
   */
  private static Decided decided(TickOutcome.MeshResult mesh) {
    return new Decided(plan(null, List.of()), state(), List.of(), Set.of(), mesh);
  }

  private static Plan plan(String degradedReason, List<Transition> transitions) {
    Route route =
        new Route(
            List.of(
                new RouteDestination("b", 100),
                new RouteDestination("c", 0),
                new RouteDestination("e", 0)));
    return new Plan(
        List.of("a", "b", "c", "e"),
        degradedReason == null ? "a" : null,
        Optional.of(route),
        false,
        degradedReason,
        transitions);
  }

  private static GateState state() {
    return new GateState(
        Map.of(
            "b", replica("b", Phase.SERVING),
            "c", replica("c", Phase.RAMPING),
            "e", replica("e", Phase.GATED)),
        "a",
        1L,
        Optional.empty());
  }

  private static ReplicaState replica(String name, Phase phase) {
    return new ReplicaState(name, phase, 0, NOW, NOW, NOW, NOW, 0L, 0.0, "test");
  }
}
