package io.syncgate.controller.embedded;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.syncgate.controller.kube.ReadyEndpoints;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pod objects of database members for the embedded API server: what the controller reads of a
 * member (phase, pod IP, labels), with a container as an operator would start it. Shared by the
 * demo, the benchmark and the tests, whose members are simulated or real Patroni on loopback.
 */
public final class MemberPods {

  private MemberPods() {}

  /**
   * A Running pod {@code namespace/name} whose {@code status.podIP} is {@code ip}, labelled with
   * {@code labels} (in key order, so the object is the same from run to run).
   */
  public static Pod running(String namespace, String name, String ip, Map<String, String> labels) {
    return new PodBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(new TreeMap<>(labels))
                .build())
        .withNewSpec()
        .addNewContainer()
        .withName("database")
        .withImage("postgres")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  /**
   * The EndpointSlice that makes {@code pod} a ready endpoint of Service {@code service}, as the
   * EndpointSlice controller would for a Ready pod the Service selects: one slice per pod and
   * Service, named {@code <service>-<pod>}, so a test adds or removes one endpoint without a
   * read-modify-write of a shared slice.
   */
  public static EndpointSlice readyEndpoint(String service, Pod pod, boolean ready) {
    String namespace = pod.getMetadata().getNamespace();
    return new EndpointSliceBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(endpointSliceName(service, pod.getMetadata().getName()))
                .withLabels(Map.of(ReadyEndpoints.SERVICE_NAME_LABEL, service))
                .build())
        .withAddressType("IPv4")
        .addNewEndpoint()
        .withAddresses(pod.getStatus().getPodIP())
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .endTargetRef()
        .endEndpoint()
        .build();
  }

  /** The name of {@link #readyEndpoint}'s slice for {@code pod} in {@code service}. */
  public static String endpointSliceName(String service, String pod) {
    return service + "-" + pod;
  }
}
