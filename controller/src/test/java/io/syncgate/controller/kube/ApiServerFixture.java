package io.syncgate.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.BlockedThreadWatch;
import io.syncgate.controller.testing.StrictVertxFixture;
import io.vertx.core.Vertx;

/**
 * What a test of one API reader or writer needs: the embedded API server, a Vert.x with the strict
 * blocked-thread checker, a client of the server on it as the controller builds one, and a {@link
 * KubeWorker} pool.
 *
 * <p>A test registers it with {@code @RegisterExtension final ApiServerFixture kube = new
 * ApiServerFixture();} and builds the object under test from {@link #client()} and {@link
 * #worker()} in a field declared after it. After each test it closes everything and then fails the
 * test if the checker complained during it ({@link StrictVertxFixture}).
 */
final class ApiServerFixture extends StrictVertxFixture {

  private static final int WORKERS = 2;

  private final EmbeddedApiServer api = EmbeddedApiServer.start();
  private final Vertx vertx = Vertx.vertx(BlockedThreadWatch.strictOptions());
  private final KubernetesClient client = api.clientOn(vertx);
  private final KubeWorker worker = new KubeWorker(vertx, WORKERS);

  ApiServerFixture() {
    // As the controller does before its first request: fabric8 deserializes on the event loop.
    WarmUp.run(client, vertx);
  }

  EmbeddedApiServer api() {
    return api;
  }

  Vertx vertx() {
    return vertx;
  }

  KubernetesClient client() {
    return client;
  }

  KubeWorker worker() {
    return worker;
  }

  @Override
  public void close() {
    worker.close();
    client.close();
    Await.result(vertx.close());
    api.close();
  }
}
