package io.syncgate.policy.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.L4MatchAttributesBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestinationBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.SubsetBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRouteBuilder;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicyBuilder;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.DestinationRuleBuilder;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.Plan;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Renders the DestinationRule and VirtualService of one gate from a gating {@link Plan}, as
 * docs/design.md, "Mesh objects" describes them. Pure: the same target and plan always give equal
 * objects, and nothing here reads a clock or talks to a server.
 */
public final class IstioRenderer {

  /** The label that marks an object as ours; objects without it are never overwritten. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY_VALUE = "syncgate";

  /** Names the gate that owns a mesh object, for {@code kubectl get -l}. */
  public static final String GATE_LABEL = "syncgate.io/gate";

  public static final String GATE_API_VERSION = "syncgate.io/v1alpha1";

  public static final String GATE_KIND = "ReplicaGate";

  // Istio's validation webhook demands DNS-1123 labels for subset names.
  private static final Pattern DNS_1123_LABEL =
      Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private IstioRenderer() {}

  /**
   * The members whose names cannot name an Istio subset (not a DNS-1123 label), as exclusions for
   * {@link io.syncgate.policy.gating.GatingStep#step}: they get no subset and no weight, so the
   * rest of the gate can still be rendered.
   */
  public static List<Exclusion> invalidSubsetNames(Collection<String> members) {
    return members.stream()
        .filter(member -> !DNS_1123_LABEL.matcher(member).matches())
        .sorted()
        .map(
            member ->
                new Exclusion(
                    member,
                    Exclusion.Cause.INVALID_SUBSET_NAME,
                    "pod name is not a DNS-1123 label, so it cannot name an Istio subset"))
        .toList();
  }

  /**
   * The DestinationRule: one subset per member pod that is not excluded (sorted by name, the leader
   * included, since the fallback may route to it), selected by {@code subsetLabel: <pod name>}, and
   * the connection lifetime limit when the gate sets one.
   *
   * @throws IllegalArgumentException if a member the plan does not exclude cannot name a subset
   *     (the plan was made without {@link #invalidSubsetNames})
   */
  public static DestinationRule renderDestinationRule(MeshTarget target, Plan plan) {
    Set<String> members = validMembers(plan);
    List<Subset> subsets =
        members.stream()
            .map(
                pod ->
                    new SubsetBuilder()
                        .withName(pod)
                        .withLabels(Map.of(target.subsetLabel(), pod))
                        .build())
            .toList();
    return new DestinationRuleBuilder()
        .withMetadata(metadata(target))
        .withNewSpec()
        .withHost(target.host())
        .withSubsets(subsets)
        .withTrafficPolicy(trafficPolicy(target.maxConnectionDuration()))
        .endSpec()
        .build();
  }

  /**
   * The VirtualService: one TCP route on the mesh port, one weighted destination per route entry,
   * in the plan's route order (the gating core sorts replicas by name and appends the leader only
   * as the {@code Primary} fallback).
   *
   * @return empty when the plan has no route, which means "write nothing, keep what is live"
   * @throws IllegalArgumentException if the route names a subset that is not a member, or an
   *     excluded one (the DestinationRule would have no such subset, so the route would lead
   *     nowhere)
   */
  public static Optional<VirtualService> renderVirtualService(MeshTarget target, Plan plan) {
    if (plan.route().isEmpty()) {
      return Optional.empty();
    }
    Route route = plan.route().get();
    Set<String> members = validMembers(plan);
    for (RouteDestination destination : route.destinations()) {
      if (destination.primaryService()) {
        if (target.primaryHost() == null) {
          throw new IllegalArgumentException(
              "the route falls back to the primary Service, and the gate names none");
        }
        continue;
      }
      if (!members.contains(destination.subset())) {
        throw new IllegalArgumentException(
            "route destination "
                + destination.subset()
                + " is not a member with a subset in the plan "
                + members
                + "; it would have no subset");
      }
    }
    return Optional.of(
        new VirtualServiceBuilder()
            .withMetadata(metadata(target))
            .withNewSpec()
            .withHosts(target.host())
            .withTcp(
                new TCPRouteBuilder()
                    .withMatch(new L4MatchAttributesBuilder().withPort(target.port()).build())
                    .withRoute(
                        route.destinations().stream()
                            .map(
                                d ->
                                    new RouteDestinationBuilder()
                                        .withDestination(destination(target, d))
                                        .withWeight(d.weight())
                                        .build())
                            .toList())
                    .build())
            .endSpec()
            .build());
  }

  /**
   * A member's subset of the read host, or for {@link RouteDestination#PRIMARY_SERVICE} the
   * primary's own Service, without a subset: the operator keeps it pointed at the leader.
   */
  private static io.fabric8.istio.api.api.networking.v1alpha3.Destination destination(
      MeshTarget target, RouteDestination d) {
    DestinationBuilder out = new DestinationBuilder().withNewPort(target.port());
    return d.primaryService()
        ? out.withHost(target.primaryHost()).build()
        : out.withHost(target.host()).withSubset(d.subset()).build();
  }

  /** The labels every mesh object of this gate carries. */
  public static Map<String, String> labels(MeshTarget target) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    labels.put(GATE_LABEL, target.gateName());
    return labels;
  }

  /** The owner reference that makes the gate the controller of its mesh objects. */
  public static OwnerReference ownerReference(MeshTarget target) {
    return new OwnerReferenceBuilder()
        .withApiVersion(GATE_API_VERSION)
        .withKind(GATE_KIND)
        .withName(target.gateName())
        .withUid(target.gateUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * A duration as Istio's protobuf JSON wants it: seconds with a fractional part only when needed
   * ("600s", "0.5s"). Both Go's duration parser and protojson accept this form.
   */
  static String istioDuration(Duration duration) {
    BigDecimal seconds =
        BigDecimal.valueOf(duration.getSeconds())
            .add(BigDecimal.valueOf(duration.getNano(), 9))
            .stripTrailingZeros();
    return seconds.toPlainString() + "s";
  }

  private static ObjectMeta metadata(MeshTarget target) {
    return new ObjectMetaBuilder()
        .withName(target.gateName())
        .withNamespace(target.namespace())
        .withLabels(labels(target))
        .withOwnerReferences(ownerReference(target))
        .build();
  }

  private static TrafficPolicy trafficPolicy(Duration maxConnectionDuration) {
    if (maxConnectionDuration == null) {
      return null;
    }
    return new TrafficPolicyBuilder()
        .withConnectionPool(
            new ConnectionPoolSettingsBuilder()
                .withNewTcp()
                .withMaxConnectionDuration(istioDuration(maxConnectionDuration))
                .endTcp()
                .build())
        .build();
  }

  /** The members that get a subset; a name that cannot be one is a plan made without care. */
  private static Set<String> validMembers(Plan plan) {
    Set<String> members = new TreeSet<>(plan.subsetMembers());
    for (String member : members) {
      if (!DNS_1123_LABEL.matcher(member).matches()) {
        throw new IllegalArgumentException(
            "member " + member + " is not a DNS-1123 label, so it cannot name an Istio subset");
      }
    }
    return members;
  }
}
