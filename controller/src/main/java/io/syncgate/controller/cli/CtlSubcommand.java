package io.syncgate.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.syncgate.controller.ctl.ApiErrors;
import io.syncgate.controller.ctl.CtlException;
import io.syncgate.controller.ctl.CtlLogs;
import io.syncgate.controller.ctl.CtlSession;
import io.syncgate.policy.ReplicaGate;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every {@code syncgate ctl} command does around its own work: open a session from the
 * kubeconfig, turn a failure into one line on stderr and exit status 1, and close the session.
 */
abstract class CtlSubcommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin KubeOptions kube;

  /** The time ages are measured at and requests are stamped with; a field so tests can fix it. */
  Clock clock = Clock.systemUTC();

  @Override
  public final Integer call() {
    try (CtlLogs quiet = CtlLogs.quiet()) {
      return callQuietly();
    }
  }

  private int callQuietly() {
    CtlSession session;
    try {
      session = kube.open();
    } catch (CtlException e) {
      return fail(e.getMessage());
    }
    try (session) {
      return run(session);
    } catch (CtlException e) {
      return fail(e.getMessage());
    } catch (KubernetesClientException e) {
      return fail(ApiErrors.describe(e, session.server()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** The command's own work; returns its exit status. */
  abstract int run(CtlSession session) throws InterruptedException;

  /** The gate {@code name} in the session's namespace; fails with kubectl's words if missing. */
  static ReplicaGate gate(CtlSession session, String name) {
    ReplicaGate gate =
        session
            .client()
            .resources(ReplicaGate.class)
            .inNamespace(session.namespace())
            .withName(name)
            .get();
    if (gate == null) {
      throw new CtlException(
          "replicagate \"" + name + "\" not found in namespace \"" + session.namespace() + "\"");
    }
    return gate;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  int fail(String message) {
    err().println("error: " + message);
    err().flush();
    return CtlCommand.ERROR;
  }
}
