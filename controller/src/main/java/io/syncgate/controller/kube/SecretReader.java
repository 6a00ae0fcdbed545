package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.analysis.PrometheusOptions;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.patroni.PatroniClientOptions.Credentials;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the Secrets a gate names for Patroni: basic-auth credentials ({@code username}, {@code
 * password}) and a CA bundle ({@code ca.crt}). Values never reach a log line or a message.
 */
public final class SecretReader {

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String CA = "ca.crt";

  private final KubernetesClient client;
  private final KubeWorker worker;

  public SecretReader(KubernetesClient client, KubeWorker worker) {
    this.client = client;
    this.worker = worker;
  }

  /** The Patroni client options of a gate, with its Secrets read. */
  public Future<PatroniClientOptions> options(
      String namespace, GateSettings.PatroniSettings settings) {
    PatroniClientOptions base =
        PatroniClientOptions.defaults()
            .withTimeout(settings.timeout())
            .withVerifyHostname(settings.verifyHostname());
    if (settings.credentialsSecret() == null && settings.caSecret() == null) {
      return Future.succeededFuture(base);
    }
    return worker.call(() -> withSecrets(base, namespace, settings));
  }

  // Runs on the worker pool.
  private PatroniClientOptions withSecrets(
      PatroniClientOptions base, String namespace, GateSettings.PatroniSettings settings) {
    PatroniClientOptions options = base;
    if (settings.credentialsSecret() != null) {
      Map<String, byte[]> data = read(namespace, settings.credentialsSecret());
      options =
          options.withCredentials(
              new Credentials(
                  text(data, USERNAME, namespace, settings.credentialsSecret()),
                  text(data, PASSWORD, namespace, settings.credentialsSecret())));
    }
    if (settings.caSecret() != null) {
      Map<String, byte[]> data = read(namespace, settings.caSecret());
      options = options.withCaPem(bytes(data, CA, namespace, settings.caSecret()));
    }
    return options;
  }

  /** Key of a bearer token in its Secret. */
  public static final String TOKEN = "token";

  /** The Prometheus client options of a gate's analysis, with its Secrets read. */
  public Future<PrometheusOptions> prometheusOptions(
      String namespace, GateSettings.AnalysisSettings settings) {
    PrometheusOptions base =
        PrometheusOptions.of(settings.address())
            .withTimeout(settings.timeout())
            .withVerifyHostname(settings.verifyHostname())
            .withAllowCredentialsOverHttp(settings.allowCredentialsOverHttp());
    if (settings.caSecret() == null
        && settings.credentialsSecret() == null
        && settings.bearerTokenSecret() == null) {
      return Future.succeededFuture(base);
    }
    return worker.call(
        () -> {
          PrometheusOptions options = base;
          if (settings.credentialsSecret() != null) {
            String name = settings.credentialsSecret().getName();
            Map<String, byte[]> data = read(namespace, name);
            options =
                options.withBasic(
                    new PrometheusOptions.Credentials(
                        text(data, USERNAME, namespace, name),
                        text(data, PASSWORD, namespace, name)));
          }
          if (settings.bearerTokenSecret() != null) {
            String name = settings.bearerTokenSecret().getName();
            options = options.withBearerToken(text(read(namespace, name), TOKEN, namespace, name));
          }
          if (settings.caSecret() != null) {
            String name = settings.caSecret().getName();
            options = options.withCaPem(bytes(read(namespace, name), CA, namespace, name));
          }
          return options;
        });
  }

  private Map<String, byte[]> read(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("Secret " + namespace + "/" + name + " not found");
    }
    return decode(secret);
  }

  /** The Secret's values: {@code data} base64-decoded, {@code stringData} as UTF-8. */
  static Map<String, byte[]> decode(Secret secret) {
    Map<String, byte[]> out = new java.util.HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> out.put(k, Base64.getMimeDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static String text(Map<String, byte[]> data, String key, String ns, String name) {
    return new String(bytes(data, key, ns, name), StandardCharsets.UTF_8).strip();
  }

  private static byte[] bytes(Map<String, byte[]> data, String key, String ns, String name) {
    byte[] value = data.get(key);
    if (value == null || value.length == 0) {
      throw new IllegalStateException("Secret " + ns + "/" + name + " has no key " + key);
    }
    return value;
  }
}
