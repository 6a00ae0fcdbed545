package io.syncgate.policy;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A ReplicaGate ({@code syncgate.io/v1alpha1}, short name {@code rgate}): keeps the replicas of one
 * Patroni cluster out of its Istio read route until their replay lag is small, then ramps them in.
 * See docs/design.md "The ReplicaGate contract".
 */
@Group(ReplicaGate.GROUP)
@Version(ReplicaGate.VERSION)
@ShortNames("rgate")
// Named, so that fabric8 does not derive it with Pluralize in every constructor: a ReplicaGate is
// made for every status write and every watch event, and that was about 1 % of the controller's
// CPU at 10,000 members.
@Plural("replicagates")
@AdditionalPrinterColumn(
    name = "Leader",
    jsonPath = ".status.leader",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Serving",
    jsonPath = ".status.serving",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ramping",
    jsonPath = ".status.ramping",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Gated",
    jsonPath = ".status.gated",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Rollout",
    jsonPath = ".status.rollout",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ReplicaGate extends CustomResource<ReplicaGateSpec, ReplicaGateStatus>
    implements Namespaced {

  public static final String GROUP = "syncgate.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected ReplicaGateSpec initSpec() {
    return new ReplicaGateSpec();
  }

  @Override
  protected ReplicaGateStatus initStatus() {
    return null;
  }
}
