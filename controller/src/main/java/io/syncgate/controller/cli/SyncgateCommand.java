package io.syncgate.controller.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code syncgate} command line: {@code syncgate run} runs the controller, {@code syncgate
 * demo} runs the embedded demo, {@code syncgate ctl} is the client ({@code kubectl syncgate}).
 * Without a subcommand it prints its usage and fails, so a typo in a container's args never starts
 * something unintended.
 */
@Command(
    name = "syncgate",
    mixinStandardHelpOptions = true,
    versionProvider = SyncgateVersion.class,
    description = "Keeps catching-up PostgreSQL replicas out of read traffic.",
    subcommands = {RunCommand.class, DemoCommand.class, BenchCommand.class, CtlCommand.class})
public final class SyncgateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine commandLine = spec.commandLine();
    commandLine.getErr().println("syncgate: missing command");
    commandLine.usage(commandLine.getErr());
    return CommandLine.ExitCode.USAGE;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SyncgateCommand()).execute(args));
  }
}
