package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Patroni client options from a gate's Secrets; values never appear in messages. */
class SecretReaderIT {

  @RegisterExtension final ApiServerFixture kube = new ApiServerFixture();

  private final EmbeddedApiServer api = kube.api();
  private final SecretReader secrets = new SecretReader(kube.client(), kube.worker());

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static GateSettings.PatroniSettings settings(String credentials, String ca) {
    return new GateSettings.PatroniSettings(
        "https", 8008, Duration.ofSeconds(2), credentials, ca, false);
  }

  @Test
  void credentialsAndCaComeFromTheNamedSecrets() {
    api.admin()
        .secrets()
        .inNamespace("db")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("auth")
                .endMetadata()
                .addToData("username", b64("patroni"))
                .addToData("password", b64("s3cret\n"))
                .build())
        .create();
    api.admin()
        .secrets()
        .inNamespace("db")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("ca")
                .endMetadata()
                .addToStringData("ca.crt", "-----BEGIN CERTIFICATE-----\n")
                .build())
        .create();

    PatroniClientOptions options = Await.result(secrets.options("db", settings("auth", "ca")));

    assertThat(options.credentials())
        .isEqualTo(new PatroniClientOptions.Credentials("patroni", "s3cret"));
    assertThat(new String(options.caPem(), StandardCharsets.UTF_8))
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.verifyHostname()).isFalse();
    assertThat(options.toString()).doesNotContain("s3cret");
  }

  @Test
  void withoutSecretsNothingIsRead() {
    int before = api.requests().size();

    PatroniClientOptions options = Await.result(secrets.options("db", settings(null, null)));

    assertThat(options.credentials()).isNull();
    assertThat(options.caPem()).isNull();
    assertThat(api.requests()).hasSize(before);
  }

  @Test
  void aMissingSecretOrKeyIsAClearFailure() {
    assertThat(Await.failure(secrets.options("db", settings("absent", null))))
        .hasMessage("Secret db/absent not found");
    api.admin()
        .secrets()
        .inNamespace("db")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("half")
                .endMetadata()
                .addToData("username", b64("patroni"))
                .build())
        .create();
    assertThat(Await.failure(secrets.options("db", settings("half", null))))
        .hasMessage("Secret db/half has no key password");
  }
}
