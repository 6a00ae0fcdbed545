package io.syncgate.policy.gating;

/** Where reads go when no replica holds a share. */
public enum Fallback {
  /** 100 to the primary Service, or without one to the leader's subset ({@link PrimaryRoute}). */
  PRIMARY,
  /** Equal shares among all replicas: fail open, availability over freshness. */
  ALL_REPLICAS
}
