package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * A gate's member pods: a watch by label selector in the gate's namespace, and what it has seen.
 */
interface PodSource {

  /** Watches the pods {@code selector} matches, in place of any earlier watch. */
  void watch(LabelSelector selector);

  /** True once the current watch has its first list: an unsynced cache looks like "no members". */
  boolean synced();

  /**
   * Why the current watch has no pods yet (its first list failed, the selector cannot be used);
   * empty while it starts normally and once it has synced.
   */
  Optional<String> failure();

  /** The pods as last seen (never modify them). */
  List<Pod> pods();

  /** Stops watching. */
  void close();
}
