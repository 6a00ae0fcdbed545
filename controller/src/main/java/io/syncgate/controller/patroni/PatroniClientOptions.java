package io.syncgate.controller.patroni;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How one gate talks to Patroni, from its {@code spec.patroni}.
 *
 * <p>{@code verifyHostname} is on by default: the server certificate must name the address polled.
 * Patroni's REST certificates often name the pod's DNS name or the service, not the pod IP that
 * Syncgate connects to; for those, turning it off still checks the chain against {@code caPem} but
 * not the name. Keep it on whenever the certificates carry the pod IP as a subject alternative
 * name.
 *
 * @param timeout the whole request, connect to last byte ({@code spec.patroni.timeout})
 * @param maxBodyBytes answers longer than this are cut while reading and reported
 * @param credentials HTTP basic auth from {@code spec.patroni.credentialsSecret}, or null
 * @param caPem PEM CA bundle from {@code spec.patroni.caSecret} ({@code ca.crt}), or null for the
 *     JVM's trust store
 * @param verifyHostname check that the certificate names the host connected to
 * @param keepAlive keep a member's connection for the next tick where the server allows it (Patroni
 *     3.0 closes after every answer; the next poll then simply opens a new one)
 */
public record PatroniClientOptions(
    Duration timeout,
    int maxBodyBytes,
    Credentials credentials,
    byte[] caPem,
    boolean verifyHostname,
    boolean keepAlive) {

  /** The default size cap: a real {@code /patroni} answer is well under 2 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** The default of {@code spec.patroni.timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  public PatroniClientOptions {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1ms, not " + timeout);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, not " + maxBodyBytes);
    }
    caPem = caPem == null ? null : caPem.clone();
  }

  /** Defaults: 2 s, 64 KiB, no credentials, JVM trust store, hostname checked, keep-alive. */
  public static PatroniClientOptions defaults() {
    return new PatroniClientOptions(
        DEFAULT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, null, null, true, true);
  }

  public PatroniClientOptions withTimeout(Duration newTimeout) {
    return new PatroniClientOptions(
        newTimeout, maxBodyBytes, credentials, caPem, verifyHostname, keepAlive);
  }

  public PatroniClientOptions withMaxBodyBytes(int newMaxBodyBytes) {
    return new PatroniClientOptions(
        timeout, newMaxBodyBytes, credentials, caPem, verifyHostname, keepAlive);
  }

  public PatroniClientOptions withCredentials(Credentials newCredentials) {
    return new PatroniClientOptions(
        timeout, maxBodyBytes, newCredentials, caPem, verifyHostname, keepAlive);
  }

  public PatroniClientOptions withCaPem(byte[] newCaPem) {
    return new PatroniClientOptions(
        timeout, maxBodyBytes, credentials, newCaPem, verifyHostname, keepAlive);
  }

  public PatroniClientOptions withVerifyHostname(boolean verify) {
    return new PatroniClientOptions(timeout, maxBodyBytes, credentials, caPem, verify, keepAlive);
  }

  public PatroniClientOptions withKeepAlive(boolean newKeepAlive) {
    return new PatroniClientOptions(
        timeout, maxBodyBytes, credentials, caPem, verifyHostname, newKeepAlive);
  }

  @Override
  public byte[] caPem() {
    return caPem == null ? null : caPem.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PatroniClientOptions o
        && timeout.equals(o.timeout)
        && maxBodyBytes == o.maxBodyBytes
        && Objects.equals(credentials, o.credentials)
        && Arrays.equals(caPem, o.caPem)
        && verifyHostname == o.verifyHostname
        && keepAlive == o.keepAlive;
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeout, maxBodyBytes, credentials, Arrays.hashCode(caPem), verifyHostname)
            * 31
        + Boolean.hashCode(keepAlive);
  }

  @Override
  public String toString() {
    return "PatroniClientOptions[timeout="
        + timeout
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", credentials="
        + credentials
        + ", ca="
        + (caPem == null ? "JVM trust store" : caPem.length + " bytes of PEM")
        + ", verifyHostname="
        + verifyHostname
        + ", keepAlive="
        + keepAlive
        + "]";
  }

  /** Basic-auth credentials. {@link #toString()} never shows the password. */
  public record Credentials(String username, String password) {
    public Credentials {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=(hidden)]";
    }
  }
}
