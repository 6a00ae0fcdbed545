package io.syncgate.policy.mesh;

/** The kinds of mesh object a gate owns, with the name the API server and the metrics use. */
public enum MeshKind {
  DESTINATION_RULE("DestinationRule"),
  VIRTUAL_SERVICE("VirtualService");

  private final String kind;

  MeshKind(String kind) {
    this.kind = kind;
  }

  /** The Kubernetes {@code kind}, also the {@code kind} label of {@code syncgate_mesh_writes}. */
  public String kind() {
    return kind;
  }

  @Override
  public String toString() {
    return kind;
  }
}
