package io.syncgate.policy.gating;

/** Why a member's sample is not usable. The metric label {@code reason} uses {@link #label()}. */
public enum SampleFailure {
  /** Connection refused, reset, DNS/route failure. */
  UNREACHABLE("unreachable"),
  /** No complete answer within {@code spec.patroni.timeout}. */
  TIMEOUT("timeout"),
  /** 401 or 403: credentials missing or wrong. */
  UNAUTHORIZED("unauthorized"),
  /** Any other non-200 status. */
  HTTP_STATUS("http_status"),
  /** Not JSON, JSON of the wrong shape, missing or invalid fields. */
  BAD_ANSWER("bad_answer"),
  /** Body larger than the size cap. */
  TOO_LARGE("too_large"),
  /** TLS handshake or certificate verification failed. */
  TLS("tls"),
  /** The member has no address yet (pod without podIP) or the poll could not be started. */
  NOT_POLLED("not_polled");

  private final String label;

  SampleFailure(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
