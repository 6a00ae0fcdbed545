package io.syncgate.controller.cli;

import io.syncgate.controller.ctl.CtlSession;
import io.syncgate.controller.ctl.GateView;
import io.syncgate.policy.ReplicaGate;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncgate ctl list}: the gates of a namespace, or of all, like {@code kubectl get rgate}.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = SyncgateVersion.class,
    description = {
      "List ReplicaGates: leader, how many replicas serve, ramp and are gated, the rollout"
          + " and whether the gate is Ready."
    })
final class CtlListCommand extends CtlSubcommand {

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "List the gates of every namespace (ignores --namespace).")
  boolean allNamespaces;

  @Override
  int run(CtlSession session) {
    var gates = session.client().resources(ReplicaGate.class);
    List<ReplicaGate> found =
        allNamespaces
            ? gates.inAnyNamespace().list().getItems()
            : gates.inNamespace(session.namespace()).list().getItems();
    if (found.isEmpty()) {
      err()
          .println(
              allNamespaces
                  ? "No ReplicaGates found."
                  : "No ReplicaGates found in namespace " + session.namespace() + ".");
      err().flush();
      return CtlCommand.OK;
    }
    GateView.list(found, allNamespaces, clock.instant()).forEach(out()::println);
    out().flush();
    return CtlCommand.OK;
  }
}
