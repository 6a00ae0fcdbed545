package io.syncgate.controller.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncgate.controller.kube.ControllerConfig;
import io.syncgate.controller.kube.KubeClients;
import io.syncgate.controller.kube.SyncgateController;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller under benchmark in a process of its own, so that its whole-process CPU time (GC,
 * JIT, informers, status writes included) and its open files are its own, apart from the fleet
 * simulator and the API server of the benchmark. {@link ControllerChild} starts it and talks to it
 * over stdin and stdout, one command and one JSON line at a time:
 *
 * <ul>
 *   <li>at start it deploys the real {@link SyncgateController} against the API server at {@code
 *       args[0]}, watching namespace {@code args[1]}, and answers {@code {"ready":true}} once its
 *       informers have synced;
 *   <li>{@code mark} starts a measuring window: tick durations and poll errors count from here;
 *   <li>{@code report} answers the window's tick durations, poll errors, stale-read counters, the
 *       heap after a full GC, RSS and the most open files seen;
 *   <li>{@code stop} (or the end of stdin) shuts the controller down and exits.
 * </ul>
 */
public final class ControllerProcess {

  /** The command that starts a measuring window. */
  static final String MARK = "mark";

  /** The command that answers the window's figures. */
  static final String REPORT = "report";

  /** The command that stops the process. */
  static final String STOP = "stop";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ControllerProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ControllerProcess <api-server-url> <namespace>");
      System.exit(2);
    }
    JsonLineProcess.Answers answers = JsonLineProcess.Answers.take();
    String namespace = args[1];
    Vertx vertx = Vertx.vertx();
    TickTimes registry = new TickTimes();
    SyncgateMetrics metrics = new SyncgateMetrics(registry);
    KubernetesClient client =
        KubeClients.create(vertx, new ConfigBuilder().withMasterUrl(args[0]).build());
    ControllerConfig config =
        ControllerConfig.defaults(namespace, "syncgate-bench")
            .withNamespaces(List.of(namespace))
            .withLeaderElection(false, namespace, ControllerConfig.DEFAULT_LEASE_NAME);
    SyncgateController controller =
        await(
            SyncgateController.deploy(vertx, client, config, metrics, Clock.systemUTC()),
            Duration.ofSeconds(60));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!controller.synced() && System.nanoTime() < deadline) {
      Thread.sleep(50); // the benchmark's own main thread, polling a flag; no event loop
    }
    OpenFiles openFiles = new OpenFiles();
    openFiles.start();
    answers.answer(JSON.createObjectNode().put("ready", controller.synced()));

    double errorsAtMark = 0;
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command;
    while ((command = commands.readLine()) != null && !command.equals(STOP)) {
      if (command.equals(MARK)) {
        registry.ticks().clear();
        errorsAtMark = metrics.pollErrors();
        answers.answer(JSON.createObjectNode().put("marked", true));
      } else if (command.equals(REPORT)) {
        answers.answer(report(registry, metrics, namespace, errorsAtMark, openFiles.most()));
      } else {
        answers.answer(JSON.createObjectNode().put("error", "unknown command"));
      }
    }
    openFiles.interrupt();
    try {
      await(controller.shutdown(), Duration.ofSeconds(30));
    } finally {
      client.close();
      await(vertx.close(), Duration.ofSeconds(30));
    }
    System.exit(0);
  }

  private static ObjectNode report(
      TickTimes registry,
      SyncgateMetrics metrics,
      String namespace,
      double errorsAtMark,
      long openFiles) {
    Latencies.Summary ticks = registry.ticks().summary();
    ObjectNode out = JSON.createObjectNode();
    out.put("ticks", ticks.count());
    out.put("tickP50Millis", ticks.p50Millis());
    out.put("tickP99Millis", ticks.p99Millis());
    out.put("tickMaxMillis", ticks.maxMillis());
    out.put("pollErrors", metrics.pollErrors() - errorsAtMark);
    // Summed over the compiler threads: how much of the process's CPU still goes to the JIT.
    out.put("jitMillis", ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
    ObjectNode stale = out.putObject("staleReads");
    for (Map.Entry<String, Double> e :
        metrics.staleReadExposurePercentSeconds(namespace).entrySet()) {
      stale.put(e.getKey(), e.getValue());
    }
    System.gc();
    System.gc();
    out.put(
        "heapAfterGcMiB",
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0));
    out.put("rssMiB", ProcessStats.rssMib(ProcessHandle.current().pid()));
    out.put("maxOpenFiles", openFiles);
    return out;
  }

  private static <T> T await(Future<T> future, Duration limit) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Samples the process's open files once a second and keeps the most seen. */
  private static final class OpenFiles extends Thread {
    private volatile long most;

    OpenFiles() {
      super("syncgate-bench-open-files");
      setDaemon(true);
    }

    long most() {
      return Math.max(most, ProcessStats.openFiles());
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        most = Math.max(most, ProcessStats.openFiles());
        try {
          Thread.sleep(1000); // a sampling period, not a wait for anything
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
