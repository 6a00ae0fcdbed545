package io.syncgate.policy.gating;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One tick's view of a cluster: every member's sample, the single leader if there is exactly one
 * usable leader sample, and each replica's replay lag behind that leader.
 *
 * <p>Lag is computed here and nowhere else: {@code lagBytes = max(0, leader reference position −
 * replica replayed position)}, with leader and replicas sampled in the same tick. Time lag is
 * {@code now − replayed_timestamp} while the replica is behind, 0 once it has replayed up to the
 * leader's position, and unknown when Patroni reports no timestamp.
 */
public record ClusterSnapshot(
    Instant observedAt,
    Map<String, MemberSample> samples,
    String leader,
    Long leaderTimeline,
    Map<String, Lag> lags,
    String noLeaderReason) {

  /** Replay lag of one replica. {@code seconds} is null when it cannot be known. */
  public record Lag(long bytes, Double seconds) {}

  public ClusterSnapshot {
    samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
    lags = Collections.unmodifiableMap(new LinkedHashMap<>(lags));
  }

  public Optional<String> leaderName() {
    return Optional.ofNullable(leader);
  }

  /** Builds the snapshot of one tick from its samples; {@code now} is the tick's time. */
  public static ClusterSnapshot of(List<MemberSample> samples, Instant now) {
    Objects.requireNonNull(now, "now");
    List<MemberSample> sorted = new ArrayList<>(samples);
    sorted.sort(Comparator.comparing(MemberSample::member));
    Map<String, MemberSample> byName = new LinkedHashMap<>();
    for (MemberSample s : sorted) {
      byName.put(s.member(), s);
    }
    List<MemberSample> leaders =
        sorted.stream()
            .filter(MemberSample::usable)
            .filter(s -> s.role() != null && s.role().isLeader())
            .toList();
    if (leaders.size() != 1) {
      String reason =
          leaders.isEmpty()
              ? "no leader answered"
              : "more than one leader: "
                  + String.join(", ", leaders.stream().map(MemberSample::member).toList());
      return new ClusterSnapshot(now, byName, null, null, Map.of(), reason);
    }
    MemberSample leader = leaders.get(0);
    Long reference = leader.referencePosition();
    if (reference == null) {
      return new ClusterSnapshot(
          now,
          byName,
          null,
          null,
          Map.of(),
          "leader " + leader.member() + " reported no WAL position");
    }
    Map<String, Lag> lags = new LinkedHashMap<>();
    for (MemberSample s : sorted) {
      if (s == leader || !s.usable() || s.replayedLocation() == null) {
        continue;
      }
      long bytes = Math.max(0, reference - s.replayedLocation());
      Double seconds;
      if (bytes == 0) {
        seconds = 0.0;
      } else if (s.replayedTimestamp() == null) {
        seconds = null;
      } else {
        seconds = Math.max(0, Duration.between(s.replayedTimestamp(), now).toMillis() / 1000.0);
      }
      lags.put(s.member(), new Lag(bytes, seconds));
    }
    return new ClusterSnapshot(now, byName, leader.member(), leader.timeline(), lags, null);
  }
}
