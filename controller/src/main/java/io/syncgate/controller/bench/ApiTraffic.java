package io.syncgate.controller.bench;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the embedded API server was asked, as it happens: every request classified by kind and
 * stamped with {@link System#nanoTime()} at dispatch, with the body kept only for VirtualService
 * writes (the reaction latency is read from those) and Event writes (their reasons are counted).
 * Also learns which threads the server dispatches on, so their CPU time can be counted apart from
 * the controller's.
 *
 * <p>The server calls {@link #dispatched} on its own thread; the benchmark {@link #drain}s from its
 * own, so nothing piles up.
 */
final class ApiTraffic implements EmbeddedApiServer.RequestObserver {

  /** What a request did. */
  enum Kind {
    DESTINATION_RULE_WRITE,
    VIRTUAL_SERVICE_WRITE,
    STATUS_WRITE,
    EVENT_WRITE,
    OTHER_WRITE,
    READ,
    WATCH;

    boolean isWrite() {
      return this != READ && this != WATCH;
    }
  }

  /**
   * One request as the server dispatched it.
   *
   * @param nanos {@link System#nanoTime()} when the server had handled it
   * @param kind what it did
   * @param status the status answered
   * @param body the request body of a VirtualService or Event write, else null
   */
  record Request(long nanos, Kind kind, int status, byte[] body) {
    boolean succeeded() {
      return status >= 200 && status < 300;
    }
  }

  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final Set<Long> serverThreads = ConcurrentHashMap.newKeySet();
  private final LongAdder watches = new LongAdder();

  @Override
  public void dispatched(RecordedRequest request, byte[] body, int status) {
    serverThreads.add(Thread.currentThread().getId());
    Kind kind = classify(request.getMethod(), request.getPath());
    if (kind == Kind.WATCH) {
      watches.increment();
    }
    queue.add(
        new Request(
            System.nanoTime(),
            kind,
            status,
            kind == Kind.VIRTUAL_SERVICE_WRITE || kind == Kind.EVENT_WRITE ? body : null));
  }

  /** The ids of the threads the server has dispatched on so far. */
  Set<Long> serverThreads() {
    return serverThreads;
  }

  /** Watch requests seen so far (each opens a watch). */
  long watches() {
    return watches.sum();
  }

  /** Every request recorded since the last call, oldest first. */
  List<Request> drain() {
    List<Request> out = new ArrayList<>();
    Request next;
    while ((next = queue.poll()) != null) {
      out.add(next);
    }
    return out;
  }

  /** The kind of a request, from its method and path (query included). */
  static Kind classify(String method, String pathAndQuery) {
    int query = pathAndQuery.indexOf('?');
    String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    if ("GET".equals(method)) {
      boolean watch = query >= 0 && pathAndQuery.substring(query).contains("watch=true");
      return watch ? Kind.WATCH : Kind.READ;
    }
    if (path.contains("/replicagates/") && path.endsWith("/status")) {
      return Kind.STATUS_WRITE;
    }
    if (path.contains("/destinationrules")) {
      return Kind.DESTINATION_RULE_WRITE;
    }
    if (path.contains("/virtualservices")) {
      return Kind.VIRTUAL_SERVICE_WRITE;
    }
    if (path.endsWith("/events") || path.contains("/events/")) {
      return Kind.EVENT_WRITE;
    }
    return Kind.OTHER_WRITE;
  }
}
