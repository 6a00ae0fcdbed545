package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.TestClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Patroni Secrets of a gate: read again after a failure with growing waits, not at every tick;
 * the failure reported meanwhile, and logged once per change. Time is a test clock, ticks are calls
 * of {@code prepare} 100 ms apart, the Secrets a fake that answers at once.
 */
class PatroniMembersTest {

  private static final GateKey KEY = new GateKey("db", "hippo-reads");
  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration TICK = Duration.ofMillis(100);
  private static final String NOT_FOUND = "Secret db/patroni-auth not found";

  private static Vertx vertx;
  private static PollLoops pollLoops;

  private Context context;
  private TestClock clock;
  private Secrets secrets;
  private PatroniMembers members;
  private ListAppender<ILoggingEvent> logs;

  /** The Secrets: each read answers with the options set, or fails with the message set. */
  private final class Secrets implements PatroniMembers.OptionsSource {
    final List<Instant> reads = new ArrayList<>();
    String failure = NOT_FOUND;

    @Override
    public Future<PatroniClientOptions> options(
        String namespace, GateSettings.PatroniSettings settings) {
      reads.add(clock.instant());
      return failure == null
          ? Future.succeededFuture(PatroniClientOptions.defaults())
          : Future.failedFuture(new IllegalStateException(failure));
    }
  }

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    pollLoops = Await.result(PollLoops.deploy(vertx, 1));
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void members() {
    context = vertx.getOrCreateContext();
    clock = new TestClock(START);
    secrets = new Secrets();
    members = new PatroniMembers(KEY, vertx, context, secrets, pollLoops);
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(PatroniMembers.class)).addAppender(logs);
  }

  @AfterEach
  void close() {
    ((Logger) LoggerFactory.getLogger(PatroniMembers.class)).detachAppender(logs);
    onContext(
        () -> {
          members.close();
          return Future.succeededFuture();
        });
  }

  @Test
  void aMissingSecretIsReadAgainAfterGrowingWaitsAndReportedAtEveryTick() {
    List<String> outcomes = ticksFor(Duration.ofMinutes(2), settings("patroni-auth"));

    // 1 s, then doubling, up to SECRET_REFRESH: 0, 1, 3, 7, 15, 31, 63 s; 123 s is past the end.
    assertThat(secrets.reads)
        .containsExactly(
            START,
            START.plusSeconds(1),
            START.plusSeconds(3),
            START.plusSeconds(7),
            START.plusSeconds(15),
            START.plusSeconds(31),
            START.plusSeconds(63));
    assertThat(outcomes).hasSize(1200).containsOnly("unavailable: " + NOT_FOUND);
    assertThat(lines(Level.WARN))
        .containsExactly(
            "ReplicaGate(db/hippo-reads): cannot read Patroni Secrets: "
                + NOT_FOUND
                + " (read again in 1s, then less often, up to every 1m)");
  }

  @Test
  void aNewMessageIsLoggedAgainAndARecoveryOnce() {
    ticksFor(Duration.ofSeconds(2), settings("patroni-auth"));
    secrets.failure = "secrets \"patroni-auth\" is forbidden";
    ticksFor(Duration.ofSeconds(3), settings("patroni-auth"));
    secrets.failure = null;
    List<String> outcomes = ticksFor(Duration.ofSeconds(10), settings("patroni-auth"));

    assertThat(outcomes).last().isEqualTo("ready");
    assertThat(lines(Level.WARN))
        .hasSize(2)
        .satisfiesExactly(
            first -> assertThat(first).contains(NOT_FOUND),
            second -> assertThat(second).contains("is forbidden"));
    assertThat(lines(Level.INFO))
        .containsExactly("ReplicaGate(db/hippo-reads): Patroni Secrets read again");
  }

  @Test
  void aFailedRefreshKeepsTheClientAndWaitsBeforeTheNextRead() {
    secrets.failure = null;
    ticksFor(Duration.ofSeconds(1), settings("patroni-auth"));
    assertThat(secrets.reads).containsExactly(START);

    secrets.failure = NOT_FOUND;
    clock.advance(PatroniMembers.SECRET_REFRESH.minusSeconds(1));
    List<String> outcomes = ticksFor(Duration.ofSeconds(5), settings("patroni-auth"));

    // Due at 60 s; fails; then 61 s and 63 s: not at every tick.
    assertThat(secrets.reads)
        .containsExactly(
            START, START.plusSeconds(60), START.plusSeconds(61), START.plusSeconds(63));
    assertThat(outcomes).containsOnly("ready");
    assertThat(lines(Level.WARN))
        .singleElement()
        .asString()
        .contains("keeping the credentials read before");
  }

  @Test
  void aSuccessStartsTheWaitsOver() {
    ticksFor(Duration.ofSeconds(2), settings("patroni-auth")); // reads at 0 and 1 s
    secrets.failure = null;
    ticksFor(Duration.ofSeconds(2), settings("patroni-auth")); // 3 s: read, good
    secrets.failure = NOT_FOUND;
    clock.advance(PatroniMembers.SECRET_REFRESH.minusSeconds(1));
    ticksFor(Duration.ofSeconds(3), settings("patroni-auth"));

    // The refresh at 63 s fails: the next read waits 1 s again, not 4 s.
    assertThat(secrets.reads)
        .containsExactly(
            START,
            START.plusSeconds(1),
            START.plusSeconds(3),
            START.plusSeconds(63),
            START.plusSeconds(64));
  }

  @Test
  void changedSettingsAreReadAtOnce() {
    ticksFor(TICK.multipliedBy(3), settings("patroni-auth"));
    List<String> outcomes = ticksFor(TICK, settings("patroni-auth-fixed"));

    assertThat(secrets.reads).containsExactly(START, START.plus(TICK.multipliedBy(3)));
    assertThat(outcomes).containsOnly("unavailable: " + NOT_FOUND);
  }

  // ------------------------------------------------------------------ helpers

  private static GateSettings.PatroniSettings settings(String credentialsSecret) {
    return new GateSettings.PatroniSettings(
        "http", 8008, Duration.ofSeconds(2), credentialsSecret, null, false);
  }

  /** Prepares once per tick for {@code duration}; each outcome, "ready" or why not. */
  private List<String> ticksFor(Duration duration, GateSettings.PatroniSettings settings) {
    List<String> outcomes = new ArrayList<>();
    for (long i = 0; i < duration.dividedBy(TICK); i++) {
      outcomes.add(
          onContext(
              () ->
                  members
                      .prepare(settings, clock.instant())
                      .map("ready")
                      .recover(
                          e ->
                              Future.succeededFuture(
                                  e instanceof MemberPoller.PatroniUnavailable
                                      ? "unavailable: " + e.getMessage()
                                      : "failed: " + e))));
      clock.advance(TICK);
    }
    return outcomes;
  }

  private List<String> lines(Level level) {
    return logs.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** Runs {@code action} on the context under test and waits for the future it returns. */
  private <T> T onContext(Supplier<Future<T>> action) {
    return Await.onContext(context, action);
  }
}
