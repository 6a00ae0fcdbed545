package io.syncgate.controller.cli;

import io.syncgate.controller.ctl.CtlException;
import io.syncgate.controller.ctl.CtlSession;
import io.syncgate.controller.ctl.GateRequests;
import io.syncgate.controller.ctl.RequestIds;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.SafeText;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code syncgate ctl hold|resume|promote|abort|approve GATE REPLICA}: asks the controller for one
 * action on one replica and, unless {@code --no-wait}, waits for its answer.
 *
 * <p>The request is an annotation added by a JSON merge patch ({@link GateRequests}); the exit
 * status says what the controller answered: 0 applied, 3 refused, 4 no answer in time (the request
 * stays pending), 1 an error before that.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = SyncgateVersion.class,
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the controller applied it (or --no-wait: the request was sent)",
      "1:an error: no such gate or replica, the kubeconfig, the API server",
      "2:a usage error",
      "3:the controller refused it; its message says why",
      "4:no answer within --timeout; the request stays pending"
    })
abstract class CtlActionCommand extends CtlSubcommand {

  private final ActionVerb verb;

  @Parameters(index = "0", paramLabel = "GATE", description = "The ReplicaGate's name.")
  String gate;

  @Parameters(
      index = "1",
      paramLabel = "REPLICA",
      description = "The replica (member pod name), one of the gate's status.replicas.")
  String replica;

  @Option(
      names = "--no-wait",
      description = "Send the request and exit 0, without waiting for the controller's answer.")
  boolean noWait;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DemoCommand.DurationConverter.class,
      description =
          "How long to wait for the controller's answer before exiting 4 (default:"
              + " ${DEFAULT-VALUE}).")
  Duration timeout;

  /** Makes request ids; a field so tests can give their own. */
  RequestIds ids = RequestIds.secure();

  CtlActionCommand(ActionVerb verb) {
    this.verb = verb;
  }

  @Override
  int run(CtlSession session) throws InterruptedException {
    String namespace = session.namespace();
    ReplicaGate found = gate(session, gate);
    GateRequests.problem(found, replica)
        .ifPresent(
            problem -> {
              throw new CtlException(problem);
            });
    Instant at = clock.instant();
    GateRequests.Request request =
        GateRequests.request(ids.next(at), verb, replica, session.user(), at);
    GateRequests.send(session.client(), namespace, gate, request);
    String what = verb.word() + " " + replica + " on " + namespace + "/" + gate;
    out().printf(Locale.ROOT, "%s: requested as %s%n", what, request.key());
    out().flush();
    if (noWait) {
      out()
          .printf(
              Locale.ROOT,
              "not waiting for the controller's answer: see kubectl syncgate status %s -n %s%n",
              gate,
              namespace);
      out().flush();
      return CtlCommand.OK;
    }
    GateRequests.Outcome outcome =
        GateRequests.await(session.client(), namespace, gate, request.id(), timeout);
    if (outcome instanceof GateRequests.Answered answered) {
      ActionStatus action = answered.action();
      String result = action.getResult() == null ? "no result" : action.getResult();
      String message =
          action.getMessage() == null ? "" : ": " + SafeText.of(action.getMessage(), 1024);
      out().printf(Locale.ROOT, "%s: %s%s%n", SafeText.of(result, 64), what, message);
      out().flush();
      if (answered.applied()) {
        return CtlCommand.OK;
      }
      return ActionStatus.REFUSED.equals(action.getResult())
          ? CtlCommand.REFUSED
          : CtlCommand.ERROR;
    }
    if (outcome instanceof GateRequests.GateDeleted) {
      throw new CtlException(
          "replicagate \""
              + gate
              + "\" in namespace \""
              + namespace
              + "\" was deleted before the controller answered");
    }
    err()
        .printf(
            Locale.ROOT,
            "error: the controller did not answer within %s. The request stays pending: the"
                + " controller takes it when it next runs (is it running and watching namespace"
                + " %s?). To withdraw it:%n  kubectl annotate replicagate %s -n %s %s-%n",
            HumanFormat.duration(timeout),
            namespace,
            gate,
            namespace,
            request.key());
    err().flush();
    return CtlCommand.TIMED_OUT;
  }

  @Command(
      name = "hold",
      description = {
        "Hold a replica: it keeps its phase and step until resumed; ejection still applies."
      })
  static final class Hold extends CtlActionCommand {
    Hold() {
      super(ActionVerb.HOLD);
    }
  }

  @Command(
      name = "resume",
      description = {"Resume a replica that was held or aborted."})
  static final class Resume extends CtlActionCommand {
    Resume() {
      super(ActionVerb.RESUME);
    }
  }

  @Command(
      name = "promote",
      description = {
        "Promote a replica to a full share now, if its lag is within admission.maxLag."
      })
  static final class Promote extends CtlActionCommand {
    Promote() {
      super(ActionVerb.PROMOTE);
    }
  }

  @Command(
      name = "abort",
      description = {"Abort a replica's rollout: weight 0 now, and until resumed."})
  static final class Abort extends CtlActionCommand {
    Abort() {
      super(ActionVerb.ABORT);
    }
  }

  @Command(
      name = "approve",
      description = {
        "Approve a replica's next approval point (admission.requireApproval, ramp.pauseAt)."
      })
  static final class Approve extends CtlActionCommand {
    Approve() {
      super(ActionVerb.APPROVE);
    }
  }
}
