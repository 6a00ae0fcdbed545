package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniCluster.CreateReplica;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.TestTime;
import io.syncgate.e2e.harness.WriteLoad;
import io.syncgate.e2e.scenario.GatedCluster;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out one at a time (issue 16, story 1) on real Patroni: two replicas added to a running
 * cluster whose gate has {@code ramp.maxRamping: 1} enter the read route one after the other, each
 * through the whole ramp, while the first replica keeps serving.
 */
@ExtendWith(RealPatroniExtension.class)
class OneAtATimeIT {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void twoNewReplicasRampInOneAfterTheOther(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick());
    PatroniMember leader = cluster.startLeader();
    PatroniMember serving = cluster.startReplica();
    try (WriteLoad writes = WriteLoad.start(cluster, PatroniCluster.addresses(4), 64 * 1024);
        GatedCluster gated =
            GatedCluster.start(
                cluster,
                spec -> {
                  spec.getRamp().setStepInterval("2s");
                  spec.getRamp().setMaxRamping(1);
                })) {
      gated.awaitServing(Duration.ofSeconds(60), serving);
      PatroniMember first = gated.addMember(CreateReplica.BASEBACKUP);
      PatroniMember second = gated.addMember(CreateReplica.BASEBACKUP);

      // Each new replica's phase, as the gate's status gave it, whenever it changed.
      Map<String, List<String>> timeline = new LinkedHashMap<>();
      List<String> bothRamping = new ArrayList<>();
      long start = TestTime.millis();
      Await.until(
          Duration.ofMinutes(3),
          "both new replicas serving",
          () -> {
            // Both phases from one read of the status: two reads could straddle a status write.
            ReplicaGate gate = gated.kube().gate();
            String a = phase(gate, first);
            String b = phase(gate, second);
            note(timeline, first.name(), a, start);
            note(timeline, second.name(), b, start);
            if ("Ramping".equals(a) && "Ramping".equals(b)) {
              bothRamping.add(String.format("%.1fs", (TestTime.millis() - start) / 1000.0));
            }
            return "Serving".equals(a) && "Serving".equals(b);
          });
      // Equal shares of three: 34, 33, 33 (largest remainder).
      Await.until(
          Duration.ofSeconds(30),
          "three replicas at equal shares",
          () -> gated.kube().weights(),
          w ->
              List.of(serving, first, second).stream()
                  .allMatch(m -> w.getOrDefault(m.name(), 0) >= 33));

      System.out.printf(
          "one at a time (%s): leader %s, serving %s; %s; %s%n",
          cluster.patroni().describe(), leader.name(), serving.name(), timeline, writes);
      System.out.println(gated.controller().exposureSummary());
      assertThat(bothRamping).as("moments both new replicas were Ramping").isEmpty();
      assertThat(timeline.values())
          .as("each new replica through Ramping to Serving")
          .allSatisfy(
              phases ->
                  assertThat(phases)
                      .extracting(p -> p.substring(0, p.indexOf('@')))
                      .containsSubsequence("Ramping", "Serving"));
    }
  }

  private static String phase(ReplicaGate gate, PatroniMember member) {
    if (gate == null || gate.getStatus() == null || gate.getStatus().getReplicas() == null) {
      return "none";
    }
    return gate.getStatus().getReplicas().stream()
        .filter(r -> member.name().equals(r.getName()))
        .map(ReplicaStatus::getPhase)
        .findFirst()
        .orElse("none");
  }

  /** Appends "phase@seconds" to the member's timeline when its phase changed. */
  private static void note(
      Map<String, List<String>> timeline, String member, String phase, long start) {
    List<String> phases = timeline.computeIfAbsent(member, k -> new ArrayList<>());
    String last = phases.isEmpty() ? null : phases.get(phases.size() - 1);
    if (last == null || !last.startsWith(phase + "@")) {
      phases.add(String.format("%s@%.1fs", phase, (TestTime.millis() - start) / 1000.0));
    }
  }
}
