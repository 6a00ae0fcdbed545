package io.syncgate.controller.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code syncgate demo}: the whole loop on one machine, no cluster needed. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the embedded demo: Patroni simulator + in-process API server")
public final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // Not wired yet; fail loudly rather than pretend to run a demo.
    spec.commandLine().getErr().println("syncgate demo: not yet implemented (see README)");
    return CommandLine.ExitCode.USAGE;
  }
}
