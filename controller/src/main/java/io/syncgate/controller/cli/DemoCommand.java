package io.syncgate.controller.cli;

import io.syncgate.controller.demo.DemoRun;
import io.syncgate.controller.demo.DemoSettings;
import io.syncgate.policy.ByteQuantity;
import io.syncgate.policy.GoDuration;
import io.syncgate.policy.gating.HumanFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncgate demo}: the controller of {@code syncgate run} against an in-process Kubernetes
 * API server and a simulated Patroni cluster on loopback. The seed story: a replica restored from
 * an old backup is "ready" by Patroni's {@code /readiness} from the start; the demo shows it held
 * at weight 0 until it has replayed its backlog, then ramped in. Exits 0 once it serves. The
 * rollout story ({@code --scenario rollout}): three replicas join and enter one at a time, and the
 * demo, as the operator, holds, resumes and promotes them; exits 0 once all serve.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the embedded demo: Patroni simulator + in-process API server",
      "",
      "A leader under write load, caught-up replicas, and a replica restored from an old"
          + " backup that starts far behind. Patroni's /readiness calls it ready at once;"
          + " syncgate keeps it at weight 0 until it has replayed its backlog, then ramps it in."
          + " Exits 0 once it serves (exit 1 if not within --timeout).",
      "",
      "--scenario rollout: the cluster scales out by three replicas restored from backups"
          + " (from 3 to 6 members by default), which enter the read route one at a time, as"
          + " the gate's ramp.maxRamping is 1. The demo, as the operator, holds one while it"
          + " ramps, resumes it and promotes another, asking the way kubectl syncgate asks:"
          + " with a request annotation on the gate. Exits 0 once all three serve (exit 1 if"
          + " not within --timeout, or if two ever ramped at once).",
      ""
    })
public final class DemoCommand implements Callable<Integer> {

  /** Exit status when interrupted before the new replica served (128 + SIGINT). */
  static final int STOPPED = 130;

  /** How long Ctrl-C waits for the demo to shut down. */
  static final long SHUTDOWN_SECONDS = 20;

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      paramLabel = "STORY",
      defaultValue = "seed",
      converter = ScenarioConverter.class,
      description =
          "seed: one replica restored from an old backup catches up and ramps in; rollout:"
              + " three join and take turns, held, resumed and promoted by the operator"
              + " (default: ${DEFAULT-VALUE}).")
  DemoSettings.Scenario scenario;

  @Option(
      names = "--replicas",
      paramLabel = "N",
      defaultValue = "2",
      description = "Caught-up replicas next to the new one (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(
      names = "--backlog",
      paramLabel = "SIZE",
      defaultValue = "5Gi",
      converter = SizeConverter.class,
      description =
          "How far behind the new replica starts; in the rollout the three new ones start a"
              + " quarter, half and three quarters of it behind (default: ${DEFAULT-VALUE}).")
  long backlog;

  @Option(
      names = "--catch-up-rate",
      paramLabel = "SIZE",
      defaultValue = "250Mi",
      converter = SizeConverter.class,
      description = "WAL the new replica replays per second (default: ${DEFAULT-VALUE}).")
  long catchUpRate;

  @Option(
      names = "--write-rate",
      paramLabel = "SIZE",
      defaultValue = "2Mi",
      converter = SizeConverter.class,
      description = "WAL the leader writes per second (default: ${DEFAULT-VALUE}).")
  long writeRate;

  @Option(
      names = "--max-lag",
      paramLabel = "SIZE",
      defaultValue = "1Mi",
      description = "The gate's admission.maxLag (default: ${DEFAULT-VALUE}).")
  String maxLag;

  @Option(
      names = "--stable-for",
      paramLabel = "DURATION",
      defaultValue = "3s",
      description = "The gate's admission.stableFor (default: ${DEFAULT-VALUE}).")
  String stableFor;

  @Option(
      names = "--steps",
      paramLabel = "PERCENT",
      split = ",",
      defaultValue = "10,25,50,100",
      description = "The gate's ramp.steps, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> steps = new ArrayList<>();

  @Option(
      names = "--step-interval",
      paramLabel = "DURATION",
      defaultValue = "3s",
      description = "The gate's ramp.stepInterval (default: ${DEFAULT-VALUE}).")
  String stepInterval;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      description = "The gate's pollInterval (default: ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(
      names = "--table-interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "How often the table of all replicas is printed; the rollout prints it at the end"
              + " (default: ${DEFAULT-VALUE}).")
  Duration tableInterval;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "2m",
      converter = DurationConverter.class,
      description =
          "Fail (exit 1) if the new replica (the rollout: all three) does not serve within"
              + " this (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--follow", description = "Keep running once the story has ended, until Ctrl-C.")
  boolean follow;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = OutputConverter.class,
      description =
          "text, or json: one JSON object per line and event (default: ${DEFAULT-VALUE}).")
  DemoSettings.Output output;

  @Option(
      names = "--patroni-version",
      paramLabel = "VERSION",
      defaultValue = "3.0.2",
      converter = PatroniVersionConverter.class,
      description =
          "3.0.2 (Debian 12's) or 4.1: the simulated members answer /readiness as that release"
              + " does; 4.1's answers 503 while a replica is more than maximum_lag_on_failover"
              + " (1 MiB) behind (default: ${DEFAULT-VALUE}).")
  DemoSettings.PatroniVersion patroniVersion;

  @Option(
      names = "--emit-dir",
      paramLabel = "DIR",
      description =
          "Write the gate and the final DestinationRule and VirtualService as YAML into DIR.")
  Path emitDir;

  /** Completes to stop the demo; a field so a test can stop a {@code --follow} run. */
  CompletableFuture<Void> stop = new CompletableFuture<>();

  @Override
  public Integer call() {
    DemoSettings settings = settings();
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("\n", problems));
    }
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C stops the demo cleanly: the hook stops it and waits until it has shut down.
    Thread hook =
        new Thread(
            () -> {
              stop.complete(null);
              try {
                finished.await(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "syncgate-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DemoRun run = new DemoRun(settings, spec.commandLine().getOut(), stop);
      DemoRun.Outcome outcome = run.run();
      return switch (outcome) {
        case SERVING -> 0;
        case TIMED_OUT -> {
          if (scenario == DemoSettings.Scenario.ROLLOUT && run.timedOut() != null) {
            spec.commandLine()
                .getErr()
                .println(
                    "syncgate demo: "
                        + run.timedOut().message()
                        + "; raise --timeout or --catch-up-rate");
          } else {
            spec.commandLine()
                .getErr()
                .printf(
                    Locale.ROOT,
                    "syncgate demo: %s did not serve within %s; raise --timeout or"
                        + " --catch-up-rate%n",
                    settings.joinerName(),
                    HumanFormat.duration(timeout));
          }
          yield 1;
        }
        case BROKEN -> {
          spec.commandLine().getErr().println("syncgate demo: " + run.broken());
          yield 1;
        }
        case STOPPED -> STOPPED;
      };
    } catch (DemoRun.DemoFailure e) {
      spec.commandLine().getErr().println("syncgate demo: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // Not a failure the demo foresaw: say so, with the trace, and fail.
      spec.commandLine().getErr().println("syncgate demo: failed: " + e);
      e.printStackTrace(spec.commandLine().getErr());
      return 1;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down (Ctrl-C): the hook is running and has just been released.
      }
    }
  }

  /** The settings from the options. */
  DemoSettings settings() {
    return new DemoSettings(
        scenario,
        replicas,
        backlog,
        catchUpRate,
        writeRate,
        maxLag,
        stableFor,
        steps,
        stepInterval,
        pollInterval,
        tableInterval,
        timeout,
        follow,
        output,
        emitDir,
        patroniVersion);
  }

  /** A size as a Kubernetes quantity: {@code 5Gi}, {@code 250Mi}, {@code 0}. */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return ByteQuantity.parse(value);
    }
  }

  /** A Go-style duration: {@code 500ms}, {@code 5s}, {@code 2m}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return GoDuration.parse(value);
    }
  }

  /** {@code seed} or {@code rollout}, in any case. */
  static final class ScenarioConverter implements ITypeConverter<DemoSettings.Scenario> {
    @Override
    public DemoSettings.Scenario convert(String value) {
      for (DemoSettings.Scenario s : DemoSettings.Scenario.values()) {
        if (s.word().equalsIgnoreCase(value)) {
          return s;
        }
      }
      throw new CommandLine.TypeConversionException(
          "expected seed or rollout, got '" + value + "'");
    }
  }

  /** {@code 3.0.2} or {@code 4.1}. */
  static final class PatroniVersionConverter
      implements ITypeConverter<DemoSettings.PatroniVersion> {
    @Override
    public DemoSettings.PatroniVersion convert(String value) {
      for (DemoSettings.PatroniVersion v : DemoSettings.PatroniVersion.values()) {
        if (v.word().equals(value)) {
          return v;
        }
      }
      throw new CommandLine.TypeConversionException("expected 3.0.2 or 4.1, got '" + value + "'");
    }
  }

  /** {@code text} or {@code json}, in any case. */
  static final class OutputConverter implements ITypeConverter<DemoSettings.Output> {
    @Override
    public DemoSettings.Output convert(String value) {
      for (DemoSettings.Output o : DemoSettings.Output.values()) {
        if (o.name().equalsIgnoreCase(value)) {
          return o;
        }
      }
      throw new CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
    }
  }
}
