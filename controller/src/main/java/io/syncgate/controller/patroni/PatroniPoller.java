package io.syncgate.controller.patroni;

import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SampleFailure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One tick of observation for one gate: polls every member concurrently and turns the samples into
 * a {@link ClusterSnapshot} (which computes lag, leader and replicas all from this same tick).
 *
 * <p>{@link #pollAll(List, Instant)} never fails and completes within the client's timeout plus
 * {@link #DEFAULT_MARGIN}, even if a request hangs: at that deadline every member still without a
 * sample gets a timeout sample. Failed samples are logged through a rate-limited {@link
 * FailureLog}.
 *
 * <p>Given a poll context, the requests are made from it, so their connections and timers live on
 * its event loop; the snapshot then completes there, and the caller hops back to its own context.
 * Without one they are made from the caller's context.
 */
public final class PatroniPoller {

  /** Slack past the per-request timeout before the tick gives up on stragglers. */
  public static final Duration DEFAULT_MARGIN = Duration.ofMillis(100);

  private final Vertx vertx;
  private final PatroniClient client;
  private final FailureLog failureLog;
  private final Duration margin;
  private final Context pollContext;

  public PatroniPoller(Vertx vertx, PatroniClient client, FailureLog failureLog) {
    this(vertx, client, failureLog, DEFAULT_MARGIN, null);
  }

  public PatroniPoller(Vertx vertx, PatroniClient client, FailureLog failureLog, Duration margin) {
    this(vertx, client, failureLog, margin, null);
  }

  /**
   * @param pollContext the context the requests are made from, or null for the caller's
   */
  public PatroniPoller(
      Vertx vertx,
      PatroniClient client,
      FailureLog failureLog,
      Duration margin,
      Context pollContext) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.failureLog = Objects.requireNonNull(failureLog, "failureLog");
    this.margin = Objects.requireNonNull(margin, "margin");
    this.pollContext = pollContext;
  }

  /**
   * Polls all members and builds the tick's snapshot.
   *
   * @param endpoints the gate's members; each ends as exactly one sample
   * @param tickTime the tick's time, used for time lag and for the log's rate limit
   */
  public Future<ClusterSnapshot> pollAll(List<PatroniEndpoint> endpoints, Instant tickTime) {
    Objects.requireNonNull(tickTime, "tickTime");
    List<PatroniEndpoint> members = List.copyOf(endpoints);
    if (members.isEmpty()) {
      return Future.succeededFuture(ClusterSnapshot.of(List.of(), tickTime));
    }
    // Completions may arrive on any event loop: gather lock-free, finish once.
    AtomicReferenceArray<MemberSample> samples = new AtomicReferenceArray<>(members.size());
    AtomicInteger pending = new AtomicInteger(members.size());
    AtomicBoolean finished = new AtomicBoolean();
    Promise<ClusterSnapshot> done = Promise.promise();
    if (pollContext == null || Vertx.currentContext() == pollContext) {
      start(members, tickTime, samples, pending, finished, done);
    } else {
      pollContext.runOnContext(v -> start(members, tickTime, samples, pending, finished, done));
    }
    return done.future();
  }

  private void start(
      List<PatroniEndpoint> members,
      Instant tickTime,
      AtomicReferenceArray<MemberSample> samples,
      AtomicInteger pending,
      AtomicBoolean finished,
      Promise<ClusterSnapshot> done) {
    Duration timeout = client.options().timeout();
    long backstop =
        vertx.setTimer(
            timeout.plus(margin).toMillis(),
            id -> finish(members, samples, tickTime, timeout, finished, done));
    for (int i = 0; i < members.size(); i++) {
      int index = i;
      PatroniEndpoint endpoint = members.get(i);
      Future<MemberSample> poll;
      try {
        poll = client.poll(endpoint);
      } catch (RuntimeException e) {
        poll =
            Future.succeededFuture(
                MemberSample.failed(
                    endpoint.member(),
                    SampleFailure.NOT_POLLED,
                    "poll not started: " + PatroniParser.shorten(e.getMessage())));
      }
      poll.onComplete(
          ar -> {
            MemberSample sample =
                ar.succeeded()
                    ? ar.result()
                    : MemberSample.failed(
                        endpoint.member(),
                        SampleFailure.NOT_POLLED,
                        "poll failed: " + PatroniParser.shorten(String.valueOf(ar.cause())));
            samples.compareAndSet(index, null, sample);
            if (pending.decrementAndGet() == 0) {
              vertx.cancelTimer(backstop);
              finish(members, samples, tickTime, timeout, finished, done);
            }
          });
    }
  }

  private void finish(
      List<PatroniEndpoint> members,
      AtomicReferenceArray<MemberSample> samples,
      Instant tickTime,
      Duration timeout,
      AtomicBoolean finished,
      Promise<ClusterSnapshot> done) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    List<MemberSample> tick = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      // Claim empty slots, so a late answer cannot slip in after the snapshot was taken.
      samples.compareAndSet(
          i,
          null,
          MemberSample.failed(
              members.get(i).member(),
              SampleFailure.TIMEOUT,
              "timeout after " + PatroniClient.describe(timeout)));
      tick.add(samples.get(i));
    }
    ClusterSnapshot snapshot = ClusterSnapshot.of(tick, tickTime);
    // Log before completing, so whoever waits on the tick sees its log lines.
    tick.forEach(sample -> failureLog.log(sample, tickTime));
    done.complete(snapshot);
  }
}
