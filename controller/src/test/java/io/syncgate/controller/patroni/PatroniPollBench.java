package io.syncgate.controller.patroni;

import static io.syncgate.controller.patroni.LoopbackPatroni.HOST;
import static io.syncgate.controller.patroni.LoopbackPatroni.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.netty.util.concurrent.EventExecutor;
import io.syncgate.policy.gating.ClusterSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark, not a test: polls N simulated Patroni members on loopback tick after tick (each tick
 * starts when the previous one ends) and prints polls per second and CPU per 1,000 polls.
 *
 * <p>Two modes: {@code http10-close} (a raw server answering like Patroni 3.0.2: HTTP/1.0, no
 * length, close, so every poll is a new TCP connection) and {@code keep-alive} (HTTP/1.1, pooled
 * connections). The simulator runs in this process on its own Vert.x; CPU is split by thread:
 * "client" is the polling Vert.x's event loops (the controller's cost), "simulator" is the
 * servers', "process" is everything including JIT and GC.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -pl controller -am \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
 * java -cp controller/target/test-classes:controller/target/classes:$(cat controller/target/bench.cp) \
 *     io.syncgate.controller.patroni.PatroniPollBench 100,1000 10
 * </pre>
 *
 * Arguments: member counts (comma-separated, default {@code 100,1000}), measured seconds per run
 * (default 10; a 3 s warm-up precedes each).
 */
public final class PatroniPollBench {

  private static final Duration WARM_UP = Duration.ofSeconds(3);

  private PatroniPollBench() {}

  public static void main(String[] args) throws Exception {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    List<Integer> sizes = new ArrayList<>();
    for (String size : (args.length > 0 ? args[0] : "100,1000").split(",")) {
      sizes.add(Integer.parseInt(size.strip()));
    }
    Duration measured = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
    System.out.printf(
        "%-12s %8s %8s %10s %12s %12s %12s %8s%n",
        "mode",
        "members",
        "ticks",
        "polls/s",
        "client ms/1k",
        "sim ms/1k",
        "process ms/1k",
        "failed");
    for (int members : sizes) {
      for (boolean keepAlive : new boolean[] {false, true}) {
        run(members, keepAlive, measured);
      }
    }
  }

  private static void run(int members, boolean keepAlive, Duration measured) throws Exception {
    Vertx simulatorVertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    Set<Long> simulatorThreads = eventLoopThreads(simulatorVertx);
    Set<Long> clientThreads = eventLoopThreads(clientVertx);
    List<AutoCloseable> servers = new ArrayList<>();
    List<PatroniEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      String name = i == 0 ? "leader" : "replica-caught-up";
      int port;
      if (keepAlive) {
        HttpServer server =
            LoopbackPatroni.keepAlive(
                simulatorVertx,
                Buffer.buffer(Fixtures.bytes("3.0.2/" + name + ".json")),
                new AtomicInteger());
        servers.add(() -> await(server.close()));
        port = server.actualPort();
      } else {
        LoopbackPatroni.RawServer server = LoopbackPatroni.recorded302(simulatorVertx, name);
        servers.add(server);
        port = server.port();
      }
      endpoints.add(PatroniEndpoint.http(String.format("pg-%04d", i), HOST, port));
    }
    PatroniClient client =
        new PatroniClient(
            clientVertx,
            PatroniClientOptions.defaults()
                .withTimeout(Duration.ofSeconds(2))
                .withKeepAlive(keepAlive));
    PatroniPoller poller = new PatroniPoller(clientVertx, client, new FailureLog("bench"));
    try {
      tickFor(poller, endpoints, WARM_UP);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long clientCpu0 = cpu(threads, clientThreads);
      long simulatorCpu0 = cpu(threads, simulatorThreads);
      long processCpu0 = os.getProcessCpuTime();
      long start = System.nanoTime();
      long[] result = tickFor(poller, endpoints, measured);
      double seconds = (System.nanoTime() - start) / 1e9;
      long ticks = result[0];
      long polls = ticks * members;
      double perThousand = 1000.0 / polls / 1e6;
      System.out.printf(
          "%-12s %8d %8d %10.0f %12.1f %12.1f %12.1f %8d%n",
          keepAlive ? "keep-alive" : "http10-close",
          members,
          ticks,
          polls / seconds,
          (cpu(threads, clientThreads) - clientCpu0) * perThousand,
          (cpu(threads, simulatorThreads) - simulatorCpu0) * perThousand,
          (os.getProcessCpuTime() - processCpu0) * perThousand,
          result[1]);
    } finally {
      client.close();
      for (AutoCloseable server : servers) {
        server.close();
      }
      await(clientVertx.close());
      await(simulatorVertx.close());
    }
  }

  /** Ticks back to back for {@code duration}; returns {ticks, failed samples}. */
  private static long[] tickFor(
      PatroniPoller poller, List<PatroniEndpoint> endpoints, Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    long ticks = 0;
    long failed = 0;
    while (System.nanoTime() < end) {
      ClusterSnapshot snapshot = await(poller.pollAll(endpoints, Instant.now()));
      failed += snapshot.samples().values().stream().filter(s -> !s.usable()).count();
      ticks++;
    }
    return new long[] {ticks, failed};
  }

  private static Set<Long> eventLoopThreads(Vertx vertx) throws Exception {
    Set<Long> ids = ConcurrentHashMap.newKeySet();
    for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
      executor.submit(() -> ids.add(Thread.currentThread().getId())).get();
    }
    return ids;
  }

  private static long cpu(ThreadMXBean threads, Set<Long> ids) {
    long total = 0;
    for (long id : ids) {
      long time = threads.getThreadCpuTime(id);
      if (time > 0) {
        total += time;
      }
    }
    return total;
  }
}
