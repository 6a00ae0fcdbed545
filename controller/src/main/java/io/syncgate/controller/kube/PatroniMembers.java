package io.syncgate.controller.kube;

import io.syncgate.controller.patroni.FailureLog;
import io.syncgate.controller.patroni.PatroniClient;
import io.syncgate.controller.patroni.PatroniClientOptions;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.controller.patroni.PatroniPoller;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.SafeText;
import io.vertx.core.Context;
import io.vertx.core.Future;
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
 *
 * <p>A read of the Secrets that fails is not tried again at every tick (ten a second at the
 * shortest {@code pollInterval}): the next read waits {@link #FIRST_RETRY}, doubled after every
 * further failure up to {@link #SECRET_REFRESH}, and a success or a change of the Patroni settings
 * starts over. Meanwhile the last failure stands: without a client read before, every tick reports
 * {@link PatroniUnavailable} with its message. A failure is logged once, and again only when its
 * message changes.
 */
final class PatroniMembers implements MemberPoller {

  /** How often the Patroni Secrets are read again. */
  static final Duration SECRET_REFRESH = Duration.ofMinutes(1);

  /** How long after a failed read of the Secrets the first retry waits. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  /** Exception messages come from the API server: untrusted, and bound for logs and conditions. */
  private static final int MAX_FAILURE_CHARS = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PatroniMembers.class);

  /** Reads the Patroni client options of a gate, its Secrets included ({@link SecretReader}). */
  interface OptionsSource {
    Future<PatroniClientOptions> options(String namespace, GateSettings.PatroniSettings settings);
  }

  /**
   * The last read of the Secrets, which failed.
   *
   * @param settings the settings it was for; other settings are read at once
   * @param message why, as logged and reported
   * @param backoff how long it waits before the next read
   * @param retryAt when the next read may be made
   */
  private record Failure(
      GateSettings.PatroniSettings settings, String message, Duration backoff, Instant retryAt) {}

  private final GateKey key;
  private final Vertx vertx;
  private final Context context;
  private final OptionsSource secrets;
  private final PollLoops pollLoops;

  private PatroniClient client;
  private PatroniPoller poller;
  private GateSettings.PatroniSettings preparedFor;
  private Instant secretsReadAt;

  /** Null after a successful read. */
  private Failure failure;

  PatroniMembers(
      GateKey key, Vertx vertx, Context context, OptionsSource secrets, PollLoops pollLoops) {
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
    if (failure != null && failure.settings().equals(settings) && now.isBefore(failure.retryAt())) {
      return keepOrFail(failure.message());
    }
    return OnContext.of(context, secrets.options(key.namespace(), settings))
        .transform(
            ar -> {
              if (ar.succeeded()) {
                use(ar.result());
                preparedFor = settings;
                secretsReadAt = now;
                if (failure != null) {
                  LOG.info("{}: Patroni Secrets read again", key);
                  failure = null;
                }
                return Future.succeededFuture();
              }
              String message = describe(ar.cause());
              failed(settings, message, now);
              return keepOrFail(message);
            });
  }

  /** A failed read keeps the client of the last good one; without one, Patroni is unavailable. */
  private Future<Void> keepOrFail(String message) {
    return poller != null
        ? Future.succeededFuture()
        : Future.failedFuture(new PatroniUnavailable(message));
  }

  private void failed(GateSettings.PatroniSettings settings, String message, Instant now) {
    boolean again = failure != null && failure.settings().equals(settings);
    Duration backoff = again ? min(failure.backoff().multipliedBy(2), SECRET_REFRESH) : FIRST_RETRY;
    boolean newMessage = failure == null || !failure.message().equals(message);
    failure = new Failure(settings, message, backoff, now.plus(backoff));
    if (newMessage) {
      LOG.warn(
          "{}: cannot read Patroni Secrets{}: {} (read again in {}, then less often, up to every {})",
          key,
          poller != null ? ", keeping the credentials read before" : "",
          message,
          HumanFormat.duration(backoff),
          HumanFormat.duration(SECRET_REFRESH));
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    return SafeText.of(message, MAX_FAILURE_CHARS);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
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
}
