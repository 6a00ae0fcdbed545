package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * Identifies one ReplicaGate. Its {@link #toString()} ({@code ReplicaGate(ns/name)}) starts every
 * log line about the gate.
 */
public record GateKey(String namespace, String name) implements Comparable<GateKey> {

  public GateKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static GateKey of(HasMetadata gate) {
    return new GateKey(gate.getMetadata().getNamespace(), gate.getMetadata().getName());
  }

  @Override
  public int compareTo(GateKey other) {
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return "ReplicaGate(" + namespace + "/" + name + ")";
  }
}
