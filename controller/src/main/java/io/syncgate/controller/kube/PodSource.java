package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A gate's member pods: a watch by label selector in the gate's namespace, and what it has seen.
 */
interface PodSource {

  /** Watches the pods {@code selector} matches, in place of any earlier watch. */
  void watch(LabelSelector selector);

  /** True once the current watch has its first list: an unsynced cache looks like "no members". */
  boolean synced();

  /** The pods as last seen (never modify them). */
  List<Pod> pods();

  /** Stops watching. */
  void close();
}
