package io.syncgate.controller.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.patroni.HttpAnswerReader.Failure;
import io.syncgate.controller.patroni.HttpAnswerReader.Progress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpAnswerReader} over whole answers cut at every byte: the outcome of an answer must not
 * depend on how the network splits it.
 */
class HttpAnswerReaderTest {

  private static final byte[] LEADER_JSON = Fixtures.bytes("3.0.2/leader.json");
  private static final int CAP = 64 * 1024;

  /** What reading one answer came to; equal for every way of cutting the same answer. */
  record Read(
      Progress progress,
      int status,
      String body,
      boolean reusable,
      Failure failure,
      String reason) {

    static Read of(HttpAnswerReader reader, Progress progress) {
      return new Read(
          progress,
          progress == Progress.FAILED ? 0 : reader.status(),
          progress == Progress.DONE
              ? new String(reader.body(), 0, reader.bodyLength(), StandardCharsets.ISO_8859_1)
              : null,
          progress == Progress.DONE && reader.reusable(),
          reader.failure(),
          reader.reason());
    }

    static Read done(int status, String body, boolean reusable) {
      return new Read(Progress.DONE, status, body, reusable, null, null);
    }

    static Read failed(Failure failure, String reason) {
      return new Read(Progress.FAILED, 0, null, false, failure, reason);
    }
  }

  /** Feeds {@code pieces} in order, then, if still unfinished and asked, the close. */
  private static Read read(HttpAnswerReader reader, List<byte[]> pieces, boolean thenClose) {
    Progress progress = Progress.MORE;
    for (byte[] piece : pieces) {
      progress = reader.feed(piece, 0, piece.length);
      if (progress != Progress.MORE) {
        return Read.of(reader, progress);
      }
    }
    return Read.of(reader, thenClose ? reader.closed() : progress);
  }

  private static Read read(String answer, boolean thenClose) {
    return read(new HttpAnswerReader(CAP), List.of(bytes(answer)), thenClose);
  }

  /**
   * Reads {@code answer} whole, in two pieces cut at every byte, and byte by byte (each piece at an
   * offset inside a larger array), asserts all agree, and returns the outcome.
   */
  private static Read everySplit(byte[] answer, int cap, boolean thenClose) {
    Read whole = read(new HttpAnswerReader(cap), List.of(answer), thenClose);
    HttpAnswerReader reused = new HttpAnswerReader(cap);
    for (int cut = 0; cut <= answer.length; cut++) {
      List<byte[]> pieces =
          List.of(
              Arrays.copyOfRange(answer, 0, cut), Arrays.copyOfRange(answer, cut, answer.length));
      assertThat(read(new HttpAnswerReader(cap), pieces, thenClose))
          .as("cut at byte %d", cut)
          .isEqualTo(whole);
      reused.reset();
      assertThat(read(reused, pieces, thenClose))
          .as("reused, cut at byte %d", cut)
          .isEqualTo(whole);
    }
    HttpAnswerReader reader = new HttpAnswerReader(cap);
    Progress progress = Progress.MORE;
    byte[] padded = new byte[answer.length + 2];
    for (int i = 0; i < answer.length && progress == Progress.MORE; i++) {
      padded[i + 1] = answer[i];
      progress = reader.feed(padded, i + 1, 1);
    }
    if (progress == Progress.MORE && thenClose) {
      progress = reader.closed();
    }
    assertThat(Read.of(reader, progress)).as("byte by byte").isEqualTo(whole);
    return whole;
  }

  private static Read everySplit(String answer, boolean thenClose) {
    return everySplit(bytes(answer), CAP, thenClose);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String leader() {
    return new String(LEADER_JSON, StandardCharsets.ISO_8859_1);
  }

  @Nested
  class SampleAnswers {

    @Test
    void patroni302ClosesToEndItsBody() {
      byte[] answer = concat(Fixtures.bytes("3.0.2/leader.headers"), LEADER_JSON);
      assertThat(everySplit(answer, CAP, true)).isEqualTo(Read.done(200, leader(), false));
      // Until the close it is not complete.
      assertThat(everySplit(answer, CAP, false).progress()).isEqualTo(Progress.MORE);
    }

    @Test
    void http11WithContentLengthIsCompleteWithoutAClose() {
      String answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: "
              + LEADER_JSON.length
              + "\r\n\r\n"
              + leader();
      assertThat(everySplit(answer, false)).isEqualTo(Read.done(200, leader(), true));
    }

    @Test
    void chunkedWithExtensionsAndTrailers() {
      String json = leader();
      int third = json.length() / 3;
      String answer =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              + Integer.toHexString(third)
              + ";name=value\r\n"
              + json.substring(0, third)
              + "\r\n"
              + Integer.toHexString(json.length() - third).toUpperCase(java.util.Locale.ROOT)
              + "\r\n"
              + json.substring(third)
              + "\r\n0\r\nX-Trailer: yes\r\n\r\n";
      assertThat(everySplit(answer, false)).isEqualTo(Read.done(200, json, true));
    }

    @Test
    void chunkedWithoutTrailers() {
      String answer =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
      assertThat(everySplit(answer, false)).isEqualTo(Read.done(200, "abc", true));
    }

    @Test
    void http10KeepAliveWithContentLength() {
      String answer = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}";
      assertThat(everySplit(answer, false)).isEqualTo(Read.done(200, "{}", true));
    }

    @Test
    void bareLineFeedsAreAccepted() {
      String answer = "HTTP/1.1 200 OK\nContent-Length: 2\n\n{}";
      assertThat(everySplit(answer, false)).isEqualTo(Read.done(200, "{}", true));
    }

    @Test
    void aStatusLineWithoutReasonPhrase() {
      assertThat(everySplit("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", false))
          .isEqualTo(Read.done(200, "", true));
    }

    @Test
    void anErrorEndsWithItsHeadAndIsNotKept() {
      String answer =
          "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Patroni\"\r\n"
              + "Content-Length: 17\r\n\r\nnot authenticated";
      HttpAnswerReader reader = new HttpAnswerReader(CAP);
      Progress progress = reader.feed(bytes(answer), 0, answer.length());
      assertThat(Read.of(reader, progress)).isEqualTo(Read.done(401, "", false));
    }

    @Test
    void aReaderReadsOneAnswerAfterAnother() {
      HttpAnswerReader reader = new HttpAnswerReader(CAP);
      String first = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst";
      String second = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
      assertThat(read(reader, List.of(bytes(first)), false))
          .isEqualTo(Read.done(200, "first", true));
      reader.reset();
      assertThat(read(reader, List.of(bytes(second)), false)).isEqualTo(Read.done(200, "{}", true));
    }
  }

  @Nested
  class WhetherTheConnectionMayBeKept {

    @ParameterizedTest
    @ValueSource(
        strings = {
          // HTTP/1.0 closes unless it says otherwise.
          "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
          // Asked to close, in a list of options, in any case.
          "HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 2\r\n\r\n{}",
          // Both a length and chunked: chunked reads it, the connection must go.
          "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        })
    void notKept(String answer) {
      Read read = everySplit(answer, false);
      assertThat(read).isEqualTo(Read.done(200, "{}", false));
    }

    @Test
    void notKeptWhenMoreBytesFollowTheAnswer() {
      String answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n";
      assertThat(read(answer, false)).isEqualTo(Read.done(200, "{}", false));
      HttpAnswerReader reader = new HttpAnswerReader(CAP);
      String exact = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
      assertThat(reader.feed(bytes(exact), 0, exact.length())).isEqualTo(Progress.DONE);
      assertThat(reader.reusable()).isTrue();
      reader.feed(new byte[] {'x'}, 0, 1);
      assertThat(reader.reusable()).isFalse();
    }

    @Test
    void aBodyUntilTheCloseIsNeverKept() {
      assertThat(everySplit("HTTP/1.1 200 OK\r\n\r\n{}", true))
          .isEqualTo(Read.done(200, "{}", false));
      // A coding other than chunked last: until the close as well.
      assertThat(everySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n{}", true))
          .isEqualTo(Read.done(200, "{}", false));
    }
  }

  @Nested
  class Malformed {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "HTTP/2 200 OK\r\n\r\n",
          "HTTP/1.1 20 OK\r\n\r\n",
          "HTTP/1.1 200OK\r\n\r\n",
          "HTTP/1.1  200 OK\r\n\r\n",
          "HTTP/1.1 abc OK\r\n\r\n",
          "HTTP/1.1 099 Odd\r\n\r\n",
          "ICY 200 OK\r\n\r\n",
          "http/1.1 200 OK\r\n\r\n",
          "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
          "\r\nHTTP/1.1 200 OK\r\n\r\n",
        })
    void badStatusLines(String answer) {
      Read read = everySplit(answer, true);
      assertThat(read.failure()).isEqualTo(Failure.MALFORMED);
      assertThat(read.reason()).startsWith("not an HTTP/1.x status line: ");
    }

    @Test
    void aStatusLineIsQuotedShortAndPrintable() {
      Read read = read("HTTP/9 \u001b[31m" + "x".repeat(500) + "\r\n", true);
      assertThat(read.reason()).doesNotContain("\u001b").hasSizeLessThan(160);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
        })
    void badContentLengths(String answer) {
      Read read = everySplit(answer, true);
      assertThat(read.failure()).isEqualTo(Failure.MALFORMED);
      assertThat(read.reason()).contains("Content-Length");
    }

    @Test
    void equalContentLengthsAreOne() {
      assertThat(everySplit("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}", false))
          .isEqualTo(Read.done(200, "{}", true));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n{}",
          "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
          "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
        })
    void badHeaderLines(String answer) {
      Read read = everySplit(answer, true);
      assertThat(read.failure()).isEqualTo(Failure.MALFORMED);
      assertThat(read.reason()).containsIgnoringCase("header line");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n{}\r\n0\r\n\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n",
        })
    void badChunkedFraming(String answer) {
      Read read = everySplit(answer, true);
      assertThat(read.failure()).isEqualTo(Failure.MALFORMED);
      assertThat(read.reason()).startsWith("chunked body: ");
    }

    @Test
    void aHeadOver16KibIsNotBuffered() {
      String head = "HTTP/1.1 200 OK\r\nX-Pad: ";
      String pad = "x".repeat(HttpAnswerReader.MAX_HEAD_BYTES - head.length() - 4);
      // Exactly at the bound: read.
      assertThat(read(head + pad + "\r\n\r\n", true)).isEqualTo(Read.done(200, "", false));
      // One byte more: refused.
      Read over = read(head + pad + "x\r\n\r\n", true);
      assertThat(over)
          .isEqualTo(
              Read.failed(
                  Failure.MALFORMED,
                  "HTTP head over " + HttpAnswerReader.MAX_HEAD_BYTES + " bytes"));
      // An endless line or endless headers alike.
      HttpAnswerReader reader = new HttpAnswerReader(CAP);
      byte[] header = bytes("X-Many: headers\r\n");
      Progress progress = reader.feed(bytes("HTTP/1.1 200 OK\r\n"), 0, 17);
      int fed = 0;
      while (progress == Progress.MORE && fed < 1_000_000) {
        progress = reader.feed(header, 0, header.length);
        fed += header.length;
      }
      assertThat(progress).isEqualTo(Progress.FAILED);
      assertThat(fed).isLessThanOrEqualTo(HttpAnswerReader.MAX_HEAD_BYTES);
    }

    @Test
    void endlessTrailersAndChunkLinesAreBoundedToo() {
      HttpAnswerReader reader = new HttpAnswerReader(CAP);
      String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
      Progress progress = reader.feed(bytes(head), 0, head.length());
      byte[] trailer = bytes("X-T: 1\r\n");
      while (progress == Progress.MORE) {
        progress = reader.feed(trailer, 0, trailer.length);
      }
      assertThat(reader.reason()).isEqualTo("chunked body: trailers over 16384 bytes");

      reader.reset();
      String sizeLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;";
      progress = reader.feed(bytes(sizeLine), 0, sizeLine.length());
      byte[] extension = bytes("e=x;");
      while (progress == Progress.MORE) {
        progress = reader.feed(extension, 0, extension.length);
      }
      assertThat(reader.reason()).isEqualTo("chunked body: a line over 16384 bytes");
    }

    @Test
    void manySmallChunksAreNotAHead() {
      StringBuilder answer =
          new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 10_000; i++) {
        answer.append("1\r\nx\r\n");
      }
      answer.append("0\r\n\r\n");
      assertThat(read(answer.toString(), false))
          .isEqualTo(Read.done(200, "x".repeat(10_000), true));
    }
  }

  @Nested
  class SizeCap {

    @Test
    void aContentLengthOverTheCapFailsAtTheHead() {
      HttpAnswerReader reader = new HttpAnswerReader(4096);
      String head = "HTTP/1.1 200 OK\r\nContent-Length: 4097\r\n\r\n";
      assertThat(Read.of(reader, reader.feed(bytes(head), 0, head.length())))
          .isEqualTo(Read.failed(Failure.TOO_LARGE, "body over 4096 bytes"));
      reader.reset();
      String huge = "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999999\r\n\r\n";
      assertThat(Read.of(reader, reader.feed(bytes(huge), 0, huge.length())).failure())
          .isEqualTo(Failure.TOO_LARGE);
    }

    @Test
    void bodiesAtTheCapAreReadAndOneByteMoreIsNot() {
      int cap = 300;
      String atCap = "y".repeat(cap);
      String length = "HTTP/1.1 200 OK\r\nContent-Length: " + cap + "\r\n\r\n";
      String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      String untilClose = "HTTP/1.0 200 OK\r\n\r\n";
      assertThat(everySplit(bytes(length + atCap), cap, false))
          .isEqualTo(Read.done(200, atCap, true));
      assertThat(
              everySplit(
                  bytes(
                      chunked
                          + "64\r\n"
                          + atCap.substring(200)
                          + "\r\nc8\r\n"
                          + atCap.substring(100)
                          + "\r\n0\r\n\r\n"),
                  cap,
                  false))
          .isEqualTo(Read.done(200, atCap, true));
      assertThat(everySplit(bytes(untilClose + atCap), cap, true))
          .isEqualTo(Read.done(200, atCap, false));

      Read overCap = Read.failed(Failure.TOO_LARGE, "body over 300 bytes");
      assertThat(
              everySplit(
                  bytes(chunked + "64\r\n" + atCap.substring(200) + "\r\nc9\r\n"), cap, true))
          .isEqualTo(overCap);
      assertThat(everySplit(bytes(untilClose + atCap + "y"), cap, true)).isEqualTo(overCap);
      assertThat(everySplit(bytes(chunked + "ffffffffffffffffffffffff\r\n"), cap, true))
          .isEqualTo(overCap);
    }
  }

  @Nested
  class ClosedEarly {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "HTTP/1.0 200 OK\r\nContent-Ty",
          "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\"",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n",
        })
    void aCloseBeforeTheEndIsNotAnAnswer(String answer) {
      HttpAnswerReader reader = new HttpAnswerReader(CAP);
      List<byte[]> pieces = new ArrayList<>();
      pieces.add(bytes(answer));
      assertThat(read(reader, pieces, true))
          .isEqualTo(
              Read.failed(
                  Failure.CLOSED_EARLY, "connection closed before the answer was complete"));
      assertThat(reader.sawByte()).isEqualTo(!answer.isEmpty());
    }
  }
}
