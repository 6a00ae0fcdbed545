package io.syncgate.policy.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link GateStatusBuilder#significantChange}, compared field by field, decides as clearing the
 * figures from copies of both statuses and comparing them did (that reading is kept below): the lag
 * figures, reasons and condition messages do not count, the figures in what a replica waits for do
 * not, everything else does. Pairs are drawn as a status and a variant of it with a few fields
 * changed, from small pools of values so that many changes change nothing.
 */
class SignificantChangeProperties {

  private static final Pattern FIGURE = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  @Property(tries = 3000)
  void decidesAsComparingCopiesWithoutFiguresDid(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 6) int changes) {
    Random random = new Random(seed);
    ReplicaGateStatus before = status(random);
    ReplicaGateStatus after = GateStatusBuilder.copy(before);
    for (int i = 0; i < changes; i++) {
      change(after, random);
    }

    assertThat(GateStatusBuilder.significantChange(before, after))
        .isEqualTo(!Objects.equals(withoutFigures(before), withoutFigures(after)));
  }

  @Property(tries = 3000)
  void textsAreEqualBarFiguresAsTheExpressionReadsThem(
      @ForAll @StringLength(max = 8) @Chars({'1', '2', '.', '#', 'a', ' '}) String a,
      @ForAll @StringLength(max = 8) @Chars({'1', '2', '.', '#', 'a', ' '}) String b) {
    assertThat(GateStatusBuilder.sameTextBarFigures(a, b))
        .isEqualTo(FIGURE.matcher(a).replaceAll("#").equals(FIGURE.matcher(b).replaceAll("#")));
  }

  @Property(tries = 200)
  void aCopyIsEqual(@ForAll long seed) {
    ReplicaGateStatus status = status(new Random(seed));
    assertThat(GateStatusBuilder.copy(status)).isEqualTo(status);
  }

  private static ReplicaGateStatus status(Random random) {
    ReplicaGateStatus s = new ReplicaGateStatus();
    s.setObservedGeneration(pick(random, 1L, 2L, null));
    s.setLeader(pick(random, "pg-0", "pg-1", null));
    s.setTimeline(pick(random, 1L, 2L));
    s.setServing(pick(random, 0, 1, 2));
    s.setRamping(pick(random, 0, 1));
    s.setGated(pick(random, 0, 1));
    s.setRollout(pick(random, "1/3 serving", "2/3 serving", null));
    List<ReplicaStatus> replicas = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      replicas.add(replica(random, "pg-" + (i + 1)));
    }
    s.setReplicas(replicas);
    List<ActionStatus> actions = new ArrayList<>();
    if (random.nextBoolean()) {
      ActionStatus a = new ActionStatus();
      a.setId(pick(random, "a1", "a2"));
      a.setAction("hold");
      a.setResult(ActionStatus.APPLIED);
      a.setMessage(pick(random, "held", "held again"));
      actions.add(a);
    }
    s.setLastActions(actions);
    List<Condition> conditions = new ArrayList<>();
    for (String type : List.of("Ready", "Progressing", "Degraded")) {
      if (random.nextInt(4) > 0) {
        conditions.add(condition(random, type));
      }
    }
    s.setConditions(conditions);
    return s;
  }

  private static ReplicaStatus replica(Random random, String name) {
    ReplicaStatus r = new ReplicaStatus();
    r.setName(name);
    r.setUid(pick(random, "u1", "u2"));
    r.setPhase(pick(random, "Gated", "Ramping", "Serving"));
    r.setWeight(pick(random, 0, 50, 100));
    r.setStep(pick(random, 0, 1, null));
    r.setLagBytes(pick(random, 0L, 1024L, null));
    r.setLagSeconds(pick(random, 0.0, 1.5, null));
    r.setLagTrend(pick(random, "Flat", "CatchingUp", null));
    r.setCatchUpBytesPerSecond(pick(random, 0L, 4096L, null));
    r.setCatchUpEtaSeconds(pick(random, 3L, 30L, null));
    r.setSince(pick(random, "2026-12-08T01:00:00Z", "2026-12-08T01:00:05Z"));
    r.setReason(pick(random, "lag 1 MiB > 64 KiB", "lag 2 MiB > 64 KiB", null));
    r.setWaitingFor(
        pick(
            random,
            "stableFor: 3s of 10s",
            "stableFor: 4.5s of 10s",
            "stableFor: 3s of 10s.",
            "approval",
            "step #2",
            "step 2",
            null));
    r.setHeld(pick(random, true, null));
    r.setAborted(pick(random, true, null));
    r.setApproved(pick(random, true, null));
    r.setSteppedBack(pick(random, true, null));
    return r;
  }

  private static Condition condition(Random random, String type) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(pick(random, "True", "False"))
        .withReason(pick(random, "Admitted", "Lagging"))
        .withMessage(pick(random, "lag 1 MiB", "lag 2 MiB", null))
        .withLastTransitionTime(pick(random, "2026-12-08T01:00:00Z", "2026-12-08T01:00:09Z"))
        .withObservedGeneration(pick(random, 1L, 2L))
        .build();
  }

  /** Changes one field of {@code s}, or of one of its replicas, conditions or actions. */
  private static void change(ReplicaGateStatus s, Random random) {
    int what = random.nextInt(8);
    switch (what) {
      case 0 -> s.setLeader(pick(random, "pg-0", "pg-1", null));
      case 1 -> s.setServing(pick(random, 0, 1, 2));
      case 2 -> s.setRollout(pick(random, "1/3 serving", "2/3 serving", null));
      case 3 -> {
        if (!s.getLastActions().isEmpty()) {
          s.getLastActions().get(0).setMessage(pick(random, "held", "held again"));
        }
      }
      case 4 -> {
        if (!s.getConditions().isEmpty()) {
          changeOneField(s.getConditions().get(random.nextInt(s.getConditions().size())), random);
        }
      }
      case 5 -> {
        if (random.nextBoolean()) {
          s.getReplicas().add(replica(random, "pg-9"));
        } else if (!s.getReplicas().isEmpty()) {
          s.getReplicas().remove(s.getReplicas().size() - 1);
        }
      }
      default -> {
        if (!s.getReplicas().isEmpty()) {
          changeOneField(s.getReplicas().get(random.nextInt(s.getReplicas().size())), random);
        }
      }
    }
  }

  /** One field of {@code r} drawn again from its pool (often to the value it had). */
  private static void changeOneField(ReplicaStatus r, Random random) {
    ReplicaStatus drawn = replica(random, r.getName());
    switch (random.nextInt(16)) {
      case 0 -> r.setUid(drawn.getUid());
      case 1 -> r.setPhase(drawn.getPhase());
      case 2 -> r.setWeight(drawn.getWeight());
      case 3 -> r.setStep(drawn.getStep());
      case 4 -> r.setLagBytes(drawn.getLagBytes());
      case 5 -> r.setLagSeconds(drawn.getLagSeconds());
      case 6 -> r.setLagTrend(drawn.getLagTrend());
      case 7 -> r.setCatchUpBytesPerSecond(drawn.getCatchUpBytesPerSecond());
      case 8 -> r.setCatchUpEtaSeconds(drawn.getCatchUpEtaSeconds());
      case 9 -> r.setSince(drawn.getSince());
      case 10 -> r.setReason(drawn.getReason());
      case 11 -> r.setWaitingFor(drawn.getWaitingFor());
      case 12 -> r.setHeld(drawn.getHeld());
      case 13 -> r.setAborted(drawn.getAborted());
      case 14 -> r.setApproved(drawn.getApproved());
      default -> r.setSteppedBack(drawn.getSteppedBack());
    }
  }

  /** One field of {@code c} drawn again from its pool. */
  private static void changeOneField(Condition c, Random random) {
    Condition drawn = condition(random, c.getType());
    switch (random.nextInt(5)) {
      case 0 -> c.setStatus(drawn.getStatus());
      case 1 -> c.setReason(drawn.getReason());
      case 2 -> c.setMessage(drawn.getMessage());
      case 3 -> c.setLastTransitionTime(drawn.getLastTransitionTime());
      default -> c.setObservedGeneration(drawn.getObservedGeneration());
    }
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... values) {
    return values[random.nextInt(values.length)];
  }

  /** The reading this replaced: a copy of the status with every figure and text cleared. */
  private static ReplicaGateStatus withoutFigures(ReplicaGateStatus status) {
    if (status == null) {
      return null;
    }
    ReplicaGateStatus s = GateStatusBuilder.copy(status);
    for (ReplicaStatus r : s.getReplicas()) {
      r.setLagBytes(null);
      r.setLagSeconds(null);
      r.setLagTrend(null);
      r.setCatchUpBytesPerSecond(null);
      r.setCatchUpEtaSeconds(null);
      r.setReason(null);
      r.setWaitingFor(
          r.getWaitingFor() == null ? null : FIGURE.matcher(r.getWaitingFor()).replaceAll("#"));
    }
    List<Condition> conditions = new ArrayList<>();
    for (Condition c : s.getConditions()) {
      conditions.add(new ConditionBuilder(c).withMessage(null).build());
    }
    s.setConditions(conditions);
    return s;
  }
}
