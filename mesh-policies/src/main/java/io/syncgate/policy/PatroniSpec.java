package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** How to reach Patroni's REST API on each member pod: {@code spec.patroni}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "port",
  "scheme",
  "timeout",
  "credentialsSecret",
  "allowCredentialsOverHttp",
  "caSecret",
  "insecureSkipHostnameVerification"
})
@ValidationRule(
    value =
        "!has(self.credentialsSecret) || (has(self.scheme) ? self.scheme : '"
            + PatroniSpec.DEFAULT_SCHEME
            + "') != 'http'"
            + " || (has(self.allowCredentialsOverHttp) && self.allowCredentialsOverHttp)",
    message =
        "credentialsSecret over http sends Patroni's password in clear text: set scheme https,"
            + " or allowCredentialsOverHttp: true to accept that",
    fieldPath = ".credentialsSecret")
@ValidationRule(
    value =
        "!(has(self.insecureSkipHostnameVerification) && self.insecureSkipHostnameVerification)"
            + " || has(self.caSecret)",
    message =
        "insecureSkipHostnameVerification requires caSecret, the CA the certificate chain is"
            + " verified against",
    fieldPath = ".insecureSkipHostnameVerification")
public class PatroniSpec {

  public static final int DEFAULT_PORT = 8008;
  public static final String DEFAULT_SCHEME = "http";
  public static final String DEFAULT_TIMEOUT = "2s";
  public static final boolean DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP = false;
  public static final boolean DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION = false;

  @Default("" + DEFAULT_PORT)
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Patroni REST port on each pod.")
  private Integer port = DEFAULT_PORT;

  @Default(DEFAULT_SCHEME)
  @SchemaFrom(type = PatroniScheme.class)
  @JsonPropertyDescription("http or https.")
  private String scheme = DEFAULT_SCHEME;

  @Default(DEFAULT_TIMEOUT)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = "duration(self) > duration('0s')",
      message = "timeout must be greater than 0s")
  @JsonPropertyDescription("Timeout of one GET /patroni (Go duration, e.g. 2s).")
  private String timeout = DEFAULT_TIMEOUT;

  @JsonPropertyDescription(
      "Optional Secret with keys username and password for Patroni's basic auth; needs scheme"
          + " https unless allowCredentialsOverHttp is true.")
  private SecretRef credentialsSecret;

  @Default("" + DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP)
  @JsonPropertyDescription(
      "Send credentialsSecret's username and password over plain http, readable by anyone on the"
          + " network path. Without it, credentialsSecret requires scheme https.")
  private Boolean allowCredentialsOverHttp = DEFAULT_ALLOW_CREDENTIALS_OVER_HTTP;

  @JsonPropertyDescription(
      "Optional Secret with key ca.crt: the CA bundle that signs Patroni's"
          + " certificates (https).")
  private SecretRef caSecret;

  @Default("" + DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION)
  @JsonPropertyDescription(
      "https only, and requires caSecret: accept a certificate that does not name the pod IP the"
          + " controller connects to (Patroni certificates usually name DNS names, members are"
          + " reached by pod IP). The certificate chain is still verified against caSecret.")
  private Boolean insecureSkipHostnameVerification = DEFAULT_INSECURE_SKIP_HOSTNAME_VERIFICATION;

  public PatroniSpec() {}

  public Integer getPort() {
    return port;
  }

  /** Sets the port; {@code null} means the default, as on the API server. */
  public void setPort(Integer port) {
    this.port = port == null ? DEFAULT_PORT : port;
  }

  public String getScheme() {
    return scheme;
  }

  public void setScheme(String scheme) {
    this.scheme = scheme == null ? DEFAULT_SCHEME : scheme;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  public SecretRef getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(SecretRef credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
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

  public SecretRef getCaSecret() {
    return caSecret;
  }

  public void setCaSecret(SecretRef caSecret) {
    this.caSecret = caSecret;
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
    return o instanceof PatroniSpec other
        && Objects.equals(port, other.port)
        && Objects.equals(scheme, other.scheme)
        && Objects.equals(timeout, other.timeout)
        && Objects.equals(credentialsSecret, other.credentialsSecret)
        && Objects.equals(allowCredentialsOverHttp, other.allowCredentialsOverHttp)
        && Objects.equals(caSecret, other.caSecret)
        && Objects.equals(insecureSkipHostnameVerification, other.insecureSkipHostnameVerification);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        port,
        scheme,
        timeout,
        credentialsSecret,
        allowCredentialsOverHttp,
        caSecret,
        insecureSkipHostnameVerification);
  }

  @Override
  public String toString() {
    return "PatroniSpec(port="
        + port
        + ", scheme="
        + scheme
        + ", timeout="
        + timeout
        + ", credentialsSecret="
        + credentialsSecret
        + ", allowCredentialsOverHttp="
        + allowCredentialsOverHttp
        + ", caSecret="
        + caSecret
        + ", insecureSkipHostnameVerification="
        + insecureSkipHostnameVerification
        + ")";
  }
}
