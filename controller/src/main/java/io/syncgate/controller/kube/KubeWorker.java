package io.syncgate.controller.kube;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The named, bounded worker pool on which every blocking fabric8 call runs. Callers get a Vert.x
 * {@link Future} completed back on their own context, so controller state never leaves it.
 *
 * <p>Each writer wraps its own blocking call here, at the lowest layer; nothing above composes
 * blocking code into a lambda.
 */
public final class KubeWorker implements AutoCloseable {

  /** The pool's name, as it appears in thread names and Vert.x metrics. */
  public static final String POOL_NAME = "syncgate-kube";

  /**
   * The pool of status and event writes, apart so that a backlog of them (a slow API server, many
   * gates) never delays a mesh write behind it.
   */
  public static final String STATUS_POOL_NAME = "syncgate-kube-status";

  public static final int DEFAULT_POOL_SIZE = 4;

  private final WorkerExecutor executor;

  public KubeWorker(Vertx vertx, int poolSize) {
    this(vertx, poolSize, POOL_NAME);
  }

  public KubeWorker(Vertx vertx, int poolSize, String poolName) {
    this.executor = vertx.createSharedWorkerExecutor(poolName, poolSize);
  }

  /**
   * Runs {@code blocking} on the pool, unordered (independent calls do not wait for each other).
   */
  public <T> Future<T> call(Callable<T> blocking) {
    return executor.executeBlocking(blocking, false);
  }

  @Override
  public void close() {
    executor.close();
  }
}
