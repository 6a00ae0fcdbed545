package io.syncgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.controller.testing.Await;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniCluster.CreateReplica;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.RealPatroniExtension;
import io.syncgate.e2e.harness.RealPatroniExtension.Clusters;
import io.syncgate.e2e.harness.TestTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test: records the parser fixtures of the Patroni the harness runs (e.g. a source tree given
 * with {@code -Dsyncgate.e2e.patroniSource}) into {@code -Dsyncgate.e2e.recordFixtures=<dir>};
 * skipped without that property. Three members like the seed scenario: a leader, a streaming
 * replica, and a member restored from an older pgBackRest backup, recorded while it catches up and
 * after. Each answer is stored as received: {@code NAME.headers} (status line and headers, the
 * {@code Date} header dropped) and {@code NAME.json} (the body, when there is one); {@code
 * restored-timeline.csv} has what the restored member said every half second.
 */
@ExtendWith(RealPatroniExtension.class)
class RecordPatroniFixturesIT {

  private static final long MIB = 1L << 20;
  private static final long BACKLOG = 1024 * MIB;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void recordFixtures(Clusters clusters) throws Exception {
    String target = System.getProperty("syncgate.e2e.recordFixtures", "");
    Assumptions.assumeFalse(target.isBlank(), "records only with -Dsyncgate.e2e.recordFixtures");
    Path out = Path.of(target).toAbsolutePath();
    Files.createDirectories(out);

    PatroniCluster cluster = clusters.start(PatroniCluster.Options.quick().withBackups());
    PatroniMember leader = cluster.startLeader();
    PatroniMember streaming = cluster.startReplica();
    cluster.createStanza(leader);
    cluster.pgbenchInit(leader, "postgres", 10);
    Await.until(
        Duration.ofSeconds(60),
        streaming.name() + " to replay up to the leader",
        () -> lag(cluster, leader, streaming) == 0);
    record(out, "leader", leader, "/patroni");
    record(out, "replica-streaming", streaming, "/patroni");
    record(out, "replica-streaming-readiness", streaming, "/readiness");
    record(out, "cluster-two-members", leader, "/cluster");

    cluster.backup(leader);
    long afterBackup = cluster.currentWalLsn(leader);
    cluster.execute("CREATE DATABASE churn");
    while (cluster.currentWalLsn(leader) - afterBackup < BACKLOG) {
      cluster.pgbenchInit(leader, "churn", 25);
    }
    long backlog = cluster.currentWalLsn(leader) - afterBackup;

    PatroniMember restored = cluster.startMember(CreateReplica.PGBACKREST);
    Set<String> recorded = new LinkedHashSet<>();
    StringBuilder timeline =
        new StringBuilder(
            "seconds,state,replication_state,true_lag_bytes,readiness,replica_lag_1MB\n");
    long started = TestTime.millis();
    Long firstRunning = null;
    Long firstReady = null;
    long deadline = started + Duration.ofMinutes(8).toMillis();
    while (TestTime.millis() < deadline) {
      long now = TestTime.millis();
      JsonNode status = restored.status().orElse(null);
      String state = status == null ? "" : status.path("state").asText("");
      String replicationState = status == null ? "" : status.path("replication_state").asText("");
      Long lag = status == null ? null : lag(cluster, leader, restored);
      int readiness = restored.rest("/readiness").status();
      int replicaLag = restored.rest("/replica?lag=1MB").status();
      timeline.append(
          String.format(
              Locale.ROOT,
              "%.1f,%s,%s,%s,%d,%d%n",
              (now - started) / 1000.0,
              state,
              replicationState,
              lag == null ? "" : lag,
              readiness,
              replicaLag));
      if ("running".equals(state) && lag != null) {
        if (firstRunning == null) {
          firstRunning = now;
        }
        if (firstReady == null && readiness == 200) {
          firstReady = now;
        }
        String phase =
            lag <= MIB
                ? "caught-up"
                : "in archive recovery".equals(replicationState)
                    ? "archive-recovery"
                    : "streaming".equals(replicationState) ? "streaming-behind" : null;
        if (phase != null && recorded.add(phase)) {
          record(out, "restored-" + phase, restored, "/patroni");
          record(out, "restored-" + phase + "-readiness", restored, "/readiness");
          record(out, "restored-" + phase + "-replica-lag-1MB", restored, "/replica?lag=1MB");
          record(out, "restored-" + phase + "-cluster", restored, "/cluster");
        }
        if ("caught-up".equals(phase)) {
          break;
        }
      }
      Thread.sleep(500); // a recording cadence, not a synchronisation
    }
    Files.writeString(out.resolve("restored-timeline.csv"), timeline, StandardCharsets.UTF_8);
    System.out.printf(
        "recorded %s into %s: backlog %d MiB; phases %s; running after %.1f s, /readiness 200"
            + " after %.1f s%n",
        cluster.patroni().describe(),
        out,
        backlog / MIB,
        recorded,
        firstRunning == null ? -1 : (firstRunning - started) / 1000.0,
        firstReady == null ? -1 : (firstReady - started) / 1000.0);
    assertThat(recorded).contains("caught-up");
  }

  /** Bytes of WAL {@code replica} has yet to replay to reach the leader's current position. */
  private static Long lag(PatroniCluster cluster, PatroniMember leader, PatroniMember replica) {
    JsonNode status = replica.status().orElse(null);
    if (status == null || !status.path("xlog").path("replayed_location").isNumber()) {
      return null;
    }
    long replayed = status.path("xlog").path("replayed_location").asLong();
    return Math.max(0, cluster.currentWalLsn(leader) - replayed);
  }

  /** One raw answer, as received: status line and headers, then the body if any. */
  private static void record(Path out, String name, PatroniMember member, String path)
      throws IOException {
    byte[] raw = rawGet(member.address(), PatroniMember.REST_PORT, path);
    String text = new String(raw, StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    String head = split < 0 ? text : text.substring(0, split);
    String body = split < 0 ? "" : text.substring(split + 4);
    StringBuilder headers = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (!line.regionMatches(true, 0, "Date:", 0, 5)) {
        headers.append(line).append('\n');
      }
    }
    Files.writeString(out.resolve(name + ".headers"), headers, StandardCharsets.UTF_8);
    if (!body.isEmpty()) {
      JSON.readTree(body); // fails the recording on a body that is not JSON
      Files.writeString(out.resolve(name + ".json"), body, StandardCharsets.UTF_8);
    }
  }

  private static byte[] rawGet(String host, int port, String path) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      socket.setSoTimeout(5000);
      OutputStream request = socket.getOutputStream();
      request.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + ":"
                  + port
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      request.flush();
      InputStream answer = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      answer.transferTo(bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on " + host, e);
    }
  }
}
