package io.syncgate.controller.analysis;

import io.syncgate.policy.gating.SafeText;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How a gate's analysis asks Prometheus: where, how long it may take, how to trust it and how to
 * prove who is asking. Immutable; {@link #toString()} never shows the bearer token or password.
 *
 * <p>Credentials (a bearer token or basic auth) are refused over plain {@code http} unless {@code
 * allowCredentialsOverHttp} says to send them in clear text anyway, as {@code
 * spec.patroni.allowCredentialsOverHttp} does for Patroni. {@code verifyHostname} is on by default:
 * the server certificate must name the host in {@code address}.
 *
 * @param address the Prometheus base URL, {@code http(s)://host[:port][/path-prefix]}; queries go
 *     to {@code <address>/api/v1/query}. No user info (credentials go in {@code basic}), no query,
 *     no fragment.
 * @param timeout the whole query, connect to last byte; also sent to Prometheus as its query
 *     timeout
 * @param caPem PEM CA bundle to trust for {@code https}, or null for the JVM's trust store
 * @param bearerToken sent as {@code Authorization: Bearer ...}, or null
 * @param basic HTTP basic auth, or null; at most one of {@code bearerToken} and {@code basic}
 * @param verifyHostname check that the certificate names the host connected to
 * @param maxBodyBytes answers longer than this are cut while reading and fail
 * @param allowCredentialsOverHttp send credentials over plain {@code http} all the same
 */
public record PrometheusOptions(
    URI address,
    Duration timeout,
    byte[] caPem,
    String bearerToken,
    Credentials basic,
    boolean verifyHostname,
    int maxBodyBytes,
    boolean allowCredentialsOverHttp) {

  /** The default timeout of one query. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The default body cap: an answer of one series is well under 1 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  public PrometheusOptions {
    Objects.requireNonNull(address, "address");
    String scheme = address.getScheme() == null ? "" : address.getScheme().toLowerCase(Locale.ROOT);
    if (!address.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException(
          "the Prometheus address must be an http or https URL, not " + shown(address));
    }
    if (address.getHost() == null || address.getRawAuthority() == null) {
      throw new IllegalArgumentException(
          "the Prometheus address needs a host, as in http://prometheus:9090, not "
              + shown(address));
    }
    if (address.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the Prometheus address must not carry credentials: give them as basic auth");
    }
    if (address.getRawQuery() != null || address.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "the Prometheus address must not have a query or fragment: " + shown(address));
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1ms, not " + timeout);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, not " + maxBodyBytes);
    }
    if (bearerToken != null) {
      if (bearerToken.isBlank() || !headerSafe(bearerToken)) {
        throw new IllegalArgumentException(
            "the bearer token must be non-blank printable ASCII (no spaces, no line breaks)");
      }
      if (basic != null) {
        throw new IllegalArgumentException(
            "give a bearer token or basic credentials for Prometheus, not both");
      }
    }
    if ((bearerToken != null || basic != null)
        && scheme.equals("http")
        && !allowCredentialsOverHttp) {
      throw new IllegalArgumentException(
          "credentials for Prometheus would be sent in clear text over http: use an https"
              + " address, or allowCredentialsOverHttp to accept that");
    }
    caPem = caPem == null ? null : caPem.clone();
  }

  /**
   * {@code address} with the defaults: 5 s timeout, JVM trust store, no credentials, hostname
   * checked, 256 KiB body cap, no credentials over http.
   */
  public static PrometheusOptions of(URI address) {
    return new PrometheusOptions(
        address, DEFAULT_TIMEOUT, null, null, null, true, DEFAULT_MAX_BODY_BYTES, false);
  }

  /** Like {@link #of(URI)} for an address given as text. */
  public static PrometheusOptions of(String address) {
    return of(URI.create(address));
  }

  public PrometheusOptions withTimeout(Duration newTimeout) {
    return new PrometheusOptions(
        address,
        newTimeout,
        caPem,
        bearerToken,
        basic,
        verifyHostname,
        maxBodyBytes,
        allowCredentialsOverHttp);
  }

  public PrometheusOptions withCaPem(byte[] newCaPem) {
    return new PrometheusOptions(
        address,
        timeout,
        newCaPem,
        bearerToken,
        basic,
        verifyHostname,
        maxBodyBytes,
        allowCredentialsOverHttp);
  }

  public PrometheusOptions withBearerToken(String newBearerToken) {
    return new PrometheusOptions(
        address,
        timeout,
        caPem,
        newBearerToken,
        basic,
        verifyHostname,
        maxBodyBytes,
        allowCredentialsOverHttp);
  }

  public PrometheusOptions withBasic(Credentials newBasic) {
    return new PrometheusOptions(
        address,
        timeout,
        caPem,
        bearerToken,
        newBasic,
        verifyHostname,
        maxBodyBytes,
        allowCredentialsOverHttp);
  }

  public PrometheusOptions withVerifyHostname(boolean verify) {
    return new PrometheusOptions(
        address,
        timeout,
        caPem,
        bearerToken,
        basic,
        verify,
        maxBodyBytes,
        allowCredentialsOverHttp);
  }

  public PrometheusOptions withMaxBodyBytes(int newMaxBodyBytes) {
    return new PrometheusOptions(
        address,
        timeout,
        caPem,
        bearerToken,
        basic,
        verifyHostname,
        newMaxBodyBytes,
        allowCredentialsOverHttp);
  }

  public PrometheusOptions withAllowCredentialsOverHttp(boolean allow) {
    return new PrometheusOptions(
        address, timeout, caPem, bearerToken, basic, verifyHostname, maxBodyBytes, allow);
  }

  /** Whether queries go over TLS. */
  public boolean tls() {
    return address.getScheme().equalsIgnoreCase("https");
  }

  @Override
  public byte[] caPem() {
    return caPem == null ? null : caPem.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PrometheusOptions o
        && address.equals(o.address)
        && timeout.equals(o.timeout)
        && Arrays.equals(caPem, o.caPem)
        && Objects.equals(bearerToken, o.bearerToken)
        && Objects.equals(basic, o.basic)
        && verifyHostname == o.verifyHostname
        && maxBodyBytes == o.maxBodyBytes
        && allowCredentialsOverHttp == o.allowCredentialsOverHttp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        address,
        timeout,
        Arrays.hashCode(caPem),
        bearerToken,
        basic,
        verifyHostname,
        maxBodyBytes,
        allowCredentialsOverHttp);
  }

  @Override
  public String toString() {
    return "PrometheusOptions[address="
        + shown(address)
        + ", timeout="
        + timeout
        + ", ca="
        + (caPem == null ? "JVM trust store" : caPem.length + " bytes of PEM")
        + ", bearerToken="
        + (bearerToken == null ? "none" : "(hidden)")
        + ", basic="
        + basic
        + ", verifyHostname="
        + verifyHostname
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", allowCredentialsOverHttp="
        + allowCredentialsOverHttp
        + "]";
  }

  /** An address as messages show it: never its user info, printable and bounded. */
  private static String shown(URI address) {
    String text =
        address.getRawUserInfo() == null
            ? address.toString()
            : address.toString().replace(address.getRawUserInfo() + "@", "(hidden)@");
    return SafeText.of(text, 200);
  }

  private static boolean headerSafe(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * HTTP basic-auth credentials. {@link #toString()} never shows the password. The username may not
   * hold a colon (basic auth could not tell where it ends) nor line breaks.
   */
  public record Credentials(String username, String password) {
    public Credentials {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("a basic-auth username cannot hold ':'");
      }
    }

    @Override
    public String toString() {
      return "Credentials[username=" + SafeText.field(username) + ", password=(hidden)]";
    }
  }
}
