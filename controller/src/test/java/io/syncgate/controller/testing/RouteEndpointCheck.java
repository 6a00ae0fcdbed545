package io.syncgate.controller.testing;

import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.kube.ReadyEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The check every test that runs the controller against {@link EmbeddedApiServer} applies to the
 * routes it wrote: no destination with weight > 0 lacks a ready endpoint. It replays the API
 * server's request log: Pod creations give each member's address, EndpointSlice writes and deletes
 * the ready endpoints of each Service over time, and every VirtualService write is checked against
 * them as they stood when it arrived.
 *
 * <p>A destination counts as having had an endpoint if it had one at any moment within {@link
 * #GRACE} before the write: when a test takes an endpoint away, a write already decided may still
 * carry the last decision (poll, decide, write: the same detection window as the fault matrix).
 */
public final class RouteEndpointCheck {

  /** Poll + Patroni timeout + a tick and a write, with room for a busy machine. */
  public static final Duration GRACE = Duration.ofSeconds(3);

  private static final String SLICES = "/apis/discovery.k8s.io/v1/namespaces/";

  private RouteEndpointCheck() {}

  /**
   * What the check found.
   *
   * @param routes VirtualService writes checked
   * @param weightWithoutEndpoint the sum, over those routes, of the weight (percent) given to
   *     destinations without a ready endpoint
   * @param violations one line per destination with weight but no endpoint
   */
  public record Report(int routes, long weightWithoutEndpoint, List<String> violations) {

    /** The share of all weight written that pointed where nothing answered, 0..1. */
    public double shareWithoutEndpoint() {
      return routes == 0 ? 0 : weightWithoutEndpoint / (routes * 100.0);
    }

    /** Fails with every violation when there is one. */
    public void assertNone() {
      if (!violations.isEmpty()) {
        throw new AssertionError(
            violations.size()
                + " weighted route destination(s) without a ready endpoint:\n  "
                + String.join("\n  ", violations.subList(0, Math.min(20, violations.size()))));
      }
    }
  }

  /** Checks every VirtualService write {@code api} received since it started. */
  public static Report check(EmbeddedApiServer api, KubernetesSerialization json) {
    return check(api, json, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * Checks the VirtualService writes {@code api} received between {@code fromNanos} and {@code
   * toNanos} ({@link System#nanoTime()}), against endpoints replayed from the start.
   */
  public static Report check(
      EmbeddedApiServer api, KubernetesSerialization json, long fromNanos, long toNanos) {
    Map<String, String> podAddress = new HashMap<>();
    Map<String, EndpointSlice> slices = new HashMap<>();
    // (service, address) -> when it was last ready: now (Long.MAX_VALUE) or when it stopped.
    Map<String, Long> readyUntil = new HashMap<>();
    int routes = 0;
    long without = 0;
    List<String> violations = new ArrayList<>();
    for (RecordedRequest r : api.requests()) {
      int status = api.statusOf(r);
      long at = api.arrivedAt(r);
      String method = r.getMethod();
      String path = r.getPath();
      if (status < 200 || status >= 300 || method.equals("GET")) {
        continue;
      }
      if (path.startsWith(SLICES) && path.contains("/endpointslices")) {
        Set<String> before = ready(slices.values());
        if (method.equals("DELETE")) {
          slices.remove(lastSegment(path));
        } else {
          EndpointSlice slice = json.unmarshal(api.bodyOf(r), EndpointSlice.class);
          slices.put(slice.getMetadata().getName(), slice);
        }
        Set<String> after = ready(slices.values());
        before.stream().filter(k -> !after.contains(k)).forEach(k -> readyUntil.put(k, at));
        after.forEach(k -> readyUntil.put(k, Long.MAX_VALUE));
      } else if (method.equals("POST") && path.matches("/api/v1/namespaces/[^/]+/pods/?")) {
        Pod pod = json.unmarshal(api.bodyOf(r), Pod.class);
        if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
          podAddress.put(pod.getMetadata().getName(), pod.getStatus().getPodIP());
        }
      } else if (path.contains("/virtualservices") && at >= fromNanos && at <= toNanos) {
        String body = api.bodyOf(r);
        // Whole objects only: a PATCH is a hand edit, not a route the controller decided.
        if (body.isBlank() || !(method.equals("POST") || method.equals("PUT"))) {
          continue;
        }
        VirtualService vs = json.unmarshal(body, VirtualService.class);
        if (vs.getSpec() == null || vs.getSpec().getTcp() == null) {
          continue;
        }
        routes++;
        for (TCPRoute tcp : vs.getSpec().getTcp()) {
          for (RouteDestination d :
              tcp.getRoute() == null ? List.<RouteDestination>of() : tcp.getRoute()) {
            int weight = d.getWeight() == null ? 0 : d.getWeight();
            if (weight == 0 || d.getDestination() == null) {
              continue;
            }
            String service = serviceOf(d.getDestination().getHost());
            String subset = d.getDestination().getSubset();
            boolean answered =
                subset == null
                    ? readyUntil.entrySet().stream()
                        .anyMatch(
                            e -> e.getKey().startsWith(service + "/") && recent(e.getValue(), at))
                    : podAddress.containsKey(subset)
                        && recent(
                            readyUntil.getOrDefault(
                                service + "/" + podAddress.get(subset), Long.MIN_VALUE),
                            at);
            if (!answered) {
              without += weight;
              violations.add(
                  "weight "
                      + weight
                      + " on "
                      + (subset == null ? "" : "subset " + subset + " of ")
                      + d.getDestination().getHost()
                      + " in a VirtualService written by "
                      + r.getHeader("User-Agent"));
            }
          }
        }
      }
    }
    return new Report(routes, without, violations);
  }

  private static boolean recent(long readyUntil, long at) {
    return readyUntil != Long.MIN_VALUE && readyUntil >= at - GRACE.toNanos();
  }

  /** The ready endpoints of {@code slices}, as {@code service/address}. */
  private static Set<String> ready(Collection<EndpointSlice> slices) {
    Set<String> services = new HashSet<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels = slice.getMetadata().getLabels();
      if (labels != null && labels.get(ReadyEndpoints.SERVICE_NAME_LABEL) != null) {
        services.add(labels.get(ReadyEndpoints.SERVICE_NAME_LABEL));
      }
    }
    Set<String> out = new HashSet<>();
    for (String service : services) {
      ReadyEndpoints.of(slices, service).forEach(a -> out.add(service + "/" + a));
    }
    return out;
  }

  private static String serviceOf(String host) {
    int dot = host.indexOf('.');
    return dot < 0 ? host : host.substring(0, dot);
  }

  private static String lastSegment(String path) {
    String clean = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    return clean.substring(clean.lastIndexOf('/') + 1);
  }
}
