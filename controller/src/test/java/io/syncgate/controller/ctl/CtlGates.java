package io.syncgate.controller.ctl;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Gates as the controller reports them, for the tests of {@code kubectl syncgate}: {@link
 * #rollingOut} is a gate in the middle of a rollout, seen at {@link #NOW}.
 */
public final class CtlGates {

  public static final String NAMESPACE = "db";
  public static final String GATE = "hippo-reads";

  /** The time the fixtures are seen at. */
  public static final Instant NOW = Instant.parse("2025-03-04T12:00:00Z");

  private CtlGates() {}

  /** A gate with a spec and no status, created a day before {@link #NOW}. */
  public static ReplicaGate bare(String namespace, String name) {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace(namespace);
    gate.getMetadata().setName(name);
    gate.getMetadata().setCreationTimestamp(NOW.minusSeconds(86_400).toString());
    gate.getSpec()
        .setSelector(
            new LabelSelectorBuilder()
                .addToMatchLabels("postgres-operator.crunchydata.com/cluster", "hippo")
                .build());
    MeshSpec mesh = new MeshSpec();
    mesh.setHost("hippo-replicas." + namespace + ".svc.cluster.local");
    gate.getSpec().setMesh(mesh);
    gate.getSpec().getRamp().setSteps(List.of(10, 25, 50, 100));
    return gate;
  }

  /**
   * {@code db/hippo-reads}: hippo-1 and hippo-2 serve, hippo-3 ramps at 25 % and is held, hippo-4
   * is 5 GiB behind and was aborted; six actions so far, the oldest not shown. Reasons, waits and
   * messages are the controller's own words.
   */
  public static ReplicaGate rollingOut() {
    ReplicaGate gate = bare(NAMESPACE, GATE);
    ReplicaGateStatus status = new ReplicaGateStatus();
    status.setObservedGeneration(1L);
    status.setLeader("hippo-0");
    status.setTimeline(3L);
    status.setServing(2);
    status.setRamping(1);
    status.setGated(1);
    status.setRollout("2/4 serving; hippo-3 ramping, weight 10, held; hippo-4 aborted");
    status.setReplicas(
        new ArrayList<>(
            List.of(
                replica("hippo-1", "Serving", 45, null, 0L, 0.0, 7_200, "serving full share"),
                replica(
                    "hippo-2", "Serving", 45, null, 1_258_291L, 0.4, 7_260, "serving full share"),
                held(replica("hippo-3", "Ramping", 10, 1, 12_288L, null, 45, "ramp step 1 (25%)")),
                aborted(
                    replica(
                        "hippo-4",
                        "Ejected",
                        0,
                        null,
                        5L << 30,
                        null,
                        330,
                        "aborted: out of reads until resumed (kubectl syncgate resume)")))));
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition(
                    "Ready",
                    "True",
                    "Reconciled",
                    "mesh in sync: 2 serving, 1 ramping, 1 gated; members excluded, see"
                        + " MembersExcluded"),
                condition("Degraded", "False", "LeaderKnown", "leader hippo-0 on timeline 3"),
                condition("InvalidSpec", "False", "SpecValid", ""),
                condition(
                    "MembersExcluded",
                    "True",
                    "NoReadyEndpoint",
                    "hippo-5: not a ready endpoint of hippo-replicas"))));
    List<ActionStatus> actions = new ArrayList<>();
    actions.add(
        action("a0", "hold", "hippo-2", "alice", 7_000, "Applied", "held serving a full share"));
    actions.add(
        action("a1", "resume", "hippo-2", "alice", 6_000, "Applied", "resumed: no longer held"));
    actions.add(
        action(
            "a2",
            "promote",
            "hippo-4",
            "bob",
            600,
            "Refused",
            "refused: lag 5 GiB > 1 MiB, not within admission limits"));
    actions.add(
        action("a3", "abort", "hippo-4", "bob", 330, "Applied", "aborted: weight 0 until resumed"));
    actions.add(
        action("a4", "hold", "hippo-3", "alice", 90, "Applied", "held at ramp step 1 (25%)"));
    actions.add(
        action(
            "a5", "hold", "hippo-9", "carol", 30, "Refused", "refused: no replica hippo-9 here"));
    status.setLastActions(actions);
    gate.setStatus(status);
    return gate;
  }

  public static ReplicaStatus replica(
      String name,
      String phase,
      int weight,
      Integer step,
      Long lagBytes,
      Double lagSeconds,
      long sinceSecondsAgo,
      String reason) {
    ReplicaStatus r = new ReplicaStatus();
    r.setName(name);
    r.setUid("uid-" + name);
    r.setPhase(phase);
    r.setWeight(weight);
    r.setStep(step);
    r.setLagBytes(lagBytes);
    r.setLagSeconds(lagSeconds);
    r.setSince(NOW.minusSeconds(sinceSecondsAgo).toString());
    r.setReason(reason);
    return r;
  }

  static ReplicaStatus held(ReplicaStatus r) {
    r.setHeld(true);
    r.setWaitingFor("resume (held)");
    return r;
  }

  static ReplicaStatus aborted(ReplicaStatus r) {
    r.setAborted(true);
    r.setWaitingFor("resume (aborted)");
    return r;
  }

  public static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(1L)
        .withLastTransitionTime(NOW.minusSeconds(3_600).toString())
        .build();
  }

  public static ActionStatus action(
      String id,
      String verb,
      String replica,
      String by,
      long secondsAgo,
      String result,
      String message) {
    ActionStatus a = new ActionStatus();
    a.setId(id);
    a.setAction(verb);
    a.setReplica(replica);
    a.setBy(by);
    a.setRequestedAt(NOW.minusSeconds(secondsAgo + 1).toString());
    a.setAppliedAt(NOW.minusSeconds(secondsAgo).toString());
    a.setResult(result);
    a.setMessage(message);
    return a;
  }
}
