package io.syncgate.controller.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code syncgate ctl}: the client side of Syncgate, installed as the kubectl plugin {@code kubectl
 * syncgate} by {@code deploy/kubectl-syncgate}. Shows gates and sends operator actions, which the
 * controller carries out and answers in the gate's status.
 */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    versionProvider = SyncgateVersion.class,
    description = {
      "Show ReplicaGates and act on their replicas (the kubectl plugin: kubectl syncgate).",
      "",
      "Actions are requests: each adds one request.syncgate.io/<id> annotation to the gate;"
          + " the controller decides, answers in status.lastActions and removes the annotation.",
      ""
    },
    subcommands = {
      CtlListCommand.class,
      CtlStatusCommand.class,
      CtlActionCommand.Hold.class,
      CtlActionCommand.Resume.class,
      CtlActionCommand.Promote.class,
      CtlActionCommand.Abort.class,
      CtlActionCommand.Approve.class
    })
public final class CtlCommand implements Callable<Integer> {

  /** Exit status of success, and of an action the controller applied. */
  static final int OK = 0;

  /** Exit status of an error: no such gate or replica, an unusable kubeconfig, an API error. */
  static final int ERROR = 1;

  /** Exit status of an action the controller refused. */
  static final int REFUSED = 3;

  /** Exit status when the controller did not answer within {@code --timeout}. */
  static final int TIMED_OUT = 4;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine commandLine = spec.commandLine();
    commandLine.getErr().println("syncgate ctl: missing command");
    commandLine.usage(commandLine.getErr());
    return CommandLine.ExitCode.USAGE;
  }
}
