package io.syncgate.controller.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.SampleFailure;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureLogTest {

  private static final Instant T0 = Instant.parse("2026-11-28T16:00:00Z");

  @Test
  void eachMemberAndKindAtMostOncePerMinute() {
    FailureLog log = new FailureLog("ReplicaGate(db/hippo)");
    assertThat(log.shouldLog("pg-1", SampleFailure.TIMEOUT, T0)).isTrue();
    assertThat(log.shouldLog("pg-1", SampleFailure.TIMEOUT, T0.plusSeconds(1))).isFalse();
    assertThat(log.shouldLog("pg-1", SampleFailure.TIMEOUT, T0.plusSeconds(59))).isFalse();
    assertThat(log.shouldLog("pg-1", SampleFailure.TIMEOUT, T0.plusSeconds(60))).isTrue();
    assertThat(log.shouldLog("pg-1", SampleFailure.TIMEOUT, T0.plusSeconds(61))).isFalse();
  }

  @Test
  void otherKindsAndOtherMembersHaveTheirOwnAllowance() {
    FailureLog log = new FailureLog("ReplicaGate(db/hippo)");
    assertThat(log.shouldLog("pg-1", SampleFailure.TIMEOUT, T0)).isTrue();
    assertThat(log.shouldLog("pg-1", SampleFailure.UNREACHABLE, T0)).isTrue();
    assertThat(log.shouldLog("pg-2", SampleFailure.TIMEOUT, T0)).isTrue();
    assertThat(log.shouldLog("pg-2", SampleFailure.TIMEOUT, T0)).isFalse();
  }

  @Test
  void departedMembersAreForgotten() {
    FailureLog log = new FailureLog("ReplicaGate(db/hippo)");
    for (int i = 0; i < 100; i++) {
      log.shouldLog("pod-" + i, SampleFailure.TIMEOUT, T0);
    }
    assertThat(log.size()).isEqualTo(100);
    log.shouldLog("pod-new", SampleFailure.TIMEOUT, T0.plusSeconds(120));
    assertThat(log.size()).isEqualTo(1);
  }

  @Test
  void logsGateMemberKindAndReasonOnlyForFailedSamples() {
    Logger logger = (Logger) LoggerFactory.getLogger("test.FailureLogTest");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      FailureLog log = new FailureLog("ReplicaGate(db/hippo)", logger);
      log.log(MemberSample.leader("pg-0", 1, 100), T0);
      MemberSample refused =
          MemberSample.failed("pg-1", SampleFailure.UNREACHABLE, "connection refused");
      log.log(refused, T0);
      log.log(refused, T0.plusSeconds(30));
      log.log(refused, T0.plusSeconds(60));
      assertThat(appender.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "ReplicaGate(db/hippo): Patroni of member pg-1 gave no usable answer (unreachable):"
                  + " connection refused",
              "ReplicaGate(db/hippo): Patroni of member pg-1 gave no usable answer (unreachable):"
                  + " connection refused");
    } finally {
      logger.detachAppender(appender);
    }
  }
}
