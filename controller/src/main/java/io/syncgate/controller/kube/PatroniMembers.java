package io.syncgate.controller.kube;

import io.syncgate.controller.patroni.FailureLog;
import io.syncgate.controller.patroni.PatroniClient;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.controller.patroni.PatroniPoller;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gate's members through Patroni's REST API: the credentials and CA from the Secrets the spec
 * names (read again every {@link #SECRET_REFRESH}, so rotated credentials are picked up), one
 * {@link PatroniClient} for them, and a {@link PatroniPoller} on one of the poll contexts. Call on
 * the controller's context.
 */
final class PatroniMembers implements MemberPoller {

  /** How often the Patroni Secrets are read again. */
  static final Duration SECRET_REFRESH = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(PatroniMembers.class);

  private final GateKey key;
  private final Vertx vertx;
  private final Context context;
  private final SecretReader secrets;
  private final PollLoops pollLoops;

  private PatroniClient client;
  private PatroniPoller poller;
  private GateSettings.PatroniSettings preparedFor;
  private Instant secretsReadAt;

  PatroniMembers(
      GateKey key, Vertx vertx, Context context, SecretReader secrets, PollLoops pollLoops) {
    this.key = key;
    this.vertx = vertx;
    this.context = context;
    this.secrets = secrets;
    this.pollLoops = pollLoops;
  }

  @Override
  public Future<Void> prepare(GateSettings.PatroniSettings settings, Instant now) {
    boolean namesSecrets = settings.credentialsSecret() != null || settings.caSecret() != null;
    boolean fresh =
        poller != null
            && settings.equals(preparedFor)
            && (!namesSecrets || secretsReadAt.plus(SECRET_REFRESH).isAfter(now));
    if (fresh) {
      return Future.succeededFuture();
    }
    return onContext(secrets.options(key.namespace(), settings))
        .transform(
            ar -> {
              if (ar.succeeded()) {
                use(ar.result());
                preparedFor = settings;
                secretsReadAt = now;
                return Future.succeededFuture();
              }
              if (poller != null) {
                LOG.warn("{}: cannot re-read Patroni Secrets: {}", key, ar.cause().getMessage());
                return Future.succeededFuture();
              }
              return Future.failedFuture(new PatroniUnavailable(ar.cause().getMessage()));
            });
  }

  @Override
  public Future<ClusterSnapshot> poll(List<PatroniEndpoint> endpoints, Instant now) {
    return poller.pollAll(endpoints, now);
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
      poller = null;
    }
  }

  private void use(PatroniClientOptions options) {
    if (client != null && client.options().equals(options)) {
      return;
    }
    close();
    client = new PatroniClient(vertx, options);
    poller =
        new PatroniPoller(
            vertx,
            client,
            new FailureLog(key.toString()),
            PatroniPoller.DEFAULT_MARGIN,
            pollLoops.next());
  }

  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
