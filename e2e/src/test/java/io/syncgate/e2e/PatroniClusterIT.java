package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness itself: two real members come up like pods (leader and streaming replica, each on its
 * own loopback address), answer on Patroni's REST API, replicate, and are all gone — no process,
 * nothing listening — after the cluster closes.
 */
@ExtendWith(RealPatroniExtension.class)
class PatroniClusterIT {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void twoMembersComeUpReplicateAndLeaveNothingBehind(Clusters clusters) throws Exception {
    long t0 = System.nanoTime();
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick());
    long etcdUp = System.nanoTime();
    PatroniMember leader = cluster.startLeader();
    long leaderUp = System.nanoTime();
    PatroniMember replica = cluster.startReplica();
    long replicaUp = System.nanoTime();

    assertThat(leader.address()).isEqualTo(PatroniCluster.address(0)).endsWith(".2");
    assertThat(replica.address()).isEqualTo(PatroniCluster.address(1)).endsWith(".3");
    JsonNode leaderStatus = leader.status().orElseThrow();
    JsonNode replicaStatus = replica.status().orElseThrow();
    // Patroni 3.x says "master"; 4.x says "primary".
    assertThat(leaderStatus.path("role").asText()).isIn("master", "primary");
    assertThat(leaderStatus.path("xlog").path("location").isNumber()).isTrue();
    assertThat(replicaStatus.path("role").asText()).isEqualTo("replica");
    assertThat(replicaStatus.path("state").asText()).isEqualTo("running");
    assertThat(replicaStatus.path("xlog").path("replayed_location").isNumber()).isTrue();
    assertThat(leader.rest("/readiness").status()).isEqualTo(200);
    assertThat(replica.rest("/readiness").status()).isEqualTo(200);
    assertThat(leader.rest("/primary").status()).isEqualTo(200);
    assertThat(replica.rest("/primary").status()).isEqualTo(503);

    cluster.execute(
        "CREATE TABLE smoke (id int PRIMARY KEY)",
        "INSERT INTO smoke SELECT generate_series(1, 1000)");
    try (Connection onReplica = replica.connect("postgres")) {
      Await.until(
          Duration.ofSeconds(30),
          "the replica to have the leader's rows",
          () -> count(onReplica),
          n -> n != null && n == 1000);
    }

    List<Long> pids = new ArrayList<>();
    for (PatroniMember member : cluster.members()) {
      pids.add(member.patroniPid());
      pids.add(member.postmaster().orElseThrow().pid());
    }
    long stopStart = System.nanoTime();
    cluster.close();
    long stopped = System.nanoTime();

    assertThat(pids)
        .allSatisfy(
            pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    for (PatroniMember member : cluster.members()) {
      assertThat(PatroniCluster.listening(member.address(), PatroniMember.REST_PORT)).isFalse();
      assertThat(PatroniCluster.listening(member.address(), PatroniMember.PG_PORT)).isFalse();
    }
    assertThat(PatroniCluster.listening("127.0.0.1", cluster.etcd().clientPort())).isFalse();
    System.out.printf(
        "harness (%s): etcd up in %d ms, leader leads after %d ms, replica streams after %d ms"
            + " more, all stopped in %d ms%n",
        cluster.patroni().describe(),
        millis(t0, etcdUp),
        millis(etcdUp, leaderUp),
        millis(leaderUp, replicaUp),
        millis(stopStart, stopped));
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void clusterLeftInMaintenanceModeIsStoppedToo(Clusters clusters) {
    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick());
    PatroniMember leader = cluster.startLeader();
    PatroniMember replica = cluster.startReplica();
    cluster.pause();
    Await.until(
        Duration.ofSeconds(30),
        "maintenance mode on both members",
        () ->
            cluster.members().stream()
                .allMatch(m -> m.status().map(s -> s.path("pause").asBoolean()).orElse(false)));
    List<Long> postmasters =
        List.of(leader.postmaster().orElseThrow().pid(), replica.postmaster().orElseThrow().pid());

    // Patroni exits without stopping PostgreSQL in maintenance mode; close() stops it anyway.
    cluster.close();

    // The postmaster outlived Patroni, so it was reparented: once stopped it may linger as a
    // zombie until its new parent reaps it. A zombie runs nothing and holds no port.
    Await.until(
        Duration.ofSeconds(10),
        "the postmasters gone",
        () -> postmasters.stream().noneMatch(PatroniClusterIT::running));
    assertThat(PatroniCluster.listening(leader.address(), PatroniMember.PG_PORT)).isFalse();
    assertThat(PatroniCluster.listening(replica.address(), PatroniMember.PG_PORT)).isFalse();
  }

  /** Alive and not a zombie (state Z in /proc/PID/stat). */
  private static boolean running(long pid) {
    if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
      return false;
    }
    try {
      String stat =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid + "", "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
    } catch (java.io.IOException e) {
      return false; // gone between the two looks
    }
  }

  private static Long count(Connection connection) {
    try {
      return PatroniCluster.queryLong(connection, "SELECT count(*) FROM smoke");
    } catch (java.sql.SQLException e) {
      return null;
    }
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }
}
