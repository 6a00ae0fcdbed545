package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.testing.Await;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two candidates for one Lease: exactly one leads; when it stops, the other takes over. */
class LeaderElectionIT {

  @RegisterExtension final ApiServerFixture kube = new ApiServerFixture();

  private static final String LEASE = "syncgate-test";

  private static final LeaderElection.Timing FAST =
      new LeaderElection.Timing(
          Duration.ofMillis(2000), Duration.ofMillis(1500), Duration.ofMillis(100));

  /** One candidate and what it was told, in order ("lead", "follow"). */
  private final class Candidate {
    final List<String> told = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final Context context = kube.vertx().getOrCreateContext();
    final LeaderElection election;

    Candidate(String identity) {
      election =
          new LeaderElection(
              kube.client(),
              context,
              TestGates.NAMESPACE,
              LEASE,
              identity,
              FAST,
              leading -> {
                threads.add(Thread.currentThread());
                told.add(leading ? "lead" : "follow");
              },
              holder -> {});
    }

    boolean leads() {
      return !told.isEmpty() && told.get(told.size() - 1).equals("lead");
    }
  }

  /** Updates of the Lease so far: a standby only reads a lease that is held and current. */
  private int leaseUpdates() {
    return kube.api().writesTo("/leases/" + LEASE).size();
  }

  @Test
  void exactlyOneOfTwoLeadsAndTheOtherTakesOverWhenItStops() {
    Candidate a = new Candidate("a");
    Candidate b = new Candidate("b");
    a.context.runOnContext(v -> a.election.start());
    b.context.runOnContext(v -> b.election.start());

    Await.until(Duration.ofSeconds(5), "a leader", () -> a.leads() || b.leads());
    Candidate leader = a.leads() ? a : b;
    Candidate standby = leader == a ? b : a;
    // A lease duration's worth of renewals later (the standby tried as often), still exactly one.
    long renewals = FAST.leaseDuration().dividedBy(FAST.retryPeriod());
    int updatesBefore = leaseUpdates();
    Await.until(
        Duration.ofSeconds(10),
        renewals + " renewals of the lease",
        () -> leaseUpdates() - updatesBefore >= renewals);
    assertThat(leader.leads()).isTrue();
    assertThat(standby.told).isEmpty();

    Await.result(
        io.vertx.core.Future.<Void>future(
            p -> leader.context.runOnContext(v -> leader.election.stop().onComplete(p))));
    Await.until(Duration.ofSeconds(3), "the standby leading", standby::leads);
    assertThat(leader.told).containsExactly("lead", "follow");
    // Callbacks run on the candidate's own context (an event loop), never on fabric8's threads.
    assertThat(leader.threads).allMatch(t -> t.getName().startsWith("vert.x-eventloop-thread"));
    assertThat(standby.threads).allMatch(t -> t.getName().startsWith("vert.x-eventloop-thread"));
    Await.result(
        io.vertx.core.Future.<Void>future(
            p -> standby.context.runOnContext(v -> standby.election.stop().onComplete(p))));
  }
}
