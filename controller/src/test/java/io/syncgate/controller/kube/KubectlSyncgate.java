package io.syncgate.controller.kube;

import static io.syncgate.controller.kube.TestGates.NAMESPACE;

import io.syncgate.controller.cli.SyncgateCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code kubectl syncgate} (in-process {@code syncgate ctl}) for tests. */
final class KubectlSyncgate {

  private KubectlSyncgate() {}

  record Result(int exitCode, String out, String err) {}

  /** {@code syncgate ctl ARGS --kubeconfig KUBECONFIG}, in-process. */
  static Result run(Path kubeconfig, String... args) {
    List<String> all = new ArrayList<>(List.of("ctl"));
    all.addAll(List.of(args));
    all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        new CommandLine(new SyncgateCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** A kubeconfig for {@code masterUrl} with user alice and the test namespace, in {@code dir}. */
  static Path kubeconfig(Path dir, String masterUrl) {
    try {
      return Files.writeString(
          dir.resolve("kubeconfig"),
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: mock",
              "  cluster:",
              "    server: " + masterUrl,
              "users:",
              "- name: alice",
              "  user:",
              "    token: not-checked-by-the-mock",
              "contexts:",
              "- name: mock",
              "  context:",
              "    cluster: mock",
              "    user: alice",
              "    namespace: " + NAMESPACE,
              "current-context: mock",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
