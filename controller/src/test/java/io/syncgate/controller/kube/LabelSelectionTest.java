package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.syncgate.controller.embedded.MemberPods;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label selectors matched in the controller, as the API server matches them. */
class LabelSelectionTest {

  private static final Map<String, String> HIPPO =
      Map.of("cluster", "hippo", "role", "replica", "tier", "db");

  @Test
  void matchLabelsMustAllHold() {
    assertThat(LabelSelection.matches(labels("cluster", "hippo"), HIPPO)).isTrue();
    assertThat(LabelSelection.matches(labels("cluster", "hippo", "role", "replica"), HIPPO))
        .isTrue();
    assertThat(LabelSelection.matches(labels("cluster", "hippo", "role", "master"), HIPPO))
        .isFalse();
    assertThat(LabelSelection.matches(labels("cluster", "hippo"), null)).isFalse();
  }

  @Test
  void everyOperatorOfMatchExpressions() {
    assertThat(LabelSelection.matches(expression("role", "In", "replica", "sync"), HIPPO)).isTrue();
    assertThat(LabelSelection.matches(expression("role", "In", "master"), HIPPO)).isFalse();
    assertThat(LabelSelection.matches(expression("absent", "In", "x"), HIPPO)).isFalse();

    assertThat(LabelSelection.matches(expression("role", "NotIn", "master"), HIPPO)).isTrue();
    assertThat(LabelSelection.matches(expression("role", "NotIn", "replica"), HIPPO)).isFalse();
    // NotIn holds where the label is absent, as in Kubernetes.
    assertThat(LabelSelection.matches(expression("absent", "NotIn", "x"), HIPPO)).isTrue();

    assertThat(LabelSelection.matches(expression("tier", "Exists"), HIPPO)).isTrue();
    assertThat(LabelSelection.matches(expression("absent", "Exists"), HIPPO)).isFalse();
    assertThat(LabelSelection.matches(expression("absent", "DoesNotExist"), HIPPO)).isTrue();
    assertThat(LabelSelection.matches(expression("tier", "DoesNotExist"), HIPPO)).isFalse();
  }

  @Test
  void matchLabelsAndExpressionsTogetherAndTheEdges() {
    LabelSelector both =
        new LabelSelectorBuilder()
            .addToMatchLabels("cluster", "hippo")
            .addNewMatchExpression()
            .withKey("role")
            .withOperator("NotIn")
            .withValues("master")
            .endMatchExpression()
            .build();
    assertThat(LabelSelection.matches(both, HIPPO)).isTrue();
    assertThat(LabelSelection.matches(both, Map.of("cluster", "hippo", "role", "master")))
        .isFalse();
    assertThat(LabelSelection.matches(both, Map.of("role", "replica"))).isFalse();

    // An empty selector selects everything, a missing one nothing (Kubernetes' rule; a gate's
    // selector is validated non-empty before it is used).
    assertThat(LabelSelection.matches(new LabelSelector(), HIPPO)).isTrue();
    assertThat(LabelSelection.matches(null, HIPPO)).isFalse();
    // Invalid expressions match nothing rather than everything.
    assertThat(LabelSelection.matches(expression("role", "Near", "replica"), HIPPO)).isFalse();
    assertThat(LabelSelection.matches(expression("role", "In"), HIPPO)).isFalse();
    assertThat(LabelSelection.matches(expression("role", "NotIn"), HIPPO)).isFalse();
  }

  @Test
  void selectingFromTheIndexFindsWhatAFullScanFinds() {
    CacheImpl<Pod> cache = new CacheImpl<>();
    cache.setItemStore(new TrimmedItemStore<>(CachedFields::pod));
    cache.addIndexFunc(LabelSelection.LABEL_INDEX, LabelSelection::indexValues);
    String[] clusters = {"hippo", "rhino", "zebra"};
    String[] roles = {"replica", "master", null};
    List<Pod> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Map<String, String> labels = new java.util.TreeMap<>();
      labels.put("cluster", clusters[i % 3]);
      if (roles[i % 7 % 3] != null) {
        labels.put("role", roles[i % 7 % 3]);
      }
      if (i % 4 == 0) {
        labels.put("canary", "");
      }
      Pod pod = MemberPods.running("db", "pod-" + i, "10.0.0." + i, labels);
      all.add(pod);
      cache.put(pod);
    }
    // Relabelled and deleted objects leave the index.
    Pod moved = MemberPods.running("db", "pod-0", "10.0.0.0", Map.of("cluster", "zebra"));
    all.set(0, moved);
    cache.put(moved);
    cache.remove(all.remove(1));

    List<LabelSelector> selectors =
        List.of(
            labels("cluster", "hippo"),
            labels("cluster", "zebra", "role", "master"),
            labels("cluster", "nobody"),
            expression("cluster", "In", "hippo", "rhino"),
            expression("role", "NotIn", "master"),
            expression("canary", "Exists"),
            expression("role", "DoesNotExist"),
            new LabelSelectorBuilder()
                .addToMatchLabels("cluster", "rhino")
                .addNewMatchExpression()
                .withKey("canary")
                .withOperator("DoesNotExist")
                .endMatchExpression()
                .build());
    for (LabelSelector selector : selectors) {
      List<String> scanned =
          all.stream()
              .filter(p -> LabelSelection.matches(selector, p.getMetadata().getLabels()))
              .map(p -> p.getMetadata().getName())
              .sorted()
              .toList();
      List<String> selected =
          LabelSelection.select(cache, selector).stream()
              .map(p -> p.getMetadata().getName())
              .toList();
      assertThat(selected).as("selected by %s", selector).isEqualTo(scanned);
    }
    assertThat(LabelSelection.select(cache, labels("cluster", "zebra")))
        .extracting(p -> p.getMetadata().getName())
        .contains("pod-0");
    assertThat(LabelSelection.select(cache, labels("cluster", "hippo")))
        .extracting(p -> p.getMetadata().getName())
        .doesNotContain("pod-0");
  }

  private static LabelSelector labels(String... keyValues) {
    LabelSelectorBuilder builder = new LabelSelectorBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      builder.addToMatchLabels(keyValues[i], keyValues[i + 1]);
    }
    return builder.build();
  }

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values)
        .endMatchExpression()
        .build();
  }
}
