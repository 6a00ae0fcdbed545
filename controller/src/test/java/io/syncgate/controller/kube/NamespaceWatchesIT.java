package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.embedded.MemberPods;
import io.syncgate.controller.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gates' pods and EndpointSlices from one watch of each kind per namespace, on the embedded API
 * server: the number of watches does not grow with the gates, and each gate sees exactly the pods
 * its selector matches as they are added, relabelled and deleted.
 */
class NamespaceWatchesIT {

  @RegisterExtension final ApiServerFixture kube = new ApiServerFixture();

  private final NamespaceWatches watches = new NamespaceWatches(kube.client(), kube.worker());
  private final List<PodSource> podViews = new ArrayList<>();
  private final List<EndpointSource> endpointViews = new ArrayList<>();

  /** The pods as the API server has them, by namespace/name, for the expected answers. */
  private final Map<String, Pod> truth = new TreeMap<>();

  @AfterEach
  void closeViews() {
    podViews.forEach(PodSource::close);
    endpointViews.forEach(EndpointSource::close);
  }

  @Test
  void thirtyGatesInTwoNamespacesOpenTwoPodWatchesAndTwoSliceWatches() {
    for (String namespace : List.of("db", "db2")) {
      for (int i = 0; i < 12; i++) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("cluster", "c" + (i % 5));
        labels.put("role", i % 3 == 0 ? "master" : "replica");
        if (i % 4 == 0) {
          labels.put("canary", "true");
        }
        createPod(namespace, "pod-" + i, labels);
      }
    }
    Map<GateKey, LabelSelector> gates = new LinkedHashMap<>();
    Map<GateKey, PodSource> views = new LinkedHashMap<>();
    for (int g = 0; g < 30; g++) {
      GateKey key = new GateKey(g % 2 == 0 ? "db" : "db2", "gate-" + g);
      LabelSelector selector = selector(g);
      gates.put(key, selector);
      PodSource pods = podView(key);
      pods.watch(selector);
      views.put(key, pods);
      endpointView(key).watch(Set.of("svc-" + g));
    }
    Await.until(
        "every gate's pods and slices synced",
        () ->
            podViews.stream().allMatch(PodSource::synced)
                && endpointViews.stream().allMatch(EndpointSource::synced));

    awaitEachGateSeesExactlyItsPods(gates, views);

    // Added, relabelled (out of some gates, into others), deleted.
    createPod("db", "pod-new", Map.of("cluster", "c1", "role", "replica"));
    relabel("db2", "pod-1", Map.of("cluster", "c2", "role", "replica", "canary", "true"));
    relabel("db", "pod-2", Map.of("cluster", "c9"));
    deletePod("db", "pod-3");
    deletePod("db2", "pod-6");
    awaitEachGateSeesExactlyItsPods(gates, views);

    List<RecordedRequest> watchRequests = watches("/pods");
    List<RecordedRequest> sliceWatches = watches("/endpointslices");
    System.out.printf(
        "30 gates in 2 namespaces: %d pod watch(es), %d EndpointSlice watch(es)%n",
        watchRequests.size(), sliceWatches.size());
    assertThat(watchRequests)
        .extracting(r -> r.getPath().substring(0, r.getPath().indexOf('?')))
        .containsExactlyInAnyOrder("/api/v1/namespaces/db/pods", "/api/v1/namespaces/db2/pods");
    assertThat(sliceWatches)
        .extracting(r -> r.getPath().substring(0, r.getPath().indexOf('?')))
        .containsExactlyInAnyOrder(
            "/apis/discovery.k8s.io/v1/namespaces/db/endpointslices",
            "/apis/discovery.k8s.io/v1/namespaces/db2/endpointslices");
    // Only the slices of Services are listed and watched.
    assertThat(sliceWatches)
        .allSatisfy(
            r -> assertThat(r.getPath()).contains("labelSelector=kubernetes.io%2Fservice-name&"));
  }

  @Test
  void aSelectorChangeNeedsNoNewWatchAndTheLastGateOfANamespaceStopsIt() {
    createPod("db", "hippo-1", Map.of("cluster", "hippo"));
    createPod("db", "rhino-1", Map.of("cluster", "rhino"));
    PodSource a = podView(new GateKey("db", "a"));
    PodSource b = podView(new GateKey("db", "b"));
    a.watch(labels("cluster", "hippo"));
    b.watch(labels("cluster", "hippo"));
    Await.until("synced", () -> a.synced() && b.synced());
    Await.until("a sees hippo-1", () -> names(a.pods()).equals(List.of("hippo-1")));

    a.watch(labels("cluster", "rhino"));
    assertThat(names(a.pods())).containsExactly("rhino-1");
    assertThat(names(b.pods())).containsExactly("hippo-1");
    assertThat(lists("/api/v1/namespaces/db/pods")).isEqualTo(1);

    a.close();
    assertThat(a.pods()).isEmpty();
    assertThat(b.synced()).isTrue();
    b.close();
    // Both let go: the namespace's informer is gone, so the next gate there starts a new one.
    PodSource c = podView(new GateKey("db", "c"));
    c.watch(labels("cluster", "hippo"));
    Await.until(
        "a new list of the namespace's pods", () -> lists("/api/v1/namespaces/db/pods") == 2);
    Await.until("c sees hippo-1", () -> c.synced() && names(c.pods()).equals(List.of("hippo-1")));
    assertThat(watches("/pods")).hasSize(2);
  }

  @Test
  void aFailingFirstListShowsInEveryGateOfTheNamespaceUntilItSucceeds() {
    createPod("db", "hippo-1", Map.of("cluster", "hippo"));
    kube.api().inject(EmbeddedApiServer.failing("GET", "/api/v1/namespaces/db/pods", 403));
    PodSource a = podView(new GateKey("db", "a"));
    PodSource b = podView(new GateKey("db", "b"));
    PodSource other = podView(new GateKey("db2", "other"));
    a.watch(labels("cluster", "hippo"));
    b.watch(labels("cluster", "rhino"));
    other.watch(labels("cluster", "hippo"));

    Await.until(
        "the failure in both gates of db",
        () ->
            a.failure().orElse("").startsWith("listing pods failed: ")
                && b.failure().equals(a.failure()));
    assertThat(a.failure().orElseThrow()).contains("403");
    assertThat(a.synced()).isFalse();
    assertThat(a.pods()).isEmpty();
    Await.until("db2 unaffected", other::synced);

    kube.api().inject(null);
    // fabric8's backoff between retries grows: allow it.
    Await.until(Duration.ofSeconds(30), "synced after a retry", () -> a.synced() && b.synced());
    assertThat(a.failure()).isEmpty();
    Await.until("a sees hippo-1", () -> names(a.pods()).equals(List.of("hippo-1")));
  }

  @Test
  void eachGateReadsTheReadyEndpointsOfItsOwnServicesOnly() {
    Pod hippo = createPod("db", "hippo-1", Map.of("cluster", "hippo"));
    Pod rhino = createPod("db", "rhino-1", Map.of("cluster", "rhino"));
    slice(MemberPods.readyEndpoint("hippo-replicas", hippo, true));
    slice(MemberPods.readyEndpoint("rhino-replicas", rhino, true));
    // A slice no Service owns (no kubernetes.io/service-name): not listed at all.
    slice(
        new EndpointSliceBuilder(MemberPods.readyEndpoint("x", hippo, true))
            .editMetadata()
            .withName("unowned")
            .withLabels(Map.of("app", "custom"))
            .endMetadata()
            .build());
    EndpointSource a = endpointView(new GateKey("db", "a"));
    EndpointSource b = endpointView(new GateKey("db", "b"));
    a.watch(Set.of("hippo-replicas"));
    b.watch(Set.of("rhino-replicas", "rhino-primary"));
    Await.until("synced", () -> a.synced() && b.synced());

    Await.until(
        "each gate's ready endpoints",
        () ->
            a.readyAddresses("hippo-replicas").equals(Set.of(ip(hippo)))
                && b.readyAddresses("rhino-replicas").equals(Set.of(ip(rhino))));
    assertThat(a.readyAddresses("rhino-replicas")).isEmpty();
    assertThat(b.readyAddresses("rhino-primary")).isEmpty();

    Pod primary = createPod("db", "rhino-0", Map.of("cluster", "rhino"));
    slice(MemberPods.readyEndpoint("rhino-primary", primary, true));
    slice(MemberPods.readyEndpoint("rhino-replicas", rhino, false));
    Await.until(
        "the new slice and the endpoint no longer ready",
        () ->
            b.readyAddresses("rhino-primary").equals(Set.of(ip(primary)))
                && b.readyAddresses("rhino-replicas").isEmpty());
    assertThat(a.readyAddresses("hippo-replicas")).containsExactly(ip(hippo));
    assertThat(watches("/endpointslices")).hasSize(1);
  }

  // ------------------------------------------------------------------ helpers

  /** Gate g's selector: matchLabels, or one of each matchExpressions operator. */
  private static LabelSelector selector(int g) {
    String cluster = "c" + (g % 5);
    return switch (g % 6) {
      case 0, 1 -> labels("cluster", cluster);
      case 2 -> expressions(cluster, "role", "In", "replica");
      case 3 -> expressions(cluster, "role", "NotIn", "replica");
      case 4 -> expressions(cluster, "canary", "Exists");
      default -> expressions(cluster, "canary", "DoesNotExist");
    };
  }

  private static LabelSelector labels(String key, String value) {
    return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
  }

  /** {@code cluster In (cluster)} and one more expression: no matchLabels at all. */
  private static LabelSelector expressions(
      String cluster, String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey("cluster")
        .withOperator("In")
        .withValues(cluster)
        .endMatchExpression()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values)
        .endMatchExpression()
        .build();
  }

  private void awaitEachGateSeesExactlyItsPods(
      Map<GateKey, LabelSelector> gates, Map<GateKey, PodSource> views) {
    Map<GateKey, List<String>> expected = new LinkedHashMap<>();
    gates.forEach(
        (key, selector) ->
            expected.put(
                key,
                truth.values().stream()
                    .filter(p -> p.getMetadata().getNamespace().equals(key.namespace()))
                    .filter(p -> LabelSelection.matches(selector, p.getMetadata().getLabels()))
                    .map(p -> p.getMetadata().getName())
                    .sorted()
                    .toList()));
    // The selectors are not trivial: some gates see pods, some none, not all the same.
    assertThat(expected.values()).anyMatch(List::isEmpty).anyMatch(l -> l.size() >= 2);
    Await.until(
        Duration.ofSeconds(10),
        "each gate seeing exactly the pods its selector matches",
        () -> {
          Map<GateKey, List<String>> seen = new LinkedHashMap<>();
          views.forEach((key, view) -> seen.put(key, names(view.pods())));
          return seen;
        },
        expected::equals);
  }

  private PodSource podView(GateKey key) {
    PodSource view = watches.pods(key);
    podViews.add(view);
    return view;
  }

  private EndpointSource endpointView(GateKey key) {
    EndpointSource view = watches.endpoints(key);
    endpointViews.add(view);
    return view;
  }

  private Pod createPod(String namespace, String name, Map<String, String> labels) {
    Pod pod =
        kube.client()
            .pods()
            .inNamespace(namespace)
            .resource(MemberPods.running(namespace, name, "10.1.0." + (truth.size() + 1), labels))
            .create();
    truth.put(namespace + "/" + name, pod);
    return pod;
  }

  private void relabel(String namespace, String name, Map<String, String> labels) {
    Pod pod = truth.get(namespace + "/" + name);
    Pod changed =
        kube.client()
            .pods()
            .inNamespace(namespace)
            .resource(new PodBuilder(pod).editMetadata().withLabels(labels).endMetadata().build())
            .update();
    truth.put(namespace + "/" + name, changed);
  }

  private void deletePod(String namespace, String name) {
    kube.client().pods().inNamespace(namespace).withName(name).delete();
    truth.remove(namespace + "/" + name);
  }

  private void slice(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) {
    kube.client()
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(slice.getMetadata().getNamespace())
        .resource(slice)
        .createOr(NonDeletingOperation::update);
  }

  private static String ip(Pod pod) {
    return pod.getStatus().getPodIP();
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).sorted().toList();
  }

  /** The watch requests (GET with watch=true) whose path has {@code part}. */
  private List<RecordedRequest> watches(String part) {
    return kube.api().requests().stream()
        .filter(r -> r.getMethod().equals("GET") && r.getPath().contains(part))
        .filter(r -> r.getPath().matches(".*[?&]watch=(true|1)(&.*)?"))
        .toList();
  }

  /** The list requests (GET without watch) of exactly {@code path}. */
  private long lists(String path) {
    return kube.api().requests().stream()
        .filter(r -> r.getMethod().equals("GET"))
        .filter(r -> r.getPath().equals(path) || r.getPath().startsWith(path + "?"))
        .filter(r -> !r.getPath().matches(".*[?&]watch=(true|1)(&.*)?"))
        .count();
  }
}
