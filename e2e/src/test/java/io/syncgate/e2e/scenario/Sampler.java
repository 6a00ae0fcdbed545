package io.syncgate.e2e.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncgate.e2e.harness.Http;
import io.syncgate.e2e.harness.PatroniCluster;
import io.syncgate.e2e.harness.PatroniMember;
import io.syncgate.e2e.harness.TestTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Samples a running cluster every {@code period}: per member {@code /patroni}, {@code /readiness}
 * and {@code /replica?lag=0MB}, its WAL position asked of PostgreSQL directly, and the current
 * read-route weights. Members added to the cluster later are picked up.
 */
public final class Sampler implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WAL_POSITION =
      "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
          + " ELSE pg_current_wal_lsn() END - '0/0'";

  private final Supplier<List<PatroniMember>> members;
  private final Supplier<Map<String, Integer>> weights;
  private final Supplier<Map<String, Long>> controllerLag;
  private final Supplier<Map<String, Double>> catchUpEta;
  private final Supplier<Map<String, Double>> catchUpRate;
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Connection> connections = new HashMap<>();
  private final AtomicInteger failedTicks = new AtomicInteger();

  /** What the first failed tick threw, for the message of a test that finds samples missing. */
  private final java.util.concurrent.atomic.AtomicReference<String> firstFailure =
      new java.util.concurrent.atomic.AtomicReference<>();

  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "e2e-sampler");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param members the members to sample (re-read every tick)
   * @param weights the read route's weights now
   * @param controllerLag the controller's replay lag per replica now
   * @param catchUpEta the controller's catch-up ETA per replica now, in seconds
   * @param catchUpRate the controller's catch-up rate per replica now, in bytes per second
   */
  public Sampler(
      Supplier<List<PatroniMember>> members,
      Supplier<Map<String, Integer>> weights,
      Supplier<Map<String, Long>> controllerLag,
      Supplier<Map<String, Double>> catchUpEta,
      Supplier<Map<String, Double>> catchUpRate) {
    this.members = members;
    this.weights = weights;
    this.controllerLag = controllerLag;
    this.catchUpEta = catchUpEta;
    this.catchUpRate = catchUpRate;
  }

  /** Starts sampling every {@code period}. */
  public Sampler start(Duration period) {
    ticker.scheduleAtFixedRate(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Every sample so far, oldest first. */
  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** The latest sample, or null before the first. */
  public Sample latest() {
    synchronized (samples) {
      return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }
  }

  /**
   * Writes every sample as CSV (one row per member per sample), for reading after a failure: time,
   * member, role, state, timeline, paused, readiness, replica?lag=0MB, WAL bytes, true lag, the
   * controller's lag, its catch-up ETA (seconds) and rate (bytes per second), weight.
   */
  public void writeCsv(Path file) {
    StringBuilder csv =
        new StringBuilder(
            "at_ms,member,role,state,timeline,paused,readiness,replica_lag0,wal_bytes,true_lag,"
                + "controller_lag,catch_up_eta_s,catch_up_bytes_per_s,weight\n");
    for (Sample sample : samples()) {
      for (MemberView m : sample.members().values()) {
        csv.append(sample.atMillis())
            .append(',')
            .append(m.name())
            .append(',')
            .append(m.role())
            .append(',')
            .append(m.state())
            .append(',')
            .append(m.timeline())
            .append(',')
            .append(m.replayPaused())
            .append(',')
            .append(m.readiness())
            .append(',')
            .append(m.replicaLagZero())
            .append(',')
            .append(m.walBytes())
            .append(',')
            .append(sample.trueLag(m.name()))
            .append(',')
            .append(sample.controllerLag().get(m.name()))
            .append(',')
            .append(sample.catchUpEtaSeconds().get(m.name()))
            .append(',')
            .append(sample.catchUpBytesPerSecond().get(m.name()))
            .append(',')
            .append(sample.weights().get(m.name()))
            .append('\n');
      }
    }
    try {
      Files.writeString(file, csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** How many ticks failed and what the first one threw, or "no failed ticks". */
  public String failures() {
    String first = firstFailure.get();
    return first == null
        ? "no failed ticks"
        : failedTicks.get() + " failed ticks, the first at " + first;
  }

  /** Ticks that threw (and so recorded nothing). */
  public int failedTicks() {
    return failedTicks.get();
  }

  private void tick() {
    try {
      samples.add(take());
    } catch (RuntimeException e) {
      failedTicks.incrementAndGet();
      firstFailure.compareAndSet(null, TestTime.millis() + " ms: " + e);
    }
  }

  private Sample take() {
    long at = TestTime.millis();
    List<PatroniMember> current = members.get();
    Map<String, CompletableFuture<Http.Answer>> patroni = new LinkedHashMap<>();
    Map<String, CompletableFuture<Http.Answer>> readiness = new LinkedHashMap<>();
    Map<String, CompletableFuture<Http.Answer>> replicaLagZero = new LinkedHashMap<>();
    for (PatroniMember member : current) {
      patroni.put(member.name(), Http.getAsync(member.restUrl("/patroni")));
      readiness.put(member.name(), Http.getAsync(member.restUrl("/readiness")));
      replicaLagZero.put(member.name(), Http.getAsync(member.restUrl("/replica?lag=0MB")));
    }
    Map<String, JsonNode> status = new HashMap<>();
    for (PatroniMember member : current) {
      Http.Answer answer = patroni.get(member.name()).join();
      if (answer.ok()) {
        try {
          status.put(member.name(), JSON.readTree(answer.body()));
        } catch (IOException e) {
          // Not JSON: the member shows as not answering.
        }
      }
    }
    // Replicas before the leader: the leader's position read last makes the lag err high.
    List<PatroniMember> leaderLast = new ArrayList<>();
    List<PatroniMember> leaders = new ArrayList<>();
    for (PatroniMember member : current) {
      String role = role(status.get(member.name()));
      ("master".equals(role) || "primary".equals(role) ? leaders : leaderLast).add(member);
    }
    leaderLast.addAll(leaders);
    Map<String, Long> wal = new HashMap<>();
    for (PatroniMember member : leaderLast) {
      wal.put(member.name(), walPosition(member));
    }
    Map<String, MemberView> views = new LinkedHashMap<>();
    for (PatroniMember member : current) {
      JsonNode s = status.get(member.name());
      views.put(
          member.name(),
          new MemberView(
              member.name(),
              role(s),
              s == null ? null : s.path("state").asText(null),
              s == null || !s.path("timeline").isNumber() ? null : s.path("timeline").asLong(),
              s == null || !s.path("xlog").path("paused").isBoolean()
                  ? null
                  : s.path("xlog").path("paused").asBoolean(),
              readiness.get(member.name()).join().status(),
              replicaLagZero.get(member.name()).join().status(),
              wal.get(member.name())));
    }
    return new Sample(
        at, views, weights.get(), controllerLag.get(), catchUpEta.get(), catchUpRate.get());
  }

  private static String role(JsonNode status) {
    return status == null ? null : status.path("role").asText(null);
  }

  private Long walPosition(PatroniMember member) {
    try {
      Connection connection = connections.get(member.name());
      if (connection == null) {
        // Short timeouts: a member that is down must not stretch the tick.
        connection = member.connect("postgres", Duration.ofSeconds(1), Duration.ofSeconds(2));
        connections.put(member.name(), connection);
      }
      return PatroniCluster.queryLong(connection, WAL_POSITION);
    } catch (SQLException e) {
      Connection broken = connections.remove(member.name());
      if (broken != null) {
        try {
          broken.close();
        } catch (SQLException ignored) {
          // Already broken.
        }
      }
      return null;
    }
  }

  /** Stops sampling and closes the sampler's connections. */
  @Override
  public void close() {
    ticker.shutdown();
    try {
      if (!ticker.awaitTermination(10, TimeUnit.SECONDS)) {
        ticker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ticker.shutdownNow();
    }
    for (Connection connection : connections.values()) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing anyway.
      }
    }
    connections.clear();
  }
}
