package io.syncgate.controller.demo;

import io.syncgate.policy.gating.PatroniRole;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.BindException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side of one simulated member: its server socket, its cached {@code /patroni} body
 * and its request and connection counts.
 *
 * <p>Listening follows the member's behaviour: a {@link SimulatedMember.Behaviour#REFUSE} member's
 * server is closed so connections are refused, and opened again on the same port when the behaviour
 * changes back. {@link #converge()} and the fields it touches run on the simulator's context only;
 * the cache and the counters are safe from any thread.
 */
final class MemberEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(MemberEndpoint.class);
  private static final int BIND_ATTEMPTS = 50;
  private static final long BIND_RETRY_MILLIS = 10;

  private record CachedBody(long memberRevision, long clusterRevision, byte[] body) {}

  private final PatroniSimulator simulator;
  private final SimulatedMember member;
  private final Vertx vertx;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong openConnections = new AtomicLong();
  private final Runnable listener = this::memberChanged;

  private volatile int boundPort;
  private volatile CachedBody cachedBody;
  private volatile boolean refusing;

  // Simulator context only.
  private NetServer server;
  private Promise<Void> busy;

  MemberEndpoint(PatroniSimulator simulator, SimulatedMember member, Vertx vertx) {
    this.simulator = simulator;
    this.member = member;
    this.vertx = vertx;
    this.boundPort = member.requestedPort();
    this.refusing = member.state().behaviour() == SimulatedMember.Behaviour.REFUSE;
    member.addListener(listener);
  }

  SimulatedMember member() {
    return member;
  }

  /** The bound port, or the requested one before the first successful listen. */
  int port() {
    return boundPort;
  }

  long requestCount() {
    return requests.get();
  }

  long connectionCount() {
    return connections.get();
  }

  long openConnectionCount() {
    return openConnections.get();
  }

  void countRequest() {
    requests.incrementAndGet();
  }

  void detach() {
    member.removeListener(listener);
  }

  /**
   * The cached {@code /patroni} body, rendered again only when the member changed or, for a leader
   * whose {@code replication} list names the others, when any member changed.
   */
  byte[] patroniBody(MemberState state, long clusterRevision) {
    CachedBody cached = cachedBody;
    boolean dependsOnCluster = state.role() == PatroniRole.LEADER;
    if (cached != null
        && cached.memberRevision() == state.revision()
        && (!dependsOnCluster || cached.clusterRevision() == clusterRevision)) {
      return cached.body();
    }
    byte[] body = simulator.renderPatroni(member.name(), state);
    cachedBody = new CachedBody(state.revision(), clusterRevision, body);
    return body;
  }

  /**
   * Opens or closes the server socket until it matches the member's behaviour (and closes it for
   * good once the simulator is closed). Completes when they match, or fails with the cause of a
   * listen that still failed after {@link #bind}'s retries.
   */
  Future<Void> converge() {
    if (busy != null) {
      return busy.future().transform(ar -> converge());
    }
    boolean wanted = !simulator.isClosed() && !refusing;
    if (wanted == (server != null)) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    busy = done;
    if (wanted) {
      bind(BIND_ATTEMPTS).onComplete(ar -> finish(done, ar.succeeded() ? ar.result() : null, ar));
    } else {
      // NetServer.close() also closes every connection it accepted (hanging ones included).
      NetServer closing = server;
      closing.close().onComplete(ar -> finish(done, ar.succeeded() ? null : closing, ar));
    }
    return done.future().compose(v -> converge());
  }

  /**
   * Listens on the member's address, retrying briefly while it is still taken: the JDK releases a
   * closed listening socket only once its selector has deregistered it, a few milliseconds after
   * the close completed, so re-opening a port just closed (REFUSE and back, or a simulator
   * restarted on the same addresses) would otherwise fail at random.
   */
  private Future<NetServer> bind(int attemptsLeft) {
    NetServer created =
        vertx.createNetServer(new NetServerOptions().setHost(member.host()).setPort(boundPort));
    created.connectHandler(this::accept);
    return created
        .listen()
        .recover(
            e -> {
              if (attemptsLeft <= 1 || !isAddressInUse(e)) {
                return Future.failedFuture(e);
              }
              Promise<NetServer> retried = Promise.promise();
              vertx.setTimer(BIND_RETRY_MILLIS, id -> bind(attemptsLeft - 1).onComplete(retried));
              return retried.future();
            });
  }

  private static boolean isAddressInUse(Throwable e) {
    return e instanceof BindException
        || (e.getMessage() != null && e.getMessage().contains("Address already in use"));
  }

  /**
   * Records the outcome of one listen or close. Hops to the simulator's context explicitly: Netty
   * may complete the operation elsewhere, and waiters must only ever see finished state.
   */
  private void finish(Promise<Void> done, NetServer nowListening, AsyncResult<?> outcome) {
    simulator.runOnContext(
        () -> {
          server = nowListening;
          if (nowListening != null) {
            boundPort = nowListening.actualPort();
          }
          busy = null;
          if (outcome.succeeded()) {
            done.complete();
          } else {
            done.fail(outcome.cause());
          }
        });
  }

  private void accept(NetSocket socket) {
    if (refusing || simulator.isClosed()) {
      // Between REFUSE and the server socket being closed: drop the connection unanswered.
      socket.close();
      return;
    }
    connections.incrementAndGet();
    openConnections.incrementAndGet();
    socket.closeHandler(v -> openConnections.decrementAndGet());
    new SimulatedHttpConnection(
            socket, simulator.mode(), simulator.httpDate(), r -> simulator.answer(this, r))
        .start();
  }

  private void memberChanged() {
    simulator.memberChanged();
    boolean nowRefusing = member.state().behaviour() == SimulatedMember.Behaviour.REFUSE;
    if (nowRefusing != refusing) {
      refusing = nowRefusing;
      simulator
          .onContext(this::converge)
          .onFailure(e -> LOG.warn("simulated member {} cannot listen again", member.name(), e));
    }
  }
}
