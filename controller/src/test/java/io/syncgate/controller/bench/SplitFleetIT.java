package io.syncgate.controller.bench;

import static io.syncgate.controller.bench.FleetSimulatorIT.body;
import static io.syncgate.controller.bench.FleetSimulatorIT.connect;
import static io.syncgate.controller.bench.FleetSimulatorIT.getUntilClosed;
import static io.syncgate.controller.bench.FleetSimulatorIT.readOneAnswer;
import static io.syncgate.controller.bench.FleetSimulatorIT.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.patroni.PatroniParser;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet split over two {@link SimulatorProcess}es (6 gates x 3 members, gates 0-2 and 3-5):
 * each member answers where and as the in-process fleet would, lag flips reach the right process,
 * and the polls of both are counted.
 */
class SplitFleetIT {

  // The leader stands still, so two answers read one after the other agree on its position.
  private static final FleetSimulator.Script SCRIPT =
      new FleetSimulator.Script(0, 64 << 10, 64L << 20);

  @TempDir Path dir;

  private SplitFleet fleet;

  @AfterEach
  void close() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void keepAliveMembersOfBothSlicesAnswerOnTheirAddressesAndLagFlipsReachTheirProcess()
      throws Exception {
    fleet = start(PatroniSimulator.Mode.KEEP_ALIVE);
    int subnet = fleet.subnet();
    assertThat(fleet.processes()).isEqualTo(2);
    assertThat(fleet.host(0, 0)).isEqualTo("127." + subnet + ".0.2");
    assertThat(fleet.host(5, 2)).isEqualTo(FleetSimulator.address(subnet, 17));

    for (int gate : new int[] {1, 4}) {
      try (Socket socket = connect(fleet.host(gate, 2))) {
        for (int i = 0; i < 2; i++) {
          socket.getOutputStream().write(request("/patroni", "keep-alive"));
          String answer = readOneAnswer(socket.getInputStream());
          assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n");
          MemberSample replica =
              PatroniParser.parse(FleetSimulator.memberName(gate, 2), body(answer));
          assertThat(replica.usable()).as(replica.reason()).isTrue();
          assertThat(replica.role()).isEqualTo(PatroniRole.REPLICA);
          assertThat(body(answer)).contains("\"scope\": \"" + FleetSimulator.gateName(gate) + "\"");
        }
      }
    }
    assertThat(fleet.polls()).isEqualTo(4);

    assertThat(lag(4, 2)).isBetween(0L, SCRIPT.jitterBytes());
    long before = System.nanoTime();
    long flipped = fleet.setLagging(4, 2, true).get();
    long after = System.nanoTime();
    // One monotonic clock for the processes of a machine.
    assertThat(flipped).isBetween(before, after);
    assertThat(lag(4, 2))
        .isBetween(SCRIPT.laggingBytes(), SCRIPT.laggingBytes() + SCRIPT.jitterBytes());
    assertThat(lag(4, 1)).isBetween(0L, SCRIPT.jitterBytes());
    assertThat(lag(1, 2)).isBetween(0L, SCRIPT.jitterBytes());
    fleet.setLagging(4, 2, false).get();
    assertThat(lag(4, 2)).isBetween(0L, SCRIPT.jitterBytes());
    // 4 above, 2 per lag() reading.
    assertThat(fleet.polls()).isEqualTo(4 + 5 * 2);
    assertThat(fleet.cpuNanos()).isPositive();
  }

  @Test
  void closeModeMembersOfBothSlicesAnswerHttp10AndClose() throws Exception {
    fleet = start(PatroniSimulator.Mode.HTTP10_CLOSE);

    for (int gate : new int[] {0, 5}) {
      String answer = getUntilClosed(fleet.host(gate, 0), "/patroni");
      assertThat(answer).startsWith("HTTP/1.0 200 OK\r\n");
      MemberSample leader = PatroniParser.parse(FleetSimulator.memberName(gate, 0), body(answer));
      assertThat(leader.role()).isEqualTo(PatroniRole.LEADER);
      assertThat(body(answer))
          .contains("\"application_name\": \"" + FleetSimulator.memberName(gate, 2) + "\"");
    }
    assertThat(fleet.polls()).isEqualTo(2);
  }

  private SplitFleet start(PatroniSimulator.Mode mode) throws Exception {
    return SplitFleet.start(2, 6, 3, mode, SCRIPT, 1, i -> dir.resolve("simulator-" + i + ".log"));
  }

  private long lag(int gate, int replica) throws Exception {
    MemberSample leader = sample(fleet.host(gate, 0));
    MemberSample sample = sample(fleet.host(gate, replica));
    return leader.location() - sample.replayedLocation();
  }

  /** One poll asking the member to close (a keep-alive member then closes too). */
  private static MemberSample sample(String host) throws Exception {
    try (Socket socket = connect(host)) {
      socket.getOutputStream().write(request("/patroni", "close"));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      MemberSample sample = PatroniParser.parse(host, body(answer));
      assertThat(sample.usable()).as(sample.reason()).isTrue();
      return sample;
    }
  }
}
