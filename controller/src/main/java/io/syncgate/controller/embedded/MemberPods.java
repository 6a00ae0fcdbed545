package io.syncgate.controller.embedded;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
}
