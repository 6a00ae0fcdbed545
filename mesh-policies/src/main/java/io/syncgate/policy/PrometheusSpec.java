package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The Prometheus server the analysis checks query: {@code spec.analysis.prometheus}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "address",
  "timeout",
  "caSecret",
  "credentialsSecret",
  "bearerTokenSecret",
  "allowCredentialsOverHttp",
  "insecureSkipHostnameVerification"
})
@ValidationRule(
    value = "!has(self.credentialsSecret) || !has(self.bearerTokenSecret)",
    message = "credentialsSecret and bearerTokenSecret exclude each other: set at most one",
    fieldPath = ".bearerTokenSecret")
@ValidationRule(
    value =
        "!has(self.credentialsSecret) || !has(self.address) || !self.address.startsWith('http://')"
            + " || (has(self.allowCredentialsOverHttp) && self.allowCredentialsOverHttp)",
    message =
        "credentialsSecret over an http address sends the password in clear text: use https, or"
            + " allowCredentialsOverHttp: true to accept that",
    fieldPath = ".credentialsSecret")
@ValidationRule(
    value =
        "!has(self.bearerTokenSecret) || !has(self.address) || !self.address.startsWith('http://')"
            + " || (has(self.allowCredentialsOverHttp) && self.allowCredentialsOverHttp)",
    message =
        "bearerTokenSecret over an http address sends the token in clear text: use https, or"
            + " allowCredentialsOverHttp: true to accept that",
    fieldPath = ".bearerTokenSecret")
@ValidationRule(
    value =
        "!(has(self.insecureSkipHostnameVerification) && self.insecureSkipHostnameVerification)"
            + " || has(self.caSecret)",
    message =
        "insecureSkipHostnameVerification requires caSecret, the CA the certificate chain is"
            + " verified against",
    fieldPath = ".insecureSkipHostnameVerification")
public class PrometheusSpec {

  private static final String IPV4_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

  /**
   * An {@code http://} or {@code https://} URL: a host name (at most 127 labels of at most 63
   * characters, the last starting with a letter) or an IPv4 address, an optional port 1..65535 and
   * an optional path of URI path characters without percent escapes; no user info, query or
   * fragment. Every address it admits is one {@code java.net.URI} parses with that host. No
   * repetition of a group is unbounded, so Java's backtracking matcher does not recurse once per
   * character of a long address.
   */
  public static final String ADDRESS_PATTERN =
      "^https?://("
          + IPV4_OCTET
          + "(\\."
          + IPV4_OCTET
          + "){3}|([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\\.){0,126}"
          + "[A-Za-z]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)"
          + "(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
          + "(/[-A-Za-z0-9._~!$&'()*+,;=:@/]*)?$";

  public static final int MAX_ADDRESS_LENGTH = 2048;
  public static final String DEFAULT_TIMEOUT = "5s";
  public static final boolean DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP = false;
  public static final boolean DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION = false;

  @Required
  @Size(min = 1, max = MAX_ADDRESS_LENGTH)
  @Pattern(ADDRESS_PATTERN)
  @JsonPropertyDescription(
      "Base URL of the Prometheus HTTP API: http:// or https://, a host and optional port and"
          + " path, no user info, query or fragment, e.g."
          + " http://prometheus-k8s.monitoring.svc:9090.")
  private String address;

  @Default(DEFAULT_TIMEOUT)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = "duration(self) >= duration('100ms')",
      message = "timeout must be at least 100ms")
  @ValidationRule(
      value = "duration(self) <= duration('1m')",
      message = "timeout must be at most 1m")
  @JsonPropertyDescription("Timeout of one query (Go duration, 100ms..1m).")
  private String timeout = DEFAULT_TIMEOUT;

  @JsonPropertyDescription(
      "Optional Secret with key ca.crt: the CA bundle that signs Prometheus' certificate"
          + " (https).")
  private SecretRef caSecret;

  @JsonPropertyDescription(
      "Optional Secret with keys username and password for HTTP basic auth; needs an https"
          + " address unless allowCredentialsOverHttp is true.")
  private SecretRef credentialsSecret;

  @JsonPropertyDescription(
      "Optional Secret with key token, sent as a bearer token; not with credentialsSecret, and"
          + " needs an https address unless allowCredentialsOverHttp is true.")
  private SecretRef bearerTokenSecret;

  @Default("" + DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP)
  @JsonPropertyDescription(
      "Send credentialsSecret's password or bearerTokenSecret's token to an http address,"
          + " readable by anyone on the network path. Without it, either requires https.")
  private Boolean allowCredentialsOverHttp = DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP;

  @Default("" + DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION)
  @JsonPropertyDescription(
      "https only, and requires caSecret: accept a certificate that does not name the address's"
          + " host. The certificate chain is still verified against caSecret.")
  private Boolean insecureSkipHostnameVerification = DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION;

  public PrometheusSpec() {}

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getTimeout() {
    return timeout;
  }

  /** Sets the timeout; {@code null} means the default, as on the API server. */
  public void setTimeout(String timeout) {
    this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  public SecretRef getCaSecret() {
    return caSecret;
  }

  public void setCaSecret(SecretRef caSecret) {
    this.caSecret = caSecret;
  }

  public SecretRef getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(SecretRef credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }

  public SecretRef getBearerTokenSecret() {
    return bearerTokenSecret;
  }

  public void setBearerTokenSecret(SecretRef bearerTokenSecret) {
    this.bearerTokenSecret = bearerTokenSecret;
  }

  public Boolean getAllowCredentialsOverHttp() {
    return allowCredentialsOverHttp;
  }

  /** Sets the opt-in to credentials over http; {@code null} means the default, false. */
  public void setAllowCredentialsOverHttp(Boolean allowCredentialsOverHttp) {
    this.allowCredentialsOverHttp =
        allowCredentialsOverHttp == null
            ? DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP
            : allowCredentialsOverHttp;
  }

  public Boolean getInsecureSkipHostnameVerification() {
    return insecureSkipHostnameVerification;
  }

  public void setInsecureSkipHostnameVerification(Boolean insecureSkipHostnameVerification) {
    this.insecureSkipHostnameVerification =
        insecureSkipHostnameVerification == null
            ? DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION
            : insecureSkipHostnameVerification;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrometheusSpec other
        && Objects.equals(address, other.address)
        && Objects.equals(timeout, other.timeout)
        && Objects.equals(caSecret, other.caSecret)
        && Objects.equals(credentialsSecret, other.credentialsSecret)
        && Objects.equals(bearerTokenSecret, other.bearerTokenSecret)
        && Objects.equals(allowCredentialsOverHttp, other.allowCredentialsOverHttp)
        && Objects.equals(insecureSkipHostnameVerification, other.insecureSkipHostnameVerification);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        address,
        timeout,
        caSecret,
        credentialsSecret,
        bearerTokenSecret,
        allowCredentialsOverHttp,
        insecureSkipHostnameVerification);
  }

  @Override
  public String toString() {
    return "PrometheusSpec(address="
        + address
        + ", timeout="
        + timeout
        + ", caSecret="
        + caSecret
        + ", credentialsSecret="
        + credentialsSecret
        + ", bearerTokenSecret="
        + bearerTokenSecret
        + ", allowCredentialsOverHttp="
        + allowCredentialsOverHttp
        + ", insecureSkipHostnameVerification="
        + insecureSkipHostnameVerification
        + ")";
  }
}
