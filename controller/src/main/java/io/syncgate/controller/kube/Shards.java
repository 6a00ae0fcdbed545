package io.syncgate.controller.kube;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How gates are spread over {@code count} shards, each guarded by a Lease of its own. Pure: the
 * same answers on every JVM and every replica, so a user can predict where a gate goes.
 *
 * <p>A gate's shard is {@code fnv1a64(utf8(namespace + "/" + name)) mod count}, the hash read as an
 * unsigned 64-bit number (FNV-1a: start at {@code 0xcbf29ce484222325}; for each byte, XOR it in,
 * then multiply by {@code 0x100000001b3} modulo 2<sup>64</sup>).
 *
 * <p>With one shard the Lease keeps its configured name, as before sharding; with more, shard
 * {@code i}'s Lease is {@code <name>-shard-<i>-of-<count>}: replicas run with different counts
 * campaign for different Leases instead of one Lease that means different gates to each.
 *
 * @param count how many shards, 1..{@value #MAX}
 */
public record Shards(int count) {

  /** The most shards: each is one Lease and one election thread per replica. */
  public static final int MAX = 64;

  /** One shard: every gate under the one Lease, as before sharding. */
  public static final Shards ONE = new Shards(1);

  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  public Shards {
    if (count < 1 || count > MAX) {
      throw new IllegalArgumentException("shards must be 1.." + MAX + ", got " + count);
    }
  }

  /** The shard of the gate {@code namespace/name}. */
  public int of(String namespace, String name) {
    return bucket(fnv1a64(namespace + "/" + name));
  }

  /** The shard of {@code gate}. */
  public int of(GateKey gate) {
    return of(gate.namespace(), gate.name());
  }

  /** The Lease of {@code shard}: {@code base} itself with one shard. */
  public String leaseName(String base, int shard) {
    check(shard);
    return count == 1 ? base : base + "-shard-" + shard + "-of-" + count;
  }

  /**
   * The order in which a replica named {@code identity} campaigns: its preferred shard ({@code
   * fnv1a64(utf8(identity)) mod count}) first, then the following ones, wrapping around. Replicas
   * with different names mostly prefer different shards, so at a start they do not all race for the
   * same one.
   */
  public List<Integer> campaignOrder(String identity) {
    int preferred = bucket(fnv1a64(identity));
    List<Integer> order = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      order.add((preferred + i) % count);
    }
    return order;
  }

  /**
   * Whether a replica that holds {@code held} shards, {@code sinceStart} after it began to
   * campaign, may start campaigning for the next shard of its {@link #campaignOrder}: once every
   * campaign it started has seen who holds its Lease ({@code unsettled} is 0: a first acquisition
   * still under way does not count as "none held") and {@code held × leaseDuration} has passed. A
   * replica that holds fewer shards reaches for the next one sooner (one holding none at once), so
   * replicas that start together tend to split the shards; a lone replica has them all after about
   * {@code (count - 1) × leaseDuration}, and every replica stands by for every shard by then. A
   * heuristic for spread only: the Leases alone keep two replicas from holding one shard.
   */
  public static boolean mayCampaignForAnother(
      int held, int unsettled, Duration sinceStart, Duration leaseDuration) {
    if (held < 0 || unsettled < 0) {
      throw new IllegalArgumentException(
          "held and unsettled must be >= 0, got " + held + " and " + unsettled);
    }
    return unsettled == 0 && sinceStart.compareTo(leaseDuration.multipliedBy(held)) >= 0;
  }

  /** {@code holding shards 0,2 of 3}, or {@code holding no shard of 3}. */
  public String describe(Set<Integer> held) {
    if (held.isEmpty()) {
      return "holding no shard of " + count;
    }
    return "holding shard"
        + (held.size() == 1 ? " " : "s ")
        + new TreeSet<>(held).stream().map(String::valueOf).collect(Collectors.joining(","))
        + " of "
        + count;
  }

  /** FNV-1a, 64 bits, over the UTF-8 bytes of {@code text}. */
  static long fnv1a64(String text) {
    long hash = FNV_OFFSET_BASIS;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }

  private int bucket(long hash) {
    return (int) Long.remainderUnsigned(hash, count);
  }

  private void check(int shard) {
    if (shard < 0 || shard >= count) {
      throw new IllegalArgumentException("shard must be 0.." + (count - 1) + ", got " + shard);
    }
  }
}
