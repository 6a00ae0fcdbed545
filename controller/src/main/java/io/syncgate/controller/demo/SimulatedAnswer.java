package io.syncgate.controller.demo;

/**
 * One answer of a simulated Patroni REST API, before framing.
 *
 * <p>A {@code bare} answer is a status line and nothing else, as Patroni writes for {@code
 * /readiness} and {@code /liveness}. Otherwise it carries Python's {@code Server} and a {@code
 * Date} header, the content type and the body.
 */
record SimulatedAnswer(int status, String contentType, byte[] body) {

  static SimulatedAnswer bare(int status) {
    return new SimulatedAnswer(status, null, null);
  }

  static SimulatedAnswer json(int status, byte[] body) {
    return new SimulatedAnswer(status, "application/json", body);
  }

  boolean isBare() {
    return contentType == null;
  }
}
