package io.syncgate.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.patroni.PatroniParser;
import io.syncgate.policy.gating.MemberSample;
import io.syncgate.policy.gating.PatroniRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's fleet answers like Patroni 3.0.2 (or keep-alive) and flips lag on demand. */
class FleetSimulatorIT {

  // The leader stands still, so two answers read one after the other agree on its position.
  private static final FleetSimulator.Script SCRIPT =
      new FleetSimulator.Script(0, 64 << 10, 64L << 20);

  private FleetSimulator fleet;

  @AfterEach
  void close() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void closeModeAnswersHttp10WithoutLengthAndClosesLikePatroni302() throws Exception {
    fleet = FleetSimulator.startOnFreeSubnet(2, 3, PatroniSimulator.Mode.HTTP10_CLOSE, SCRIPT, 1);

    String answer = getUntilClosed(fleet.host(1, 0), "/patroni");

    assertThat(answer).startsWith("HTTP/1.0 200 OK\r\n");
    String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
    assertThat(head)
        .contains("Server: BaseHTTP/0.6 Python/3.11.2", "Content-Type: application/json")
        .doesNotContain("Content-Length");
    MemberSample leader = PatroniParser.parse("pg-00001-0", body(answer));
    assertThat(leader.usable()).as(leader.reason()).isTrue();
    assertThat(leader.role()).isEqualTo(PatroniRole.LEADER);
    assertThat(body(answer))
        .contains("\"scope\": \"pg-00001\"", "\"application_name\": \"pg-00001-2\"");
    assertThat(fleet.polls()).isEqualTo(1);
    assertThat(fleet.connections()).isEqualTo(1);
  }

  @Test
  void replicasKeepUpWithinTheJitterUntilSetLaggingThenCatchUpAgain() throws Exception {
    fleet = FleetSimulator.startOnFreeSubnet(1, 3, PatroniSimulator.Mode.HTTP10_CLOSE, SCRIPT, 1);

    assertThat(lag(2)).isBetween(0L, SCRIPT.jitterBytes());

    long flipped = fleet.setLagging(0, 2, true).get();
    assertThat(flipped).isPositive();
    assertThat(lag(2))
        .isBetween(SCRIPT.laggingBytes(), SCRIPT.laggingBytes() + SCRIPT.jitterBytes());
    assertThat(lag(1)).isBetween(0L, SCRIPT.jitterBytes());

    fleet.setLagging(0, 2, false).get();
    assertThat(lag(2)).isBetween(0L, SCRIPT.jitterBytes());
  }

  @Test
  void keepAliveModeAnswersSeveralRequestsOnOneConnection() throws Exception {
    fleet = FleetSimulator.startOnFreeSubnet(1, 2, PatroniSimulator.Mode.KEEP_ALIVE, SCRIPT, 1);

    try (Socket socket = connect(fleet.host(0, 1))) {
      for (int i = 0; i < 3; i++) {
        socket.getOutputStream().write(request("/patroni", "keep-alive"));
        String answer = readOneAnswer(socket.getInputStream());
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n");
        MemberSample replica = PatroniParser.parse("pg-00000-1", body(answer));
        assertThat(replica.role()).isEqualTo(PatroniRole.REPLICA);
      }
    }
    assertThat(fleet.polls()).isEqualTo(3);
    assertThat(fleet.connections()).isEqualTo(1);
  }

  @Test
  void otherPathsAre404() throws Exception {
    fleet = FleetSimulator.startOnFreeSubnet(1, 2, PatroniSimulator.Mode.HTTP10_CLOSE, SCRIPT, 1);

    assertThat(getUntilClosed(fleet.host(0, 0), "/cluster")).startsWith("HTTP/1.0 404 ");
    assertThat(fleet.polls()).isZero();
    assertThat(fleet.otherRequests()).isEqualTo(1);
  }

  @Test
  void membersGetDistinctLoopbackAddressesOnThePatroniPort() throws Exception {
    fleet = FleetSimulator.startOnFreeSubnet(2, 3, PatroniSimulator.Mode.HTTP10_CLOSE, SCRIPT, 2);
    int subnet = fleet.subnet();

    assertThat(fleet.host(0, 0)).isEqualTo("127." + subnet + ".0.2");
    assertThat(fleet.host(1, 2)).isEqualTo("127." + subnet + ".0.7");
    assertThat(FleetSimulator.address(subnet, 250)).isEqualTo("127." + subnet + ".1.2");
    assertThat(getUntilClosed(fleet.host(1, 2), "/patroni")).startsWith("HTTP/1.0 200 OK");
  }

  private long lag(int replica) throws IOException {
    MemberSample leader = sample(fleet.host(0, 0));
    MemberSample sample = sample(fleet.host(0, replica));
    assertThat(sample.receivedLocation()).isBetween(sample.replayedLocation(), leader.location());
    return leader.location() - sample.replayedLocation();
  }

  static MemberSample sample(String host) throws IOException {
    MemberSample sample = PatroniParser.parse(host, body(getUntilClosed(host, "/patroni")));
    assertThat(sample.usable()).as(sample.reason()).isTrue();
    return sample;
  }

  static Socket connect(String host) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, FleetSimulator.PATRONI_PORT), 2000);
    socket.setSoTimeout(5000);
    return socket;
  }

  static byte[] request(String path, String connection) {
    return ("GET " + path + " HTTP/1.1\r\nHost: member\r\nConnection: " + connection + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  static String getUntilClosed(String host, String path) throws IOException {
    try (Socket socket = connect(host)) {
      OutputStream out = socket.getOutputStream();
      out.write(request(path, "keep-alive"));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** One HTTP/1.1 answer framed by Content-Length. */
  static String readOneAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed in the head: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int at = text.indexOf("Content-Length: ");
    assertThat(at).as("Content-Length in " + text).isPositive();
    int length = Integer.parseInt(text.substring(at + 16, text.indexOf("\r\n", at)).strip());
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  static String body(String answer) {
    return answer.substring(answer.indexOf("\r\n\r\n") + 4);
  }
}
