package io.syncgate.controller.patroni;

import java.util.Arrays;

/**
 * Reads one HTTP/1.x answer from the bytes of a connection, as they arrive, in whatever pieces: the
 * status line, the headers (of which only {@code Content-Length}, {@code Transfer-Encoding} and
 * {@code Connection} matter), then the body, delimited by its {@code Content-Length}, by chunked
 * encoding, or by the close of the connection (HTTP/1.0 without a length, as Patroni 3.0 answers).
 * Pure: no I/O, no clock.
 *
 * <p>Bounded: the head (status line and headers) may take at most {@link #MAX_HEAD_BYTES}, and so
 * may each chunk-size line of a chunked body and its trailers together; the body may take at most
 * the size cap given. Past either, reading stops with a failure and nothing more is buffered. Only
 * the body of a 200 answer is read: for any other status the answer ends with its head.
 *
 * <p>One instance serves one connection; {@link #reset()} before each answer. The body is kept in a
 * buffer reused from answer to answer, valid until the next {@link #reset()}.
 */
final class HttpAnswerReader {

  /** The most the head of an answer may take: status line, headers and their line ends. */
  static final int MAX_HEAD_BYTES = 16 * 1024;

  /** How an answer ended. */
  enum Progress {
    /** More bytes are needed. */
    MORE,
    /** The answer is complete: {@link #status()}, and for a 200 the body. */
    DONE,
    /** No answer can be read: {@link #failure()} and {@link #reason()} say why. */
    FAILED
  }

  /** Why no answer could be read. */
  enum Failure {
    /** Not HTTP/1.x, or a head or chunked framing that breaks its rules, or a head too large. */
    MALFORMED,
    /** The body is longer than the size cap. */
    TOO_LARGE,
    /** The connection closed before the answer was complete. */
    CLOSED_EARLY
  }

  private enum State {
    STATUS_LINE,
    HEADER_LINE,
    BODY_LENGTH,
    BODY_UNTIL_CLOSE,
    CHUNK_SIZE_LINE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILER_LINE,
    DONE,
    FAILED
  }

  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");

  private final int maxBodyBytes;

  private State state;
  private byte[] line = new byte[256];
  private int lineLength;
  private int headBytes;

  private int status;
  private boolean http11;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean transferEncoding;
  private boolean chunked;
  private long contentLength;
  private boolean sawByte;
  private boolean trailingBytes;

  private byte[] body = new byte[0];
  private int bodyLength;
  private long remaining;

  private Failure failure;
  private String reason;

  /**
   * @param maxBodyBytes the size cap of a body
   */
  HttpAnswerReader(int maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, not " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
    reset();
  }

  /** Starts over, for the next answer. */
  void reset() {
    state = State.STATUS_LINE;
    lineLength = 0;
    headBytes = 0;
    status = 0;
    http11 = false;
    connectionClose = false;
    connectionKeepAlive = false;
    transferEncoding = false;
    chunked = false;
    contentLength = -1;
    sawByte = false;
    trailingBytes = false;
    bodyLength = 0;
    remaining = 0;
    failure = null;
    reason = null;
  }

  /** Reads the next bytes of the answer; bytes after its end are noted and not read. */
  Progress feed(byte[] data, int offset, int length) {
    int end = offset + length;
    int i = offset;
    if (length > 0 && (state == State.DONE || state == State.FAILED)) {
      trailingBytes = true;
    }
    if (length > 0) {
      sawByte = true;
    }
    while (i < end && state != State.DONE && state != State.FAILED) {
      switch (state) {
        case STATUS_LINE, HEADER_LINE, CHUNK_SIZE_LINE, TRAILER_LINE -> i = readLine(data, i, end);
        case BODY_LENGTH, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          append(data, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            if (state == State.BODY_LENGTH) {
              state = State.DONE;
            } else {
              toLines(State.CHUNK_DATA_END);
            }
          }
        }
        case BODY_UNTIL_CLOSE -> {
          int n = end - i;
          if ((long) bodyLength + n > maxBodyBytes) {
            return tooLarge();
          }
          append(data, i, n);
          i = end;
        }
        case CHUNK_DATA_END -> i = readLine(data, i, end);
        default -> throw new IllegalStateException(state.name());
      }
    }
    if (i < end && state == State.DONE) {
      trailingBytes = true;
    }
    return progress();
  }

  /** The connection closed: the end of a body delimited by it, else an answer cut short. */
  Progress closed() {
    if (state == State.BODY_UNTIL_CLOSE) {
      state = State.DONE;
    } else if (state != State.DONE && state != State.FAILED) {
      return fail(Failure.CLOSED_EARLY, "connection closed before the answer was complete");
    }
    return progress();
  }

  private Progress progress() {
    return switch (state) {
      case DONE -> Progress.DONE;
      case FAILED -> Progress.FAILED;
      default -> Progress.MORE;
    };
  }

  /** Whether any byte of the answer has arrived since {@link #reset()}. */
  boolean sawByte() {
    return sawByte;
  }

  /** The status code, once the status line has been read. */
  int status() {
    return status;
  }

  /**
   * Whether the connection may carry the next request: the answer is complete, delimited by its
   * length or chunked encoding, nothing followed it, and the server did not ask to close (an
   * HTTP/1.1 answer without {@code Connection: close}, or an HTTP/1.0 one with {@code Connection:
   * keep-alive}).
   */
  boolean reusable() {
    return state == State.DONE
        && status == 200
        && !trailingBytes
        // Both a length and chunked: the connection must not be reused (RFC 9112, 6.3).
        && ((chunked && contentLength < 0) || (!transferEncoding && contentLength >= 0))
        && !connectionClose
        && (http11 || connectionKeepAlive);
  }

  /** The body read, valid until the next {@link #reset()}; {@link #bodyLength()} bytes of it. */
  byte[] body() {
    return body;
  }

  int bodyLength() {
    return bodyLength;
  }

  Failure failure() {
    return failure;
  }

  /** Why the answer could not be read, in words fit for a sample's reason. */
  String reason() {
    return reason;
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Reads up to the end of a line; on a complete line, acts on it. Returns the next index. */
  private int readLine(byte[] data, int from, int end) {
    int i = from;
    while (i < end) {
      byte b = data[i++];
      if (++headBytes > MAX_HEAD_BYTES) {
        fail(Failure.MALFORMED, overLong());
        return i;
      }
      if (b == '\n') {
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        onLine(length);
        return i;
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_HEAD_BYTES));
      }
      line[lineLength++] = b;
    }
    return i;
  }

  private String overLong() {
    return switch (state) {
      case STATUS_LINE, HEADER_LINE -> "HTTP head over " + MAX_HEAD_BYTES + " bytes";
      case TRAILER_LINE -> "chunked body: trailers over " + MAX_HEAD_BYTES + " bytes";
      default -> "chunked body: a line over " + MAX_HEAD_BYTES + " bytes";
    };
  }

  /** Enters a state that reads lines, with a fresh budget for them. */
  private void toLines(State next) {
    state = next;
    lineLength = 0;
    headBytes = 0;
  }

  private void onLine(int length) {
    switch (state) {
      case STATUS_LINE -> statusLine(length);
      case HEADER_LINE -> {
        if (length == 0) {
          endOfHead();
        } else {
          headerLine(length);
        }
      }
      case CHUNK_SIZE_LINE -> chunkSizeLine(length);
      case CHUNK_DATA_END -> {
        if (length != 0) {
          fail(Failure.MALFORMED, "chunked body: chunk data longer than its size");
        } else {
          toLines(State.CHUNK_SIZE_LINE);
        }
      }
      case TRAILER_LINE -> {
        if (length == 0) {
          state = State.DONE;
        }
        // Trailer fields say nothing we use.
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /** {@code HTTP/1.x SP 3DIGIT [SP reason-phrase]}. */
  private void statusLine(int length) {
    boolean ok =
        length >= 12
            && startsWith(line, "HTTP/1.")
            && isDigit(line[7])
            && line[8] == ' '
            && isDigit(line[9])
            && isDigit(line[10])
            && isDigit(line[11])
            && (length == 12 || line[12] == ' ');
    if (!ok) {
      fail(Failure.MALFORMED, "not an HTTP/1.x status line: " + quote(line, length));
      return;
    }
    http11 = line[7] != '0';
    status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (status < 100) {
      fail(Failure.MALFORMED, "not an HTTP/1.x status line: " + quote(line, length));
      return;
    }
    state = State.HEADER_LINE;
  }

  private void headerLine(int length) {
    if (line[0] == ' ' || line[0] == '\t') {
      fail(Failure.MALFORMED, "header line folded (obsolete, not accepted)");
      return;
    }
    int colon = 0;
    while (colon < length && line[colon] != ':') {
      byte b = line[colon];
      if (b == ' ' || b == '\t' || b < 0x21 || b == 0x7f) {
        fail(Failure.MALFORMED, "bad header line: " + quote(line, length));
        return;
      }
      colon++;
    }
    if (colon == 0 || colon == length) {
      fail(Failure.MALFORMED, "bad header line: " + quote(line, length));
      return;
    }
    int valueStart = colon + 1;
    int valueEnd = length;
    while (valueStart < valueEnd && isSpace(line[valueStart])) {
      valueStart++;
    }
    while (valueEnd > valueStart && isSpace(line[valueEnd - 1])) {
      valueEnd--;
    }
    if (nameIs(CONTENT_LENGTH, colon)) {
      contentLength(valueStart, valueEnd);
    } else if (nameIs(TRANSFER_ENCODING, colon)) {
      transferEncoding = true;
      // The final coding decides; several headers read as one list.
      chunked = lastTokenIs(CHUNKED, valueStart, valueEnd, chunked);
    } else if (nameIs(CONNECTION, colon)) {
      connectionTokens(valueStart, valueEnd);
    }
  }

  /** A decimal length, or a list of equal ones ({@code 5, 5}); differing lengths are malformed. */
  private void contentLength(int from, int to) {
    int i = from;
    while (i <= to) {
      int tokenEnd = i;
      while (tokenEnd < to && line[tokenEnd] != ',') {
        tokenEnd++;
      }
      int start = i;
      int end = tokenEnd;
      while (start < end && isSpace(line[start])) {
        start++;
      }
      while (end > start && isSpace(line[end - 1])) {
        end--;
      }
      if (start == end) {
        fail(Failure.MALFORMED, "bad Content-Length: " + quote(line, from, to));
        return;
      }
      long value = 0;
      for (int j = start; j < end; j++) {
        if (!isDigit(line[j])) {
          fail(Failure.MALFORMED, "bad Content-Length: " + quote(line, from, to));
          return;
        }
        // Saturates: anything past the cap is too large, whatever its exact value.
        value = Math.min(value * 10 + (line[j] - '0'), Long.MAX_VALUE / 16);
      }
      if (contentLength >= 0 && contentLength != value) {
        fail(Failure.MALFORMED, "Content-Length given twice, differently");
        return;
      }
      contentLength = value;
      i = tokenEnd + 1;
    }
  }

  private void connectionTokens(int from, int to) {
    int i = from;
    while (i < to) {
      int end = i;
      while (end < to && line[end] != ',') {
        end++;
      }
      int start = i;
      int stop = end;
      while (start < stop && isSpace(line[start])) {
        start++;
      }
      while (stop > start && isSpace(line[stop - 1])) {
        stop--;
      }
      if (equalsIgnoreCase(CLOSE, start, stop)) {
        connectionClose = true;
      } else if (equalsIgnoreCase(KEEP_ALIVE, start, stop)) {
        connectionKeepAlive = true;
      }
      i = end + 1;
    }
  }

  private boolean lastTokenIs(byte[] token, int from, int to, boolean ifEmpty) {
    int end = to;
    while (end > from && (isSpace(line[end - 1]) || line[end - 1] == ',')) {
      end--;
    }
    if (end == from) {
      return ifEmpty;
    }
    int start = end;
    while (start > from && line[start - 1] != ',') {
      start--;
    }
    while (start < end && isSpace(line[start])) {
      start++;
    }
    return equalsIgnoreCase(token, start, end);
  }

  private void endOfHead() {
    if (status != 200) {
      // The body of an error says nothing we use: the answer ends here.
      state = State.DONE;
      return;
    }
    if (transferEncoding) {
      if (chunked) {
        toLines(State.CHUNK_SIZE_LINE);
      } else {
        // A coding other than chunked last: the body ends at the close (RFC 9112, 6.3).
        state = State.BODY_UNTIL_CLOSE;
      }
      return;
    }
    if (contentLength >= 0) {
      if (contentLength > maxBodyBytes) {
        tooLarge();
        return;
      }
      ensureBody((int) contentLength);
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.BODY_LENGTH;
      return;
    }
    state = State.BODY_UNTIL_CLOSE;
  }

  /** {@code 1*HEXDIG [ ; extensions ]}; the size 0 starts the trailers. */
  private void chunkSizeLine(int length) {
    int end = 0;
    long size = 0;
    while (end < length && hex(line[end]) >= 0) {
      size = Math.min(size * 16 + hex(line[end]), Long.MAX_VALUE / 32);
      end++;
    }
    int rest = end;
    while (rest < length && isSpace(line[rest])) {
      rest++;
    }
    if (end == 0 || (rest < length && line[rest] != ';')) {
      fail(Failure.MALFORMED, "chunked body: bad chunk size line: " + quote(line, length));
      return;
    }
    if (size == 0) {
      toLines(State.TRAILER_LINE);
      return;
    }
    if (bodyLength + size > maxBodyBytes) {
      tooLarge();
      return;
    }
    ensureBody((int) (bodyLength + size));
    remaining = size;
    state = State.CHUNK_DATA;
  }

  private Progress tooLarge() {
    return fail(Failure.TOO_LARGE, "body over " + maxBodyBytes + " bytes");
  }

  private Progress fail(Failure why, String words) {
    state = State.FAILED;
    failure = why;
    reason = words;
    return Progress.FAILED;
  }

  private void append(byte[] data, int offset, int length) {
    ensureBody(bodyLength + length);
    System.arraycopy(data, offset, body, bodyLength, length);
    bodyLength += length;
  }

  private void ensureBody(int size) {
    if (body.length < size) {
      int grown = Math.max(size, Math.min(Math.max(body.length * 2, 1024), maxBodyBytes));
      body = Arrays.copyOf(body, grown);
    }
  }

  private boolean nameIs(byte[] lowerName, int nameLength) {
    return nameLength == lowerName.length && equalsIgnoreCase(lowerName, 0, nameLength);
  }

  private boolean equalsIgnoreCase(byte[] lower, int from, int to) {
    if (to - from != lower.length) {
      return false;
    }
    for (int i = 0; i < lower.length; i++) {
      byte b = line[from + i];
      if (b >= 'A' && b <= 'Z') {
        b = (byte) (b + ('a' - 'A'));
      }
      if (b != lower[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] bytes, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** A quoted piece of the answer: short, and printable ({@link PatroniParser#shorten}). */
  private static String quote(byte[] bytes, int length) {
    return quote(bytes, 0, length);
  }

  private static String quote(byte[] bytes, int from, int to) {
    int end = Math.min(to, from + 60);
    return PatroniParser.shorten(
        new String(bytes, from, end - from, java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
