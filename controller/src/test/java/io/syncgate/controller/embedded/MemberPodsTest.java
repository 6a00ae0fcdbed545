package io.syncgate.controller.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A member pod carries exactly what the caller gave it, and is the same on every call. */
class MemberPodsTest {

  @Test
  void aRunningPodHasTheGivenNameAddressAndLabelsOnly() {
    Pod pod =
        MemberPods.running(
            "db", "hippo-1", "127.0.64.3", Map.of("cluster", "hippo", "subset", "hippo-1"));

    assertThat(pod.getMetadata().getNamespace()).isEqualTo("db");
    assertThat(pod.getMetadata().getName()).isEqualTo("hippo-1");
    assertThat(pod.getMetadata().getLabels())
        .containsExactly(entry("cluster", "hippo"), entry("subset", "hippo-1"));
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.64.3");
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    assertThat(pod)
        .isEqualTo(
            MemberPods.running(
                "db", "hippo-1", "127.0.64.3", Map.of("subset", "hippo-1", "cluster", "hippo")));
  }
}
