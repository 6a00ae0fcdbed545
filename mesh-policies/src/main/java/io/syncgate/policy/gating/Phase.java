package io.syncgate.policy.gating;

/** A replica's phase, as docs/design.md, "Phases and weights" defines it. */
public enum Phase {
  UNKNOWN("Unknown"),
  GATED("Gated"),
  RAMPING("Ramping"),
  SERVING("Serving"),
  EJECTED("Ejected");

  private final String displayName;

  Phase(String displayName) {
    this.displayName = displayName;
  }

  /** The value written to {@code status.replicas[].phase}. */
  public String displayName() {
    return displayName;
  }

  public static Phase fromDisplayName(String name) {
    for (Phase p : values()) {
      if (p.displayName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown phase: " + name);
  }
}
