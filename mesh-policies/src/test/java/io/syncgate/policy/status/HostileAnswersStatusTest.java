package io.syncgate.policy.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.GatePolicy;
import io.syncgate.policy.gating.GateState;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.gating.SampleFailure;
import io.syncgate.policy.gating.StepResult;
import io.syncgate.policy.status.TickOutcome.Decided;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A gate whose members all answer with 64 KiB of hostile text in every string field: the status,
 * its conditions and the events stay printable and small. etcd refuses objects over about 1.5 MiB,
 * and a status that large would stop every status write of the gate.
 */
class HostileAnswersStatusTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final int REPLICAS = 100;
  private static final int LIMIT_BYTES = 256 * 1024;

  /**
   * 64 KiB of what a hostile or broken Patroni could send: line breaks, escapes, lone surrogates.
   */
  private static final String HOSTILE;

  static {
    StringBuilder text = new StringBuilder("running\n2026-12-07 10:00:00 INFO forged line ");
    while (text.length() < 64 * 1024) {
      text.append("\u001b[31m\r\n\u0000\ud800\u202e").append("x".repeat(57));
    }
    HOSTILE = text.toString();
  }

  private static String member(int i) {
    // 63 characters, the longest a subset (and so a member pod) may be named.
    return String.format("pg-%03d-", i) + "m".repeat(56);
  }

  @Test
  void aHundredHostileReplicasKeepTheStatusSmallAndPrintable() {
    List<MemberSample> samples = new ArrayList<>();
    samples.add(MemberSample.leader(member(0), 1, 1L << 30));
    for (int i = 1; i <= REPLICAS; i++) {
      samples.add(
          i % 2 == 0
              ? MemberSample.builder(member(i))
                  .role(PatroniRole.REPLICA)
                  .state(HOSTILE)
                  .replicationState(HOSTILE)
                  .patroniVersion(HOSTILE)
                  .timeline(1)
                  .replayedLocation(1L << 29)
                  .build()
              : MemberSample.failed(member(i), SampleFailure.BAD_ANSWER, HOSTILE));
    }

    TickReport report = report(samples);
    ReplicaGateStatus status = report.status(null, 1L, NOW);

    assertThat(status.getReplicas()).hasSize(REPLICAS);
    assertSmallAndPrintable(status, report);
  }

  @Test
  void aHundredHostileLeadersKeepTheDegradedStatusSmallAndPrintable() {
    List<MemberSample> samples = new ArrayList<>();
    for (int i = 0; i <= REPLICAS; i++) {
      samples.add(
          MemberSample.builder(member(i))
              .role(PatroniRole.LEADER)
              .state(HOSTILE)
              .patroniVersion(HOSTILE)
              .timeline(1)
              .location(1L << 30)
              .build());
    }

    TickReport report = report(samples);
    ReplicaGateStatus status = report.status(null, 1L, NOW);

    // "more than one leader: " and 101 names of 63 characters: cut.
    Condition degraded = GateConditions.find(status.getConditions(), GateConditions.DEGRADED);
    assertThat(degraded.getMessage())
        .startsWith("more than one leader: " + member(0))
        .hasSize(GateConditions.MAX_MESSAGE_CHARS)
        .endsWith("…");
    assertSmallAndPrintable(status, report);
  }

  private static TickReport report(List<MemberSample> samples) {
    StepResult step =
        GatingStep.step(
            GateState.empty(), ClusterSnapshot.of(samples, NOW), GatePolicy.defaults(), NOW);
    List<MemberSample> unusable = samples.stream().filter(s -> !s.usable()).toList();
    Set<String> names = new HashSet<>();
    unusable.forEach(s -> names.add(s.member()));
    return TickReport.of(
        new Decided(step.plan(), step.state(), unusable, names, new TickOutcome.Settled(List.of())),
        "db",
        "hippo-reads");
  }

  private static void assertSmallAndPrintable(ReplicaGateStatus status, TickReport report) {
    byte[] json = new KubernetesSerialization().asJson(status).getBytes(StandardCharsets.UTF_8);
    assertThat(json.length).as("status JSON bytes").isLessThan(LIMIT_BYTES);
    for (ReplicaStatus replica : status.getReplicas()) {
      assertThat(replica.getReason().length()).isLessThanOrEqualTo(SafeText.MAX_REASON_CHARS);
      assertThat(SafeText.printable(replica.getReason())).as(replica.getReason()).isTrue();
    }
    for (Condition condition : status.getConditions()) {
      assertThat(condition.getMessage().length())
          .isLessThanOrEqualTo(GateConditions.MAX_MESSAGE_CHARS);
      assertThat(SafeText.printable(condition.getMessage())).isTrue();
    }
    for (TickReport.Event event : report.events()) {
      assertThat(event.message().length()).isLessThanOrEqualTo(1024);
      assertThat(SafeText.printable(event.message())).as(event.message()).isTrue();
    }
  }
}
