package io.syncgate.e2e.scenario;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sampler tick: every member as Patroni and PostgreSQL describe it, and the read route's
 * weights as the VirtualService had them at that moment.
 *
 * @param atMillis when, in {@link io.syncgate.e2e.harness.TestTime} milliseconds
 * @param members every member, by name
 * @param weights the VirtualService's weight per subset (member name); empty without one
 * @param controllerLag the controller's own replay lag figure per replica, where it has one
 * @param catchUpEtaSeconds the controller's ETA per replica until its lag is within {@code
 *     admission.maxLag}, where it gives one (the replica is catching up)
 * @param catchUpBytesPerSecond the controller's catch-up rate per replica (negative: the lag
 *     grows), where it has one
 */
public record Sample(
    long atMillis,
    Map<String, MemberView> members,
    Map<String, Integer> weights,
    Map<String, Long> controllerLag,
    Map<String, Double> catchUpEtaSeconds,
    Map<String, Double> catchUpBytesPerSecond) {

  public Sample {
    members = Map.copyOf(members);
    weights = Map.copyOf(weights);
    controllerLag = Map.copyOf(controllerLag);
    catchUpEtaSeconds = Map.copyOf(catchUpEtaSeconds);
    catchUpBytesPerSecond = Map.copyOf(catchUpBytesPerSecond);
  }

  /** A sample without the controller's catch-up figures. */
  public Sample(
      long atMillis,
      Map<String, MemberView> members,
      Map<String, Integer> weights,
      Map<String, Long> controllerLag) {
    this(atMillis, members, weights, controllerLag, Map.of(), Map.of());
  }

  /** The single member that says it leads, or empty when none or several do. */
  public Optional<MemberView> leader() {
    List<MemberView> leaders = members.values().stream().filter(MemberView::leader).toList();
    return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
  }

  public MemberView member(String name) {
    return members.get(name);
  }

  /**
   * True replay lag of {@code name} in bytes: the leader's {@code pg_current_wal_lsn()} minus the
   * member's {@code pg_last_wal_replay_lsn()}, both asked of PostgreSQL in this tick (the replica
   * first, so the figure errs high). Null when either is unknown or there is no single leader.
   */
  public Long trueLag(String name) {
    MemberView member = members.get(name);
    Optional<MemberView> leader = leader();
    if (member == null
        || member.walBytes() == null
        || leader.isEmpty()
        || leader.get().walBytes() == null
        || leader.get().name().equals(name)) {
      return null;
    }
    return Math.max(0, leader.get().walBytes() - member.walBytes());
  }

  /** The member's weight in the read route, 0 when it is not in it. */
  public int weight(String name) {
    return weights.getOrDefault(name, 0);
  }
}
