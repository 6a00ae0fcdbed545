package io.syncgate.controller.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server (the embedded API server), for the faults a dispatcher cannot
 * script: a server that is not there yet (connections refused), connections that drop (every watch
 * ends at once), and a partition (requests sent and never answered). It binds a loopback address of
 * the test's choosing and forwards byte for byte while {@link #accepting}; it starts refusing.
 *
 * <p>Runs on the Vert.x it is given (not the controller's, so its work never counts against the
 * controller's event loops). Every method may be called from the test thread.
 */
public final class TcpFaultProxy implements AutoCloseable {

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final NetClient upstream;

  /** Both sockets of each proxied connection. */
  private record Link(NetSocket client, NetSocket server) {
    void close() {
      client.close();
      server.close();
    }
  }

  private final Set<Link> links = ConcurrentHashMap.newKeySet();

  /** Links that saw bytes during a partition: answering them later would be a lie. */
  private final Set<Link> cut = ConcurrentHashMap.newKeySet();

  private final AtomicInteger dropped = new AtomicInteger();
  private volatile NetServer server;
  private volatile boolean partitioned;

  /**
   * A proxy for {@code targetHost:targetPort} on {@code host:port}, not yet accepting.
   *
   * @param host a loopback address
   */
  public TcpFaultProxy(Vertx vertx, String host, int port, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.upstream = vertx.createNetClient();
  }

  /** The URL clients use, {@code http://host:port/}. */
  public String url() {
    return "http://" + host + ":" + port + "/";
  }

  /** Starts accepting and forwarding; returns once bound. */
  public void accepting() {
    if (server != null) {
      return;
    }
    NetServer listening = vertx.createNetServer().connectHandler(this::proxy);
    server = Await.result(listening.listen(port, host), Duration.ofSeconds(10));
  }

  /** Stops listening (new connections are refused) and drops every open connection. */
  public void refusing() {
    NetServer listening = server;
    server = null;
    if (listening != null) {
      Await.result(listening.close(), Duration.ofSeconds(10));
    }
    dropConnections();
  }

  /**
   * Closes every open connection, as a restarted API server or a load balancer would: requests in
   * flight fail and every watch ends. Returns how many were closed.
   */
  public int dropConnections() {
    List<Link> open = List.copyOf(links);
    open.forEach(this::close);
    dropped.addAndGet(open.size());
    return open.size();
  }

  /**
   * Starts or ends a partition. While partitioned, connections are accepted and bytes are taken but
   * nothing is forwarded either way: requests hang until the client's timeout, watches go silent.
   * When it ends, connections that carried bytes during it are closed (a client would never get
   * their answers), the rest go on.
   */
  public void partitioned(boolean on) {
    partitioned = on;
    if (!on) {
      List<Link> broken = List.copyOf(cut);
      broken.forEach(this::close);
      cut.clear();
    }
  }

  /** How many connections {@link #dropConnections} closed so far. */
  public int dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    refusing();
    Await.result(upstream.close(), Duration.ofSeconds(10));
  }

  private void proxy(NetSocket client) {
    client.pause();
    Future<NetSocket> connected = upstream.connect(targetPort, targetHost);
    connected
        .onFailure(e -> client.close())
        .onSuccess(
            serverSide -> {
              Link link = new Link(client, serverSide);
              links.add(link);
              client.handler(bytes -> forward(link, bytes, serverSide));
              serverSide.handler(bytes -> forward(link, bytes, client));
              client.closeHandler(v -> close(link));
              serverSide.closeHandler(v -> close(link));
              client.exceptionHandler(e -> close(link));
              serverSide.exceptionHandler(e -> close(link));
              client.resume();
            });
  }

  private void forward(Link link, Buffer bytes, NetSocket to) {
    if (partitioned) {
      cut.add(link);
      return;
    }
    to.write(bytes);
  }

  private void close(Link link) {
    if (links.remove(link)) {
      cut.remove(link);
      link.close();
    }
  }
}
