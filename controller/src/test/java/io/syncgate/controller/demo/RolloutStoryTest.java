package io.syncgate.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.rollout.ActionRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rollout story from what a reader sees: statuses and routes go in (with a scripted clock), the
 * operator's moves and the events come out. The operator here only writes down what it is asked.
 */
class RolloutStoryTest {

  private static final long GIB = 1L << 30;

  private final List<DemoEvent> events = new ArrayList<>();
  private final double[] clock = {0};
  private final List<String> asked = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final List<Runnable> scheduled = new ArrayList<>();
  private int scaledOut;
  private ReplicaGateStatus live;

  private final RolloutStory story =
      new RolloutStory(
          settings(),
          events::add,
          new DemoStory.Probes() {
            @Override
            public int readiness(String member) {
              return 200;
            }

            @Override
            public int replicaWithinMaxLag(String member) {
              return 200;
            }
          },
          new RolloutStory.Operator() {
            @Override
            public void scaleOut() {
              scaledOut++;
            }

            @Override
            public String request(String id, ActionVerb verb, String replica, String by) {
              asked.add(id);
              return ActionRequests.value(verb, replica, by, null);
            }

            @Override
            public ReplicaGateStatus read() {
              return live;
            }

            @Override
            public void later(Duration delay, Runnable task) {
              delays.add(delay);
              scheduled.add(task);
            }
          },
          () -> clock[0]);

  static DemoSettings settings() {
    return new DemoSettings(
        DemoSettings.Scenario.ROLLOUT,
        2,
        4 * GIB,
        256L << 20,
        2L << 20,
        "1Mi",
        "3s",
        List.of(10, 25, 50, 100),
        "3s",
        "500ms",
        Duration.ofSeconds(5),
        Duration.ofMinutes(2),
        false,
        DemoSettings.Output.TEXT,
        null,
        DemoSettings.PatroniVersion.V3_0_2);
  }

  private static ReplicaStatus replica(String name, String phase, Integer step, int weight) {
    return replica(name, phase, step, weight, 0, null);
  }

  private static ReplicaStatus replica(
      String name, String phase, Integer step, int weight, long lag, String waitingFor) {
    ReplicaStatus r = new ReplicaStatus();
    r.setName(name);
    r.setPhase(phase);
    r.setStep(step);
    r.setWeight(weight);
    r.setLagBytes(lag);
    r.setWaitingFor(waitingFor);
    return r;
  }

  private static ReplicaGateStatus status(ReplicaStatus... replicas) {
    ReplicaGateStatus s = new ReplicaGateStatus();
    s.setReplicas(new ArrayList<>(List.of(replicas)));
    return s;
  }

  private static ActionStatus action(String id, String result, String message) {
    ActionStatus a = new ActionStatus();
    a.setId(id);
    String[] parts = id.split("-", 2);
    a.setAction(parts[0]);
    a.setReplica(parts[1].substring(0, parts[1].lastIndexOf('-')));
    a.setBy(RolloutStory.OPERATOR);
    a.setResult(result);
    a.setMessage(message);
    return a;
  }

  private static Map<String, Integer> route(Object... pairs) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return out;
  }

  private <T extends DemoEvent> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static ReplicaStatus serving(String name, int weight) {
    return replica(name, "Serving", null, weight);
  }

  /** Two serving, then the three joiners far behind: the story scales out and asks a promote. */
  private void scaledOutAndRefused() {
    story.onStatus(status(serving("hippo-1", 50), serving("hippo-2", 50)));
    assertThat(scaledOut).isOne();
    clock[0] = 1;
    story.onStatus(
        status(
            serving("hippo-1", 50),
            serving("hippo-2", 50),
            replica("hippo-3", "Gated", null, 0, GIB, "admission: lag 1 GiB > 1 MiB"),
            replica("hippo-4", "Gated", null, 0, 2 * GIB, "admission: lag 2 GiB > 1 MiB"),
            replica("hippo-5", "Gated", null, 0, 3 * GIB, "admission: lag 3 GiB > 1 MiB")));
    assertThat(asked).containsExactly("promote-hippo-5-1");
    clock[0] = 1.5;
    ReplicaGateStatus refused =
        status(
            serving("hippo-1", 50),
            serving("hippo-2", 50),
            replica("hippo-3", "Gated", null, 0, GIB, null),
            replica("hippo-4", "Gated", null, 0, 2 * GIB, null),
            replica("hippo-5", "Gated", null, 0, 3 * GIB, null));
    refused
        .getLastActions()
        .add(
            action(
                "promote-hippo-5-1",
                "Refused",
                "refused: lag 3 GiB > 1 MiB, not within admission limits"));
    story.onStatus(refused);
  }

  @Test
  void theWholeRolloutFromTheStatusesAReaderSees() {
    story.onRoute(route("hippo-1", 50, "hippo-2", 50));
    scaledOutAndRefused();

    // hippo-3 ramps, hippo-4 waits for its turn.
    clock[0] = 5;
    story.onStatus(
        status(
            serving("hippo-1", 47),
            serving("hippo-2", 48),
            replica("hippo-3", "Ramping", 0, 5),
            replica("hippo-4", "Gated", null, 0, 0, "its turn (ramp.maxRamping)"),
            replica("hippo-5", "Gated", null, 0, GIB, null)));
    clock[0] = 14;
    story.onStatus(
        status(
            serving("hippo-1", 33),
            serving("hippo-2", 32),
            serving("hippo-3", 32),
            replica("hippo-4", "Ramping", 0, 3),
            replica("hippo-5", "Gated", null, 0, 0, "its turn (ramp.maxRamping)")));
    assertThat(asked).hasSize(1);

    // At 25% the operator holds hippo-4.
    clock[0] = 17;
    story.onStatus(
        status(
            serving("hippo-1", 31),
            serving("hippo-2", 31),
            serving("hippo-3", 31),
            replica("hippo-4", "Ramping", 1, 7),
            replica("hippo-5", "Gated", null, 0, 0, "its turn (ramp.maxRamping)")));
    assertThat(asked).containsExactly("promote-hippo-5-1", "hold-hippo-4-2");
    clock[0] = 17.5;
    ReplicaStatus held = replica("hippo-4", "Ramping", 1, 7, 0, "resume (held)");
    held.setHeld(true);
    ReplicaGateStatus holding =
        status(
            serving("hippo-1", 31),
            serving("hippo-2", 31),
            serving("hippo-3", 31),
            held,
            replica("hippo-5", "Gated", null, 0, 0, "its turn (ramp.maxRamping)"));
    holding.getLastActions().add(action("hold-hippo-4-2", "Applied", "held at ramp step 1 (25%)"));
    story.onStatus(holding);
    // The hold lasts two step intervals; it ends on the story thread.
    assertThat(delays).containsExactly(Duration.ofSeconds(6));
    clock[0] = 23.5;
    live = holding;
    scheduled.get(0).run();
    assertThat(asked).containsExactly("promote-hippo-5-1", "hold-hippo-4-2", "resume-hippo-4-3");
    DemoEvent.HoldChecked check = of(DemoEvent.HoldChecked.class).get(0);
    assertThat(check)
        .isEqualTo(
            new DemoEvent.HoldChecked(
                23.5, "hippo-4", 6.0, "Ramping", 1, 25, "resume (held)", "3s", true));

    // Resumed, it ramps on and serves; then hippo-5 ramps and is promoted.
    clock[0] = 24;
    ReplicaGateStatus resumed =
        status(
            serving("hippo-1", 29),
            serving("hippo-2", 29),
            serving("hippo-3", 28),
            replica("hippo-4", "Ramping", 2, 14),
            replica("hippo-5", "Gated", null, 0, 0, "its turn (ramp.maxRamping)"));
    resumed.getLastActions().add(action("resume-hippo-4-3", "Applied", "resumed: no longer held"));
    story.onStatus(resumed);
    clock[0] = 30;
    story.onStatus(
        status(
            serving("hippo-1", 25),
            serving("hippo-2", 24),
            serving("hippo-3", 24),
            serving("hippo-4", 24),
            replica("hippo-5", "Ramping", 0, 3)));
    assertThat(asked).last().isEqualTo("promote-hippo-5-4");
    clock[0] = 30.5;
    story.onRoute(route("hippo-1", 20, "hippo-2", 20, "hippo-3", 20, "hippo-4", 20, "hippo-5", 20));
    assertThat(story.finished()).isFalse();
    ReplicaGateStatus done =
        status(
            serving("hippo-1", 20),
            serving("hippo-2", 20),
            serving("hippo-3", 20),
            serving("hippo-4", 20),
            serving("hippo-5", 20));
    done.getLastActions()
        .add(
            action(
                "promote-hippo-5-4", "Applied", "promoted at ramp step 0 (10%) to a full share"));
    story.onStatus(done);

    assertThat(story.finished()).isTrue();
    assertThat(story.broken()).isNull();
    DemoEvent.RolloutEnded end = story.summary();
    assertThat(end.entered())
        .containsExactly(
            Map.entry("hippo-3", 5.0), Map.entry("hippo-4", 14.0), Map.entry("hippo-5", 30.0));
    assertThat(end.mostRampingAtOnce()).isOne();
    assertThat(end.violation()).isNull();
    assertThat(end.hold()).isEqualTo(check);
    assertThat(end.promote())
        .isEqualTo(
            new DemoEvent.Promoted(
                "hippo-5", 0, 10, "promoted at ramp step 0 (10%) to a full share", 0.5, 20));
    assertThat(end.refused().message())
        .isEqualTo("refused: lag 3 GiB > 1 MiB, not within admission limits");
    assertThat(end.requests()).isEqualTo(4);
    assertThat(of(DemoEvent.RolloutTable.class)).hasSize(1);
    assertThat(of(DemoEvent.ActionRecorded.class))
        .extracting(DemoEvent.ActionRecorded::result)
        .containsExactly("Refused", "Applied", "Applied", "Applied");
    assertThat(of(DemoEvent.Waiting.class))
        .extracting(w -> w.replica() + ": " + w.waitingFor())
        .containsExactly(
            "hippo-4: its turn (ramp.maxRamping)",
            "hippo-5: its turn (ramp.maxRamping)",
            "hippo-4: resume (held)");
  }

  @Test
  void twoReplicasRampingInOneStatusBreakTheStory() {
    scaledOutAndRefused();
    clock[0] = 7.25;
    story.onStatus(
        status(
            serving("hippo-1", 46),
            serving("hippo-2", 46),
            replica("hippo-3", "Ramping", 0, 4),
            replica("hippo-4", "Ramping", 0, 4),
            replica("hippo-5", "Gated", null, 0, GIB, null)));

    assertThat(story.broken())
        .isEqualTo(
            "ramp.maxRamping: 1 was not kept: hippo-3 and hippo-4 were Ramping in one status at"
                + " 7.3s");
  }

  @Test
  void aHoldUnderWhichTheStepMovedBreaksTheStory() {
    scaledOutAndRefused();
    story.onStatus(status(replica("hippo-4", "Ramping", 1, 7)));
    ReplicaStatus held = replica("hippo-4", "Ramping", 1, 7, 0, "resume (held)");
    held.setHeld(true);
    story.onStatus(status(held));
    ReplicaStatus moved = replica("hippo-4", "Ramping", 2, 14, 0, "resume (held)");
    moved.setHeld(true);
    story.onStatus(status(moved));
    live = status(held);
    clock[0] = 10;
    scheduled.get(0).run();

    assertThat(of(DemoEvent.HoldChecked.class).get(0).kept()).isFalse();
    assertThat(story.broken())
        .startsWith("the hold did not keep hippo-4 where it was (ramp step 1 (25%))");
  }

  @Test
  void theStoryEndsOnlyOnceTheControllerHasRemovedEveryRequest() {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setAnnotations(new HashMap<>());
    gate.setStatus(status(serving("hippo-1", 50), serving("hippo-2", 50)));
    story.onGate(gate);
    ReplicaGateStatus behind =
        status(
            serving("hippo-1", 50),
            serving("hippo-2", 50),
            replica("hippo-3", "Gated", null, 0, GIB, null),
            replica("hippo-4", "Gated", null, 0, 2 * GIB, null),
            replica("hippo-5", "Gated", null, 0, 3 * GIB, null));
    gate.setStatus(behind);
    story.onGate(gate);
    assertThat(asked).containsExactly("promote-hippo-5-1");
    ReplicaGateStatus done =
        status(
            serving("hippo-1", 20),
            serving("hippo-2", 20),
            serving("hippo-3", 20),
            serving("hippo-4", 20),
            serving("hippo-5", 20));
    done.getLastActions().add(action("promote-hippo-5-1", "Refused", "refused: lag 3 GiB"));
    story.onRoute(route("hippo-1", 20, "hippo-2", 20, "hippo-3", 20, "hippo-4", 20, "hippo-5", 20));
    gate.getMetadata().getAnnotations().put(ActionRequests.key("promote-hippo-5-1"), "{}");
    gate.setStatus(done);
    story.onGate(gate);
    assertThat(story.finished()).as("the request's annotation is still there").isFalse();

    gate.getMetadata().getAnnotations().clear();
    story.onGate(gate);

    assertThat(story.finished()).isTrue();
    // Nothing to hold or promote was ever seen ramping: the summary says so, nothing is broken.
    assertThat(story.summary().hold()).isNull();
    assertThat(story.summary().promote()).isNull();
    assertThat(story.broken()).isNull();
  }

  @Test
  void aTimeoutNamesTheFirstNewReplicaNotServing() {
    scaledOutAndRefused();
    clock[0] = 120;

    DemoEvent.TimedOut out = story.timedOut(Duration.ofMinutes(2));

    assertThat(out.replica()).isEqualTo("hippo-3");
    assertThat(out.message()).isEqualTo("hippo-3 is not serving after 2m: Gated");
  }

  @Test
  void onlyWaitsForATurnOrAPersonAreWorthALine() {
    assertThat(RolloutStory.notable("its turn (ramp.maxRamping)")).isTrue();
    assertThat(RolloutStory.notable("resume (held)")).isTrue();
    assertThat(RolloutStory.notable("approval to leave 25%")).isTrue();
    assertThat(RolloutStory.notable("step timer: 1s of 3s")).isFalse();
    assertThat(RolloutStory.notable("stableFor: 1s of 3s")).isFalse();
    assertThat(RolloutStory.notable("admission: lag 5 GiB > 1 MiB")).isFalse();
    assertThat(RolloutStory.notable(null)).isFalse();
  }
}
