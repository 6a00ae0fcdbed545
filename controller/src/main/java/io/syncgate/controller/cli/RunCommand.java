package io.syncgate.controller.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code syncgate run}: the controller against the cluster of the current kubeconfig. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the controller against the cluster in your kubeconfig")
public final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // Not wired yet; fail loudly rather than pretend to gate anything.
    spec.commandLine().getErr().println("syncgate run: not yet implemented (see README)");
    return CommandLine.ExitCode.USAGE;
  }
}
