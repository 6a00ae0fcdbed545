package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SyncgateCommandTest {

  /** One in-process run of the command line, its exit code and what it printed. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        new CommandLine(new SyncgateCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommandsAndSucceeds() {
    Result result = run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Usage: syncgate")
        .contains("run", "Run the controller against the cluster in your kubeconfig")
        .contains("demo", "Run the embedded demo: Patroni simulator + in-process API server");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void noCommandPrintsUsageAndFails() {
    Result result = run();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("missing command").contains("Usage: syncgate");
  }

  @Test
  void runHelpListsItsOptions() {
    Result result = run("run", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("--namespace", "--metrics-port", "--[no-]leader-elect")
        .contains("--lease-name", "--lease-namespace");
  }

  @Test
  void demoHelpListsItsOptions() {
    Result result = run("demo", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("--replicas", "--backlog", "--catch-up-rate", "--write-rate", "--max-lag")
        .contains("--stable-for", "--steps", "--step-interval", "--poll-interval", "--follow")
        .contains("--output", "--emit-dir", "--timeout", "--table-interval");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Result result = run("--no-such-option");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void versionNamesTheBuild() {
    Result result = run("--version");

    assertThat(result.exitCode()).isZero();
    // Tests run from target/classes, where the jar's Maven descriptor does not exist.
    assertThat(result.out().strip()).isEqualTo("syncgate " + SyncgateVersion.UNPACKAGED);
  }
}
