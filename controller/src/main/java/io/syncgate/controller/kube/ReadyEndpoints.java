package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which addresses of a Service's EndpointSlices can take connections: the rule, in one place. */
public final class ReadyEndpoints {

  /** The label the EndpointSlice controller puts on each slice: the Service it belongs to. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private ReadyEndpoints() {}

  /**
   * The addresses of {@code service}'s ready endpoints in {@code slices}. An endpoint whose {@code
   * ready} condition is unset counts as ready, as the API says consumers should read it; a
   * terminating one is not ready.
   */
  public static Set<String> of(Collection<EndpointSlice> slices, String service) {
    Set<String> out = new HashSet<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels = slice.getMetadata().getLabels();
      if (labels == null || !service.equals(labels.get(SERVICE_NAME_LABEL))) {
        continue;
      }
      for (Endpoint endpoint :
          slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        boolean ready =
            endpoint.getConditions() == null
                || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
        if (ready && endpoint.getAddresses() != null) {
          out.addAll(endpoint.getAddresses());
        }
      }
    }
    return out;
  }
}
