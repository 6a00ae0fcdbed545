package io.syncgate.policy.gating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Untrusted text made printable and short, and the records that carry it into the core. */
class SafeTextTest {

  private static final String HUGE = "x".repeat(60 * 1024);
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "running",
        "streaming",
        "in archive recovery",
        "running custom bootstrap script",
        "4.0.4",
        "lag 4.2 GiB > 1 MiB",
        "ümlaut, 中文 and an emoji 🐘 are printable"
      })
  void printableShortTextIsReturnedAsItIs(String text) {
    assertThat(SafeText.field(text)).isSameAs(text);
  }

  @Test
  void controlAndFormatCharactersBecomeQuestionMarks() {
    assertThat(SafeText.field("running\nINFO forged line")).isEqualTo("running?INFO forged line");
    assertThat(SafeText.field("a\r\nb\tc\u0000d\u007fe")).isEqualTo("a??b?c?d?e");
    assertThat(SafeText.field("\u001b[31mred\u001b[0m")).isEqualTo("?[31mred?[0m");
    // C1 next line, line and paragraph separators, a right-to-left override, a zero-width space.
    assertThat(SafeText.field("a\u0085b\u2028c\u2029d\u202ee\u200bf")).isEqualTo("a?b?c?d?e?f");
    // Lone surrogates (JSON can encode them as \\ud800) and private use.
    assertThat(SafeText.field("a\ud800b\udc00c\ue000d")).isEqualTo("a?b?c?d");
  }

  @Test
  void longTextIsCutToTheCapWithAnEllipsis() {
    String cut = SafeText.field(HUGE);
    assertThat(cut).hasSize(SafeText.MAX_FIELD_CHARS).endsWith("…");
    assertThat(cut).startsWith("x".repeat(SafeText.MAX_FIELD_CHARS - 1));

    assertThat(SafeText.of("x".repeat(10), 10)).isEqualTo("x".repeat(10));
    assertThat(SafeText.of("x".repeat(11), 10)).isEqualTo("x".repeat(9) + "…");
    assertThat(SafeText.of("\n".repeat(100), 10)).isEqualTo("?".repeat(9) + "…");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    // 🐘 is two UTF-16 units; with a cap of 10 the ellipsis goes at index 9.
    assertThat(SafeText.of("x".repeat(7) + "🐘" + "y".repeat(10), 10))
        .isEqualTo("x".repeat(7) + "🐘…");
    // Here the cut would fall between its two halves: the whole pair goes.
    String cut = SafeText.of("x".repeat(8) + "🐘" + "y".repeat(10), 10);
    assertThat(cut).isEqualTo("x".repeat(8) + "…");
    assertThat(SafeText.printable(cut)).isTrue();
  }

  @Test
  void nullStaysNullAndTheCapMustLeaveRoomForTheEllipsis() {
    assertThat(SafeText.field(null)).isNull();
    assertThatThrownBy(() -> SafeText.of("x", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSampleMakesItsPatroniTextsSafeWhoeverBuildsIt() {
    MemberSample sample =
        MemberSample.builder("pg-1")
            .role(PatroniRole.REPLICA)
            .state("running\n2026-12-07 INFO forged")
            .replicationState("\u001b[2J" + HUGE)
            .patroniVersion(HUGE)
            .build();

    assertThat(sample.state()).isEqualTo("running?2026-12-07 INFO forged");
    assertThat(sample.replicationState()).hasSize(SafeText.MAX_FIELD_CHARS).startsWith("?[2Jxxx");
    assertThat(sample.patroniVersion()).hasSize(SafeText.MAX_FIELD_CHARS).endsWith("…");

    MemberSample failed = MemberSample.failed("pg-1", SampleFailure.BAD_ANSWER, "bad\r\n" + HUGE);
    assertThat(failed.reason()).hasSize(SafeText.MAX_SAMPLE_REASON_CHARS).startsWith("bad??xx");
  }

  @Test
  void knownPatroniValuesPassThroughASample() {
    MemberSample replica = MemberSample.replica("pg-1", 3, 10, 10, NOW);
    assertThat(replica.state()).isEqualTo("running");
    assertThat(replica.replicationState()).isEqualTo("streaming");
    assertThat(MemberSample.failed("pg-1", SampleFailure.TIMEOUT, "timeout after 2s").reason())
        .isEqualTo("timeout after 2s");
  }

  @Test
  void replicaAndTransitionReasonsAreCut() {
    ReplicaState state =
        new ReplicaState("pg-1", Phase.GATED, 0, NOW, null, null, null, null, null, HUGE + "\n");
    assertThat(state.reason()).hasSize(SafeText.MAX_REASON_CHARS).endsWith("…");
    assertThat(state.withPhase(Phase.EJECTED).reason()).isEqualTo(state.reason());

    Transition transition =
        new Transition(Transition.Kind.EJECTED, "pg-1", Phase.SERVING, Phase.EJECTED, 0, HUGE);
    assertThat(transition.reason()).hasSize(SafeText.MAX_REASON_CHARS).endsWith("…");
  }

  @Test
  void aHostileStateGivesAShortPrintableReasonAndEvent() {
    GatePolicy policy = GatePolicy.defaults();
    MemberSample hostile =
        MemberSample.builder("pg-1")
            .role(PatroniRole.REPLICA)
            .state("crashed\n" + HUGE)
            .timeline(1)
            .build();
    StepResult first =
        GatingStep.step(
            GateState.empty(),
            ClusterSnapshot.of(List.of(Samples.leader("pg-0", 1), hostile), NOW),
            policy,
            NOW);

    String reason = first.state().replicas().get("pg-1").reason();
    assertThat(reason).isEqualTo("state crashed?" + "x".repeat(SafeText.MAX_FIELD_CHARS - 9) + "…");
    assertThat(first.plan().transitions())
        .allSatisfy(t -> assertThat(SafeText.printable(t.reason())).isTrue());
  }
}
