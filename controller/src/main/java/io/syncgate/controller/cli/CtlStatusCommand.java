package io.syncgate.controller.cli;

import io.syncgate.controller.ctl.ApiErrors;
import io.syncgate.controller.ctl.CtlException;
import io.syncgate.controller.ctl.CtlSession;
import io.syncgate.controller.ctl.GateView;
import io.syncgate.controller.ctl.GateWatch;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code syncgate ctl status GATE}: one gate in full, once or on every change. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = SyncgateVersion.class,
    description = {
      "Show a ReplicaGate: each replica's phase, weight, ramp step, lag, what it waits for and"
          + " since when; the leader, the Ready and Degraded conditions, the rollout, the last"
          + " actions and the requests not answered yet."
    })
final class CtlStatusCommand extends CtlSubcommand {

  /** How Ctrl-C waits for a watch to shut down. */
  static final long SHUTDOWN_SECONDS = 5;

  /** What {@code --output} prints. */
  enum Output {
    TEXT,
    JSON
  }

  @Parameters(index = "0", paramLabel = "GATE", description = "The ReplicaGate's name.")
  String gate;

  @Option(
      names = {"-w", "--watch"},
      description =
          "Print it again on every change of the gate (a watch, not polling), until" + " Ctrl-C.")
  boolean watch;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = OutputConverter.class,
      description =
          "text, or json: the gate's status; with --watch one object per line, on every change"
              + " of the status (default: ${DEFAULT-VALUE}).")
  Output output;

  /** Completes to end a {@code --watch}; a field so a test can stop one. */
  CompletableFuture<Void> stop = new CompletableFuture<>();

  @Override
  int run(CtlSession session) throws InterruptedException {
    ReplicaGate found = gate(session, gate);
    if (!watch) {
      if (output == Output.JSON) {
        out().println(GateView.statusJson(found, true));
      } else {
        GateView.status(found, clock.instant()).forEach(out()::println);
      }
      out().flush();
      return CtlCommand.OK;
    }
    return watch(session);
  }

  private int watch(CtlSession session) throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C ends the watch cleanly: the hook stops it and waits until it is closed.
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
            "syncgate-ctl-watch-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (GateWatch events = GateWatch.start(session.client(), session.namespace(), gate)) {
      stop.whenComplete((v, e) -> events.stop());
      Renderings renderings = new Renderings(session.namespace() + "/" + gate);
      while (true) {
        GateWatch.Event event = events.next();
        if (event instanceof GateWatch.Stopped) {
          return CtlCommand.OK;
        } else if (event instanceof GateWatch.Failed failed) {
          throw new CtlException(
              "the watch of "
                  + session.namespace()
                  + "/"
                  + gate
                  + " failed: "
                  + ApiErrors.describe(failed.cause(), session.server()));
        } else if (event instanceof GateWatch.Deleted) {
          err()
              .printf(
                  Locale.ROOT,
                  "replicagate %s/%s was deleted; watching for it to come back%n",
                  session.namespace(),
                  gate);
          err().flush();
          renderings.forget();
        } else if (event instanceof GateWatch.Changed changed) {
          renderings.changed(changed.gate());
        }
      }
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down (Ctrl-C): the hook is running and has just been released.
      }
    }
  }

  /**
   * What {@code --watch} prints on each change: the text view again when it differs from the last
   * one printed (under a line naming the gate and the time), or the status as one JSON line when
   * the status differs from the last one printed.
   */
  private final class Renderings {
    private final String title;
    private List<String> lastText;
    private ReplicaGateStatus lastStatus;
    private boolean printedText;
    private boolean fresh = true;

    Renderings(String title) {
      this.title = title;
    }

    void changed(ReplicaGate gate) {
      if (output == Output.JSON) {
        if (fresh || !Objects.equals(gate.getStatus(), lastStatus)) {
          out().println(GateView.statusJson(gate, false));
          lastStatus = gate.getStatus();
        }
      } else {
        Instant now = clock.instant();
        List<String> text = GateView.status(gate, now);
        if (!text.equals(lastText)) {
          if (printedText) {
            out().println();
          }
          out()
              .printf(
                  Locale.ROOT, "--- %s at %s ---%n", title, now.truncatedTo(ChronoUnit.SECONDS));
          text.forEach(out()::println);
          lastText = text;
          printedText = true;
        }
      }
      fresh = false;
      out().flush();
    }

    /** After a deletion: whatever comes next is printed. */
    void forget() {
      lastText = null;
      fresh = true;
    }
  }

  /** {@code text} or {@code json}, in any case. */
  static final class OutputConverter implements ITypeConverter<Output> {
    @Override
    public Output convert(String value) {
      for (Output o : Output.values()) {
        if (o.name().equalsIgnoreCase(value)) {
          return o;
        }
      }
      throw new CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
    }
  }
}
