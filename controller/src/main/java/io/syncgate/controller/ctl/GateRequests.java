package io.syncgate.controller.ctl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaStatus;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.rollout.ActionRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Operator actions as {@code kubectl syncgate} sends them: one {@code request.syncgate.io/<id>}
 * annotation ({@link ActionRequests}) added to the gate by a JSON merge patch of {@code
 * metadata.annotations} alone, then the controller's answer, the entry of {@code
 * status.lastActions} with the same id.
 *
 * <p>The patch names no spec, no status and no resourceVersion: it cannot conflict with a
 * concurrent writer, and a GitOps tool that owns the spec sees no drift in it. Only the controller
 * decides: the checks here ({@link #problem}) are for a quick, clear error, not a guard.
 */
public final class GateRequests {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GateRequests() {}

  /** A request as sent: its id, annotation key and value. */
  public record Request(String id, String key, String value) {}

  /** How waiting for the controller's answer ended. */
  public sealed interface Outcome permits Answered, TimedOut, GateDeleted {}

  /** The controller answered: {@code action.getResult()} is Applied or Refused. */
  public record Answered(ActionStatus action) implements Outcome {
    public boolean applied() {
      return ActionStatus.APPLIED.equals(action.getResult());
    }
  }

  /** No answer in time; the request stays pending. */
  public record TimedOut() implements Outcome {}

  /** The gate was deleted before the controller answered. */
  public record GateDeleted() implements Outcome {}

  /**
   * Why a request for {@code replica} would make no sense on this gate, or empty: the replica must
   * be one of {@code status.replicas} when the status lists any.
   */
  public static Optional<String> problem(ReplicaGate gate, String replica) {
    if (gate.getStatus() == null || gate.getStatus().getReplicas().isEmpty()) {
      return Optional.empty();
    }
    List<String> names =
        gate.getStatus().getReplicas().stream()
            .map(ReplicaStatus::getName)
            .filter(Objects::nonNull)
            .toList();
    if (names.contains(replica)) {
      return Optional.empty();
    }
    return Optional.of(
        "replica \""
            + replica
            + "\" is not one of "
            + gate.getMetadata().getNamespace()
            + "/"
            + gate.getMetadata().getName()
            + "'s replicas: "
            + String.join(", ", names));
  }

  /** The JSON merge patch that adds {@code request}'s annotation and nothing else. */
  public static String patch(Request request) {
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("metadata").putObject("annotations").put(request.key(), request.value());
    return patch.toString();
  }

  /** The request for {@code verb} on {@code replica}, with the id {@code id}. */
  public static Request request(String id, ActionVerb verb, String replica, String by, Instant at) {
    return new Request(id, ActionRequests.key(id), ActionRequests.value(verb, replica, by, at));
  }

  /** Adds {@code request}'s annotation to the gate {@code namespace/gate}. */
  public static void send(KubernetesClient client, String namespace, String gate, Request request) {
    client
        .resources(ReplicaGate.class)
        .inNamespace(namespace)
        .withName(gate)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch(request));
  }

  /** The entry of {@code status.lastActions} with {@code id}, if the controller wrote one. */
  public static Optional<ActionStatus> answer(ReplicaGate gate, String id) {
    if (gate.getStatus() == null) {
      return Optional.empty();
    }
    return gate.getStatus().getLastActions().stream()
        .filter(Objects::nonNull)
        .filter(a -> id.equals(a.getId()))
        .findFirst();
  }

  /**
   * Waits until the controller has answered request {@code id} (an informer on the gate, no
   * polling), the gate is deleted, or {@code timeout} has passed.
   *
   * @throws CtlException when the gate cannot be watched
   */
  public static Outcome await(
      KubernetesClient client, String namespace, String gate, String id, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (GateWatch watch = GateWatch.start(client, namespace, gate)) {
      while (true) {
        GateWatch.Event event = watch.next(Duration.ofNanos(deadline - System.nanoTime()));
        if (event == null) {
          return new TimedOut();
        }
        if (event instanceof GateWatch.Changed changed) {
          Optional<ActionStatus> answer = answer(changed.gate(), id);
          if (answer.isPresent()) {
            return new Answered(answer.get());
          }
        } else if (event instanceof GateWatch.Deleted) {
          return new GateDeleted();
        } else if (event instanceof GateWatch.Failed failed) {
          throw new CtlException(
              "cannot watch the gate: "
                  + ApiErrors.describe(failed.cause(), client.getConfiguration().getMasterUrl()),
              failed.cause());
        }
      }
    }
  }
}
