package io.syncgate.policy.mesh;

import io.fabric8.istio.api.api.networking.v1alpha3.L4MatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.DestinationRuleBuilder;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.syncgate.policy.gating.Route;
import io.syncgate.policy.gating.RouteDestination;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares rendered mesh objects with the API server's copies and builds what to write. Only the
 * parts we render count: the spec, our labels and our owner reference. Server-set fields
 * (resourceVersion, uid, creationTimestamp, generation, managedFields, status) and other people's
 * labels, annotations and owner references are neither compared nor overwritten, so a steady state
 * needs no write. Pure; never mutates its arguments (live objects may be informer cache entries).
 *
 * <p>Invariant: {@code sameSpec(desired, forUpdate(live, desired))} holds for every live object
 * {@code forUpdate} accepts, so one write always settles a difference.
 */
public final class MeshDiff {

  private MeshDiff() {}

  /** True when the object carries {@code app.kubernetes.io/managed-by: syncgate}. */
  public static boolean managedBySyncgate(HasMetadata object) {
    if (object == null || object.getMetadata() == null) {
      return false;
    }
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null
        && IstioRenderer.MANAGED_BY_VALUE.equals(labels.get(IstioRenderer.MANAGED_BY_LABEL));
  }

  /**
   * Says which of the gate's mesh objects exist without {@code app.kubernetes.io/managed-by:
   * syncgate}: those syncgate never overwrites.
   *
   * @param destinationRule the live DestinationRule of the gate's name, or null
   * @param virtualService the live VirtualService of the gate's name, or null
   * @return a message naming them, or empty when there are none
   */
  public static Optional<String> foreignObjects(
      DestinationRule destinationRule,
      VirtualService virtualService,
      String namespace,
      String name) {
    List<String> foreign = new ArrayList<>();
    if (destinationRule != null && !managedBySyncgate(destinationRule)) {
      foreign.add(MeshKind.DESTINATION_RULE + " " + namespace + "/" + name);
    }
    if (virtualService != null && !managedBySyncgate(virtualService)) {
      foreign.add(MeshKind.VIRTUAL_SERVICE + " " + namespace + "/" + name);
    }
    if (foreign.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        String.join(" and ", foreign)
            + " exist"
            + (foreign.size() == 1 ? "s" : "")
            + " without label "
            + IstioRenderer.MANAGED_BY_LABEL
            + "="
            + IstioRenderer.MANAGED_BY_VALUE
            + "; syncgate does not overwrite objects it does not manage");
  }

  /**
   * The order of a tick's writes. The DestinationRule goes first, so new subsets exist before a
   * route names them, unless it drops a subset the live route still uses: then the route is
   * rewritten first, so no request is routed to a subset that is gone.
   *
   * @param desired the DestinationRule to write
   * @param writesRoute whether the tick writes a VirtualService at all
   * @param liveRoute the live VirtualService, or null
   */
  public static boolean routeFirst(
      DestinationRule desired, boolean writesRoute, VirtualService liveRoute) {
    if (!writesRoute) {
      return false;
    }
    Set<String> subsets = new TreeSet<>();
    if (desired.getSpec() != null && desired.getSpec().getSubsets() != null) {
      desired.getSpec().getSubsets().stream()
          .filter(Objects::nonNull)
          .map(Subset::getName)
          .forEach(subsets::add);
    }
    return !subsets.containsAll(routedSubsets(liveRoute));
  }

  /** The subsets a VirtualService's TCP routes name. */
  static Set<String> routedSubsets(VirtualService vs) {
    Set<String> subsets = new TreeSet<>();
    if (vs == null || vs.getSpec() == null || vs.getSpec().getTcp() == null) {
      return subsets;
    }
    vs.getSpec().getTcp().stream()
        .filter(Objects::nonNull)
        .filter(tcp -> tcp.getRoute() != null)
        .flatMap(tcp -> tcp.getRoute().stream())
        .filter(r -> r != null && r.getDestination() != null)
        .map(r -> r.getDestination().getSubset())
        .filter(Objects::nonNull)
        .forEach(subsets::add);
    return subsets;
  }

  /** True when the live VirtualService already has the desired spec, labels and owner reference. */
  public static boolean sameSpec(VirtualService desired, VirtualService live) {
    return Objects.equals(desired.getSpec(), live.getSpec())
        && sameRenderedMetadata(desired.getMetadata(), live.getMetadata());
  }

  /**
   * True when the live DestinationRule already has the desired spec, labels and owner reference.
   */
  public static boolean sameSpec(DestinationRule desired, DestinationRule live) {
    return Objects.equals(desired.getSpec(), live.getSpec())
        && sameRenderedMetadata(desired.getMetadata(), live.getMetadata());
  }

  /**
   * The VirtualService to send as an update: the live metadata (resourceVersion kept, so a
   * concurrent change gets a 409 instead of being lost; foreign labels, annotations and owner
   * references kept) with our labels and owner reference merged in, and the desired spec.
   *
   * @throws IllegalArgumentException if the live object is not ours to overwrite (not managed by
   *     syncgate, another name, or controlled by something other than a ReplicaGate)
   */
  public static VirtualService forUpdate(VirtualService live, VirtualService desired) {
    checkOverwritable(live, desired);
    return new VirtualServiceBuilder(live)
        .withApiVersion(desired.getApiVersion())
        .withKind(desired.getKind())
        .withMetadata(mergedMetadata(live.getMetadata(), desired.getMetadata()))
        .withSpec(desired.getSpec())
        .build();
  }

  /**
   * The DestinationRule to send as an update; see {@link #forUpdate(VirtualService,
   * VirtualService)}.
   */
  public static DestinationRule forUpdate(DestinationRule live, DestinationRule desired) {
    checkOverwritable(live, desired);
    return new DestinationRuleBuilder(live)
        .withApiVersion(desired.getApiVersion())
        .withKind(desired.getKind())
        .withMetadata(mergedMetadata(live.getMetadata(), desired.getMetadata()))
        .withSpec(desired.getSpec())
        .build();
  }

  /**
   * Reads the weights of a live VirtualService back, so a restarted controller can adopt them
   * instead of moving traffic.
   *
   * @return the route, or empty when the VirtualService is not the shape {@link IstioRenderer}
   *     renders (exactly one TCP route, matching only {@code port}, no HTTP or TLS routes, every
   *     destination naming a distinct subset on that port) or its weights do not sum to 100
   */
  public static Optional<Route> routeOf(VirtualService live, long port) {
    return routeOf(live, port, null);
  }

  /**
   * {@link #routeOf(VirtualService, long)} for a gate with a primary Service: a destination on
   * {@code primaryHost} without a subset reads back as {@link RouteDestination#PRIMARY_SERVICE}.
   *
   * @param primaryHost the gate's {@code mesh.primaryHost}, or null when it names none
   */
  public static Optional<Route> routeOf(VirtualService live, long port, String primaryHost) {
    if (live == null || live.getSpec() == null) {
      return Optional.empty();
    }
    var spec = live.getSpec();
    if (!isEmpty(spec.getHttp()) || !isEmpty(spec.getTls()) || spec.getTcp() == null) {
      return Optional.empty();
    }
    if (spec.getTcp().size() != 1) {
      return Optional.empty();
    }
    TCPRoute tcp = spec.getTcp().get(0);
    if (tcp == null || tcp.getMatch() == null || tcp.getMatch().size() != 1) {
      return Optional.empty();
    }
    if (!matchesOnlyPort(tcp.getMatch().get(0), port)) {
      return Optional.empty();
    }
    if (isEmpty(tcp.getRoute())) {
      return Optional.empty();
    }
    List<RouteDestination> destinations = new ArrayList<>();
    Set<String> subsets = new HashSet<>();
    int sum = 0;
    for (var routeDestination : tcp.getRoute()) {
      if (routeDestination == null || routeDestination.getDestination() == null) {
        return Optional.empty();
      }
      var destination = routeDestination.getDestination();
      String subset = destination.getSubset();
      if (subset == null && primaryHost != null && primaryHost.equals(destination.getHost())) {
        subset = RouteDestination.PRIMARY_SERVICE;
      }
      if (subset == null || subset.isBlank() || !subsets.add(subset)) {
        return Optional.empty();
      }
      if (destination.getPort() == null
          || !Objects.equals(destination.getPort().getNumber(), port)) {
        return Optional.empty();
      }
      // proto3: an absent weight is 0.
      int weight = routeDestination.getWeight() == null ? 0 : routeDestination.getWeight();
      if (weight < 0 || weight > 100) {
        return Optional.empty();
      }
      sum += weight;
      destinations.add(new RouteDestination(subset, weight));
    }
    if (sum != 100) {
      return Optional.empty();
    }
    return Optional.of(new Route(destinations));
  }

  private static boolean matchesOnlyPort(L4MatchAttributes match, long port) {
    return match != null
        && Objects.equals(match.getPort(), port)
        && isEmpty(match.getDestinationSubnets())
        && isEmpty(match.getGateways())
        && (match.getSourceLabels() == null || match.getSourceLabels().isEmpty())
        && match.getSourceNamespace() == null
        && match.getSourceSubnet() == null;
  }

  private static boolean sameRenderedMetadata(ObjectMeta desired, ObjectMeta live) {
    if (live == null) {
      return false;
    }
    return containsAll(live.getLabels(), desired.getLabels())
        && containsAll(live.getAnnotations(), desired.getAnnotations())
        && mergedOwnerReferences(live.getOwnerReferences(), desired.getOwnerReferences())
            .equals(orEmpty(live.getOwnerReferences()));
  }

  private static ObjectMeta mergedMetadata(ObjectMeta live, ObjectMeta desired) {
    return new ObjectMetaBuilder(live)
        .withLabels(merged(live.getLabels(), desired.getLabels()))
        .withAnnotations(merged(live.getAnnotations(), desired.getAnnotations()))
        .withOwnerReferences(
            mergedOwnerReferences(live.getOwnerReferences(), desired.getOwnerReferences()))
        .build();
  }

  /**
   * Live references in their order, each one that refers to the same owner as a desired reference
   * replaced by it, then the remaining desired references. "The same owner" includes an earlier
   * ReplicaGate of the same name (deleted and re-created, other uid): an object has at most one
   * controller, so the old reference must go.
   */
  private static List<OwnerReference> mergedOwnerReferences(
      List<OwnerReference> live, List<OwnerReference> desired) {
    List<OwnerReference> ours = orEmpty(desired);
    Set<OwnerReference> emitted = new HashSet<>();
    List<OwnerReference> merged = new ArrayList<>();
    for (OwnerReference ref : orEmpty(live)) {
      Optional<OwnerReference> replacement =
          ours.stream().filter(d -> sameOwner(ref, d)).findFirst();
      if (replacement.isEmpty()) {
        merged.add(ref);
      } else if (emitted.add(replacement.get())) {
        merged.add(replacement.get());
      }
    }
    ours.stream().filter(emitted::add).forEach(merged::add);
    return merged;
  }

  private static boolean sameOwner(OwnerReference a, OwnerReference b) {
    return Objects.equals(group(a.getApiVersion()), group(b.getApiVersion()))
        && Objects.equals(a.getKind(), b.getKind())
        && (Objects.equals(a.getUid(), b.getUid()) || Objects.equals(a.getName(), b.getName()));
  }

  private static String group(String apiVersion) {
    if (apiVersion == null) {
      return null;
    }
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static void checkOverwritable(HasMetadata live, HasMetadata desired) {
    String name = desired.getMetadata().getName();
    String namespace = desired.getMetadata().getNamespace();
    if (live.getMetadata() == null
        || !Objects.equals(live.getMetadata().getName(), name)
        || !Objects.equals(live.getMetadata().getNamespace(), namespace)) {
      throw new IllegalArgumentException(
          "live object is not " + namespace + "/" + name + "; refusing to merge");
    }
    if (!managedBySyncgate(live)) {
      throw new IllegalArgumentException(
          live.getKind()
              + " "
              + namespace
              + "/"
              + name
              + " is not managed by syncgate (no label "
              + IstioRenderer.MANAGED_BY_LABEL
              + "="
              + IstioRenderer.MANAGED_BY_VALUE
              + "); refusing to overwrite it");
    }
    for (OwnerReference ref : orEmpty(live.getMetadata().getOwnerReferences())) {
      boolean controller = Boolean.TRUE.equals(ref.getController());
      boolean ours =
          orEmpty(desired.getMetadata().getOwnerReferences()).stream()
              .anyMatch(d -> sameOwner(ref, d));
      if (controller && !ours) {
        throw new IllegalArgumentException(
            live.getKind()
                + " "
                + namespace
                + "/"
                + name
                + " is controlled by "
                + ref.getKind()
                + " "
                + ref.getName()
                + "; refusing to overwrite it");
      }
    }
  }

  private static Map<String, String> merged(Map<String, String> live, Map<String, String> ours) {
    if ((live == null || live.isEmpty()) && (ours == null || ours.isEmpty())) {
      return live;
    }
    Map<String, String> merged = new LinkedHashMap<>();
    if (live != null) {
      merged.putAll(live);
    }
    if (ours != null) {
      merged.putAll(ours);
    }
    return merged;
  }

  private static boolean containsAll(Map<String, String> live, Map<String, String> ours) {
    if (ours == null || ours.isEmpty()) {
      return true;
    }
    return live != null && live.entrySet().containsAll(ours.entrySet());
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
