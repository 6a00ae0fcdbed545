package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardsTest {

  @Test
  void theHashIsFnv1a64OverUtf8() {
    // The published FNV-1a 64 test vectors, and a non-ASCII name (checked with another
    // implementation), so the documented formula is the one in use.
    assertThat(Shards.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(Shards.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(Shards.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    assertThat(Shards.fnv1a64("db/ünïcode")).isEqualTo(0x91fc88e5047e65b8L);
  }

  @Test
  void placementIsPinned() {
    // fnv1a64("db/hippo") = 0xab9b5ea11dcd3820 and fnv1a64("db/ünïcode") = 0x91fc88e5047e65b8,
    // read unsigned: a change here moves gates between replicas on upgrade.
    assertThat(new Shards(2).of("db", "hippo")).isZero();
    assertThat(new Shards(3).of("db", "hippo")).isZero();
    assertThat(new Shards(3).of("db", "ünïcode")).isEqualTo(1);
    assertThat(new Shards(7).of("db", "hippo"))
        .isEqualTo((int) Long.remainderUnsigned(0xab9b5ea11dcd3820L, 7));
  }

  @Test
  void oneShardHoldsEveryGateUnderTheConfiguredLease() {
    assertThat(Shards.ONE.of("any", "gate")).isZero();
    assertThat(Shards.ONE.leaseName("syncgate-controller", 0)).isEqualTo("syncgate-controller");
    assertThat(Shards.ONE.campaignOrder("pod-1")).containsExactly(0);
  }

  @Test
  void shardedLeasesNameTheirShardAndTheCount() {
    Shards three = new Shards(3);
    assertThat(three.leaseName("syncgate-controller", 2))
        .isEqualTo("syncgate-controller-shard-2-of-3");
    assertThat(new Shards(2).leaseName("syncgate-controller", 0))
        .isEqualTo("syncgate-controller-shard-0-of-2");
    assertThatThrownBy(() -> three.leaseName("x", 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gatesSpreadEvenlyAndStayPut() {
    for (int count : List.of(2, 3, 8, Shards.MAX)) {
      Shards shards = new Shards(count);
      int gates = 20_000;
      int[] perShard = new int[count];
      for (int i = 0; i < gates; i++) {
        String namespace = "team-" + (i % 37);
        String name = "pg-" + i;
        int shard = shards.of(namespace, name);
        assertThat(shard).isBetween(0, count - 1);
        assertThat(shards.of(new GateKey(namespace, name))).isEqualTo(shard);
        perShard[shard]++;
      }
      double expected = (double) gates / count;
      for (int n : perShard) {
        // Binomial spread: a standard deviation is at most sqrt(expected); allow six.
        assertThat(Math.abs(n - expected))
            .as("gates on a shard of %d: %d, expected about %.0f", count, n, expected)
            .isLessThan(6 * Math.sqrt(expected));
      }
    }
  }

  @Test
  void theHashDoesNotDependOnStringHashCode() {
    // "Aa" and "BB" share a String.hashCode; their placements need not.
    assertThat("db/Aa".hashCode()).isEqualTo("db/BB".hashCode());
    assertThat(Shards.fnv1a64("db/Aa")).isNotEqualTo(Shards.fnv1a64("db/BB"));
  }

  @Test
  void theNamespaceAndNameAreSeparated() {
    assertThat(Shards.fnv1a64("ab/c")).isNotEqualTo(Shards.fnv1a64("a/bc"));
  }

  @Test
  void campaignOrderStartsAtTheIdentitysShardAndCoversAllOnce() {
    Shards two = new Shards(2);
    // fnv1a64("controller-a") is odd, fnv1a64("controller-b") even.
    assertThat(two.campaignOrder("controller-a")).containsExactly(1, 0);
    assertThat(two.campaignOrder("controller-b")).containsExactly(0, 1);
    Shards five = new Shards(5);
    Set<Integer> firsts = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      List<Integer> order = five.campaignOrder("syncgate-" + i);
      assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
      for (int k = 1; k < order.size(); k++) {
        assertThat(order.get(k)).isEqualTo((order.get(0) + k) % 5);
      }
      firsts.add(order.get(0));
    }
    assertThat(firsts).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void aReplicaHoldingMoreWaitsLongerForTheNextShard() {
    Duration lease = Duration.ofSeconds(15);
    assertThat(Shards.mayCampaignForAnother(0, 0, Duration.ZERO, lease)).isTrue();
    assertThat(Shards.mayCampaignForAnother(1, 0, Duration.ofSeconds(14), lease)).isFalse();
    assertThat(Shards.mayCampaignForAnother(1, 0, Duration.ofSeconds(15), lease)).isTrue();
    assertThat(Shards.mayCampaignForAnother(2, 0, Duration.ofSeconds(29), lease)).isFalse();
    assertThat(Shards.mayCampaignForAnother(2, 0, Duration.ofSeconds(30), lease)).isTrue();
    assertThat(Shards.mayCampaignForAnother(3, 0, Duration.ofSeconds(44), lease)).isFalse();
  }

  @Test
  void aReplicaWaitsUntilItKnowsWhoHoldsWhatItCampaignsFor() {
    // Its first campaign has not seen a holder yet: it may be about to hold that shard.
    Duration lease = Duration.ofSeconds(15);
    assertThat(Shards.mayCampaignForAnother(0, 1, Duration.ZERO, lease)).isFalse();
    assertThat(Shards.mayCampaignForAnother(1, 1, Duration.ofMinutes(5), lease)).isFalse();
  }

  @Test
  void describesTheHeldShards() {
    Shards three = new Shards(3);
    assertThat(three.describe(Set.of(2, 0))).isEqualTo("holding shards 0,2 of 3");
    assertThat(three.describe(Set.of(1))).isEqualTo("holding shard 1 of 3");
    assertThat(three.describe(Set.of())).isEqualTo("holding no shard of 3");
  }

  @Test
  void countIsBounded() {
    assertThatThrownBy(() -> new Shards(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Shards(Shards.MAX + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
