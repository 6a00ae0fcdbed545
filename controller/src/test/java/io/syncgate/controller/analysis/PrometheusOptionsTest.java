package io.syncgate.controller.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgate.controller.analysis.PrometheusOptions.Credentials;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusOptionsTest {

  private static final URI HTTPS = URI.create("https://prometheus.monitoring:9090");
  private static final URI HTTP = URI.create("http://prometheus.monitoring:9090");

  @Test
  void defaults() {
    PrometheusOptions options = PrometheusOptions.of(HTTP);
    assertThat(options)
        .isEqualTo(
            new PrometheusOptions(
                HTTP, Duration.ofSeconds(5), null, null, null, true, 256 * 1024, false));
    assertThat(options.tls()).isFalse();
    assertThat(PrometheusOptions.of("https://p:9090").tls()).isTrue();
  }

  @Test
  void toStringNeverShowsSecrets() {
    PrometheusOptions bearer = PrometheusOptions.of(HTTPS).withBearerToken("s3cr3t-token");
    assertThat(bearer.toString())
        .doesNotContain("s3cr3t-token")
        .contains("bearerToken=(hidden)")
        .contains("address=https://prometheus.monitoring:9090");
    PrometheusOptions basic =
        PrometheusOptions.of(HTTPS)
            .withBasic(new Credentials("grafana", "pa55word"))
            .withCaPem("-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII));
    assertThat(basic.toString())
        .doesNotContain("pa55word")
        .contains("basic=Credentials[username=grafana, password=(hidden)]")
        .contains("ca=27 bytes of PEM");
    assertThat(new Credentials("grafana", "pa55word").toString()).doesNotContain("pa55word");
    assertThat(PrometheusOptions.of(HTTPS).toString())
        .contains("bearerToken=none")
        .contains("basic=null")
        .contains("ca=JVM trust store");
  }

  @Test
  void credentialsOverPlainHttpNeedTheOptIn() {
    String refusal =
        "credentials for Prometheus would be sent in clear text over http: use an https"
            + " address, or allowCredentialsOverHttp to accept that";
    assertThatThrownBy(() -> PrometheusOptions.of(HTTP).withBearerToken("t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(refusal);
    assertThatThrownBy(() -> PrometheusOptions.of(HTTP).withBasic(new Credentials("u", "p")))
        .hasMessage(refusal);
    assertThat(PrometheusOptions.of(HTTP).withAllowCredentialsOverHttp(true).withBearerToken("t"))
        .extracting(PrometheusOptions::bearerToken)
        .isEqualTo("t");
    assertThat(PrometheusOptions.of(HTTPS).withBasic(new Credentials("u", "p")).basic())
        .isEqualTo(new Credentials("u", "p"));
    // Turning the opt-in off again with credentials set is refused, not ignored.
    PrometheusOptions allowed =
        PrometheusOptions.of(HTTP).withAllowCredentialsOverHttp(true).withBearerToken("t");
    assertThatThrownBy(() -> allowed.withAllowCredentialsOverHttp(false)).hasMessage(refusal);
  }

  @Test
  void oneKindOfCredentialsAtATime() {
    assertThatThrownBy(
            () ->
                PrometheusOptions.of(HTTPS)
                    .withBasic(new Credentials("u", "p"))
                    .withBearerToken("t"))
        .hasMessage("give a bearer token or basic credentials for Prometheus, not both");
  }

  @Test
  void aBearerTokenMustBeOneHeaderSafeWord() {
    for (String bad : new String[] {"", " ", "a b", "tok\r\nX-Evil: 1", "tök"}) {
      assertThatThrownBy(() -> PrometheusOptions.of(HTTPS).withBearerToken(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "the bearer token must be non-blank printable ASCII (no spaces, no line breaks)")
          .message()
          .doesNotContain(bad.isBlank() ? "\u0000" : bad);
    }
  }

  @Test
  void aUsernameCannotHoldAColon() {
    assertThatThrownBy(() -> new Credentials("a:b", "p"))
        .hasMessage("a basic-auth username cannot hold ':'");
    assertThat(new Credentials("a", "p:w:d").password()).isEqualTo("p:w:d");
  }

  @Test
  void theAddressMustBeAPlainHttpOrHttpsBaseUrl() {
    assertThatThrownBy(() -> PrometheusOptions.of("prometheus:9090"))
        .hasMessageStartingWith("the Prometheus address must be an http or https URL");
    assertThatThrownBy(() -> PrometheusOptions.of("ftp://p:21"))
        .hasMessageStartingWith("the Prometheus address must be an http or https URL");
    assertThatThrownBy(() -> PrometheusOptions.of("/api/v1"))
        .hasMessageStartingWith("the Prometheus address must be an http or https URL");
    assertThatThrownBy(() -> PrometheusOptions.of("http:///x"))
        .hasMessageStartingWith("the Prometheus address needs a host");
    assertThatThrownBy(() -> PrometheusOptions.of("https://admin:hunter2@p:9090"))
        .hasMessage("the Prometheus address must not carry credentials: give them as basic auth");
    assertThatThrownBy(() -> PrometheusOptions.of("http://p:9090/?x=1"))
        .hasMessageStartingWith("the Prometheus address must not have a query or fragment");
    assertThatThrownBy(() -> PrometheusOptions.of("http://p:9090/#f"))
        .hasMessageStartingWith("the Prometheus address must not have a query or fragment");
    assertThat(PrometheusOptions.of("HTTPS://p/prometheus/").tls()).isTrue();
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> PrometheusOptions.of(HTTP).withTimeout(Duration.ZERO))
        .hasMessage("timeout must be at least 1ms, not PT0S");
    assertThatThrownBy(() -> PrometheusOptions.of(HTTP).withTimeout(Duration.ofNanos(999_999)))
        .hasMessageStartingWith("timeout must be at least 1ms");
    assertThatThrownBy(() -> PrometheusOptions.of(HTTP).withMaxBodyBytes(0))
        .hasMessage("maxBodyBytes must be positive, not 0");
    assertThatThrownBy(() -> PrometheusOptions.of(HTTP).withTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theCaBundleIsCopiedInAndOut() {
    byte[] pem = "PEM".getBytes(StandardCharsets.US_ASCII);
    PrometheusOptions options = PrometheusOptions.of(HTTPS).withCaPem(pem);
    pem[0] = 'X';
    assertThat(options.caPem()).isEqualTo("PEM".getBytes(StandardCharsets.US_ASCII));
    options.caPem()[0] = 'Y';
    assertThat(options.caPem()).isEqualTo("PEM".getBytes(StandardCharsets.US_ASCII));
    assertThat(options)
        .isEqualTo(PrometheusOptions.of(HTTPS).withCaPem("PEM".getBytes(StandardCharsets.US_ASCII)))
        .hasSameHashCodeAs(
            PrometheusOptions.of(HTTPS).withCaPem("PEM".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void everyWitherChangesItsOwnFieldOnly() {
    PrometheusOptions base = PrometheusOptions.of(HTTPS);
    assertThat(base.withTimeout(Duration.ofSeconds(2)).timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(base.withVerifyHostname(false).verifyHostname()).isFalse();
    assertThat(base.withMaxBodyBytes(10).maxBodyBytes()).isEqualTo(10);
    assertThat(base.withVerifyHostname(false).withVerifyHostname(true)).isEqualTo(base);
    assertThat(base.withBearerToken("t").withBearerToken(null)).isEqualTo(base);
  }

  @Test
  void theRequestUriEncodesTheQueryAndKeepsAPathPrefix() {
    assertThat(
            PrometheusClient.requestUri(
                PrometheusOptions.of("http://p:9090/prom/"), "m{pod=\"hippo-2\"} > 0.5 & x"))
        .isEqualTo("/prom/api/v1/query?query=m%7Bpod%3D%22hippo-2%22%7D+%3E+0.5+%26+x&timeout=5");
    assertThat(
            PrometheusClient.requestUri(
                PrometheusOptions.of("http://p:9090").withTimeout(Duration.ofMillis(1500)), "up"))
        .isEqualTo("/api/v1/query?query=up&timeout=1.5");
  }

  @Test
  void prometheusTimeoutsAreDecimalSeconds() {
    assertThat(PrometheusClient.seconds(5000)).isEqualTo("5");
    assertThat(PrometheusClient.seconds(250)).isEqualTo("0.25");
    assertThat(PrometheusClient.seconds(1)).isEqualTo("0.001");
    assertThat(PrometheusClient.seconds(61_500)).isEqualTo("61.5");
  }
}
