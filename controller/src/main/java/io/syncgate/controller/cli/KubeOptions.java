package io.syncgate.controller.cli;

import io.syncgate.controller.ctl.CtlSession;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every {@code syncgate ctl} command shares with kubectl. */
final class KubeOptions {

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "The namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(
      names = "--context",
      paramLabel = "CONTEXT",
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "The kubeconfig file (default: the file $KUBECONFIG names, else ~/.kube/config).")
  Path kubeconfig;

  /** A session as these options say; {@code by} falls back to the OS user. */
  CtlSession open() {
    return CtlSession.open(kubeconfig, context, namespace, System.getProperty("user.name"));
  }
}
