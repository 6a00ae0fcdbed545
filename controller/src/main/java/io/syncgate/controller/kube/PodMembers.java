package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.syncgate.controller.patroni.PatroniEndpoint;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.gating.Exclusion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A gate's members as its pods tell them: who to poll, and which pod each name is now. */
final class PodMembers {

  private PodMembers() {}

  /** The pods' UIDs by name. */
  static Map<String, String> uids(List<Pod> pods) {
    Map<String, String> uids = new HashMap<>();
    for (Pod pod : pods) {
      if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
        uids.put(pod.getMetadata().getName(), pod.getMetadata().getUid());
      }
    }
    return uids;
  }

  /** The UIDs a stored status names, by replica name. */
  static Map<String, String> storedUids(ReplicaGateStatus status) {
    Map<String, String> uids = new HashMap<>();
    if (status != null && status.getReplicas() != null) {
      for (var r : status.getReplicas()) {
        if (r != null && r.getName() != null && r.getUid() != null) {
          uids.put(r.getName(), r.getUid());
        }
      }
    }
    return uids;
  }

  /** The gate's members: its pods that run, have an address and are not terminating, by name. */
  static List<PatroniEndpoint> endpoints(List<Pod> pods, GateSettings.PatroniSettings patroni) {
    List<PatroniEndpoint> endpoints = new ArrayList<>();
    for (Pod pod : pods) {
      if (pod.getStatus() == null
          || !"Running".equals(pod.getStatus().getPhase())
          || pod.getStatus().getPodIP() == null
          || pod.getStatus().getPodIP().isBlank()
          // A terminating pod leaves the route before it stops, not after.
          || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      endpoints.add(
          new PatroniEndpoint(
              pod.getMetadata().getName(),
              patroni.scheme(),
              pod.getStatus().getPodIP(),
              patroni.port()));
    }
    endpoints.sort(Comparator.comparing(PatroniEndpoint::member));
    return endpoints;
  }

  /**
   * Members whose pod address is not among {@code readyAddresses}, the ready endpoints of the read
   * host's Service {@code service}: Istio sends a subset's share only to the Service's ready
   * endpoints, so a subset of such a pod would take reads and answer none.
   */
  static List<Exclusion> withoutReadyEndpoint(
      List<Pod> pods, Set<String> readyAddresses, String service) {
    List<Exclusion> out = new ArrayList<>();
    for (Pod pod : pods) {
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip != null && !readyAddresses.contains(ip)) {
        out.add(
            new Exclusion(
                pod.getMetadata().getName(),
                Exclusion.Cause.NO_READY_ENDPOINT,
                "pod " + ip + " is not a ready endpoint of Service " + service));
      }
    }
    return out;
  }

  /**
   * Members whose pod does not carry its own name in {@code subsetLabel}: Syncgate's subset for
   * such a pod selects {@code subsetLabel=<pod name>}, which would match no endpoint (or another
   * pod), so giving it weight would send reads nowhere.
   */
  static List<Exclusion> subsetLabelMismatches(List<Pod> pods, String subsetLabel) {
    List<Exclusion> out = new ArrayList<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      Map<String, String> labels = pod.getMetadata().getLabels();
      String value = labels == null ? null : labels.get(subsetLabel);
      if (!name.equals(value)) {
        out.add(
            new Exclusion(
                name,
                Exclusion.Cause.SUBSET_LABEL_MISMATCH,
                value == null
                    ? "pod has no label " + subsetLabel
                    : "pod label " + subsetLabel + " is not the pod's name"));
      }
    }
    return out;
  }
}
