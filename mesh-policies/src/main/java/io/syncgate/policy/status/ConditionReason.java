package io.syncgate.policy.status;

/** The {@code reason} values of the gate's conditions (CamelCase, as metav1.Condition wants). */
public final class ConditionReason {

  /** Ready=True: the mesh holds what the gate decided. */
  public static final String RECONCILED = "Reconciled";

  /** Ready=False: the spec breaks a rule. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** Ready=False: a mesh object of the gate's name is not syncgate's. */
  public static final String CONFLICT = "Conflict";

  /** Ready=False: Patroni cannot be polled at all (its Secrets cannot be read). */
  public static final String PATRONI_SECRET_UNAVAILABLE = "PatroniSecretUnavailable";

  /** Ready=False: the member pods cannot be listed; retried with backoff. */
  public static final String POD_WATCH_FAILED = "PodWatchFailed";

  /**
   * Ready=False: the VirtualServices syncgate does not manage cannot be listed, so whether another
   * one routes the gate's host is not known; retried with backoff.
   */
  public static final String HOST_CHECK_FAILED = "HostCheckFailed";

  /**
   * Ready=False: the EndpointSlices of the gate's Services cannot be listed; retried with backoff.
   */
  public static final String ENDPOINT_WATCH_FAILED = "EndpointWatchFailed";

  /** Ready=False: no tick has completed for longer than one may take (watchdog). */
  public static final String TICK_STALLED = "TickStalled";

  /** Ready=False: a mesh write failed; retried next tick. */
  public static final String MESH_WRITE_FAILED = "MeshWriteFailed";

  /**
   * Ready=False: nothing with a ready endpoint can take the reads (no replica admitted, and the
   * fallback has no endpoint); the live route stays as it is.
   */
  public static final String NO_ROUTABLE_DESTINATION = "NoRoutableDestination";

  /** Ready=False: no single reachable leader. */
  public static final String DEGRADED = "Degraded";

  /** Degraded=True. */
  public static final String LEADER_UNKNOWN = "LeaderUnknown";

  /** Degraded=False. */
  public static final String LEADER_KNOWN = "LeaderKnown";

  /** InvalidSpec=True. */
  public static final String VALIDATION_FAILED = "ValidationFailed";

  /** InvalidSpec=False. */
  public static final String SPEC_VALID = "SpecValid";

  /** Conflict=True. */
  public static final String NOT_MANAGED_BY_SYNCGATE = "NotManagedBySyncgate";

  /** Conflict=True: something else routes the gate's host, or an older gate claims it. */
  public static final String HOST_CLAIMED = "HostClaimed";

  /** Conflict=False. */
  public static final String NO_CONFLICT = "NoConflict";

  /** MembersExcluded=True: a member's pod name cannot name an Istio subset. */
  public static final String INVALID_SUBSET_NAME = "InvalidSubsetName";

  /** MembersExcluded=True: a member pod's subset label does not carry its own name. */
  public static final String SUBSET_LABEL_MISMATCH = "SubsetLabelMismatch";

  /**
   * MembersExcluded=True: a member pod is not a ready endpoint of the read host's Service, so its
   * subset would take reads and answer none.
   */
  public static final String NO_READY_ENDPOINT = "NoReadyEndpoint";

  /** MembersExcluded=False. */
  public static final String NONE_EXCLUDED = "NoneExcluded";

  private ConditionReason() {}
}
