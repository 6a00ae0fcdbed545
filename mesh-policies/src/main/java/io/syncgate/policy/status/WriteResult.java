package io.syncgate.policy.status;

/**
 * What a writer did with one object. Every value but {@link #NOOP} is counted in {@code
 * syncgate_mesh_writes_total{result}}.
 */
public enum WriteResult {
  /** The live object already matched; nothing was sent. */
  NOOP("noop"),
  /** The object did not exist and was created. */
  CREATED("created"),
  /** The object differed and was updated. */
  UPDATED("updated"),
  /** 409 from the API server (stale resourceVersion or a racing create); retried next tick. */
  CONFLICT("conflict"),
  /** An object of that name exists that syncgate does not manage; left untouched. */
  NOT_OWNED("not_owned"),
  /** Any other failure (network, 5xx, 403 …); retried next tick. */
  ERROR("error");

  private final String label;

  WriteResult(String label) {
    this.label = label;
  }

  /** The value of the metric label {@code result}. */
  public String label() {
    return label;
  }

  /** True when the API server now holds the desired object. */
  public boolean settled() {
    return this == NOOP || this == CREATED || this == UPDATED;
  }

  /** True when something was sent and accepted. */
  public boolean wrote() {
    return this == CREATED || this == UPDATED;
  }
}
