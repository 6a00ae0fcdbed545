package io.syncgate.controller.demo;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.syncgate.policy.ByteQuantity;
import io.syncgate.policy.EjectionSpec;
import io.syncgate.policy.GoDuration;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.ReplicaGateValidator;
import io.syncgate.policy.Violation;
import io.syncgate.policy.gating.HumanFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code syncgate demo} is told: which story, the simulated cluster's figures, the
 * gate's policy, and how the story is told. Policy values stay in the spec's own notation ({@code
 * 1Mi}, {@code 3s}) so the gate the demo applies reads exactly as the flags were given.
 *
 * @param scenario which story
 * @param replicas how many replicas are caught up from the start
 * @param backlogBytes how far the joining replica starts behind the leader; in {@link
 *     Scenario#ROLLOUT} the three joining replicas start a quarter, half and three quarters of it
 *     behind ({@link #joinerBacklogs()})
 * @param catchUpBytesPerSecond how fast the joining replica replays while behind
 * @param writeBytesPerSecond how fast the leader writes WAL
 * @param maxLag {@code spec.admission.maxLag}
 * @param stableFor {@code spec.admission.stableFor}
 * @param steps {@code spec.ramp.steps}
 * @param stepInterval {@code spec.ramp.stepInterval}
 * @param pollInterval {@code spec.pollInterval}
 * @param tableInterval how often the table of all replicas is printed
 * @param timeout how long the joining replica may take to serve before the demo fails
 * @param follow keep running once it serves, until interrupted
 * @param output text for people, JSON lines for scripts
 * @param emitDir where the final mesh objects are written as YAML; null for nowhere
 * @param patroniVersion whose answers the simulated members give, {@code /readiness} above all
 */
public record DemoSettings(
    Scenario scenario,
    int replicas,
    long backlogBytes,
    long catchUpBytesPerSecond,
    long writeBytesPerSecond,
    String maxLag,
    String stableFor,
    List<Integer> steps,
    String stepInterval,
    String pollInterval,
    Duration tableInterval,
    Duration timeout,
    boolean follow,
    Output output,
    Path emitDir,
    PatroniVersion patroniVersion) {

  /** The Patroni release the simulated members answer as. */
  public enum PatroniVersion {
    /**
     * Debian 12's package: {@code /readiness} answers 200 for any running replica, however far
     * behind.
     */
    V3_0_2("3.0.2", "3.0.2"),
    /**
     * Patroni 4.1 (its rules as of 4.1.4): {@code /readiness} answers 503 for a replica that is not
     * streaming or more than {@code maximum_lag_on_failover} behind.
     */
    V4_1("4.1", "4.1.4");

    private final String word;
    private final String reported;

    PatroniVersion(String word, String reported) {
      this.word = word;
      this.reported = reported;
    }

    /** The word on the command line: {@code 3.0.2}, {@code 4.1}. */
    public String word() {
      return word;
    }

    /** What the members report as {@code patroni.version}. */
    public String reported() {
      return reported;
    }

    /** Whether its {@code /readiness} looks at the replica's lag. */
    public boolean lagAwareReadiness() {
      return this == V4_1;
    }
  }

  /** Which story the demo tells. */
  public enum Scenario {
    /**
     * A replica restored from an old backup is held at weight 0 while it catches up, then ramps in.
     */
    SEED,
    /**
     * The cluster scales out by three replicas restored from backups; with {@code ramp.maxRamping:
     * 1} they enter the read route one at a time, and an operator holds, resumes and promotes them.
     */
    ROLLOUT;

    /** The word on the command line. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How many replicas join in {@link Scenario#ROLLOUT}. */
  public static final int ROLLOUT_JOINERS = 3;

  /** {@code spec.ramp.maxRamping} in {@link Scenario#ROLLOUT}. */
  public static final int ROLLOUT_MAX_RAMPING = 1;

  /** How the story is printed. */
  public enum Output {
    /** Lines and tables for a person at a terminal. */
    TEXT,
    /** One JSON object per line, one per event. */
    JSON
  }

  /**
   * How often the demo asks the joining replica's {@code /readiness}, as a readiness probe would
   * (the kubelet's default is every 10 s; this is finer, to see when the answer turns).
   */
  public static final Duration READINESS_CHECK_INTERVAL = Duration.ofMillis(500);

  /** At most this many caught-up replicas (each member needs an address in one /24). */
  public static final int MAX_REPLICAS = 50;

  public static final String NAMESPACE = "db";
  public static final String GATE = "hippo-reads";
  public static final String CLUSTER = "hippo";
  public static final String HOST = "hippo-replicas.db.svc.cluster.local";

  /** The Service {@link #HOST} names: it selects the replicas only, like PGO's. */
  public static final String READ_SERVICE = "hippo-replicas";

  /**
   * The primary's own Service, where the {@code Primary} fallback sends reads: like PGO's {@code
   * <cluster>-ha}, a ClusterIP Service without a selector whose one endpoint Patroni keeps on the
   * leader pod.
   */
  public static final String PRIMARY_SERVICE = "hippo-ha";

  /** {@code spec.mesh.primaryHost}: {@link #PRIMARY_SERVICE}'s cluster-local name. */
  public static final String PRIMARY_HOST = "hippo-ha.db.svc.cluster.local";

  public static final String CLUSTER_LABEL = "postgres-operator.crunchydata.com/cluster";

  /**
   * The label PGO's Patroni keeps on each instance pod: {@link #ROLE_PRIMARY} on the leader, {@link
   * #ROLE_REPLICA} on the others. {@link #READ_SERVICE} selects on it.
   */
  public static final String ROLE_LABEL = "postgres-operator.crunchydata.com/role";

  public static final String ROLE_PRIMARY = "master";
  public static final String ROLE_REPLICA = "replica";

  /** Which flag sets which spec field, for error messages in the flags' own words. */
  private static final Map<String, String> FLAG_OF_FIELD =
      Map.of(
          "spec.admission.maxLag", "--max-lag",
          "spec.admission.stableFor", "--stable-for",
          "spec.ramp.steps", "--steps",
          "spec.ramp.stepInterval", "--step-interval",
          "spec.pollInterval", "--poll-interval");

  public DemoSettings {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(maxLag, "maxLag");
    Objects.requireNonNull(stableFor, "stableFor");
    steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
    Objects.requireNonNull(stepInterval, "stepInterval");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(tableInterval, "tableInterval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(patroniVersion, "patroniVersion");
  }

  /**
   * Every problem with these settings, each naming its flag; empty when the demo can run. The
   * gate's policy is checked by the same validator the controller uses.
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (replicas < 0 || replicas > MAX_REPLICAS) {
      out.add("--replicas must be 0.." + MAX_REPLICAS + ", got " + replicas);
    }
    if (backlogBytes < 0) {
      out.add("--backlog must not be negative");
    }
    if (writeBytesPerSecond < 0) {
      out.add("--write-rate must not be negative");
    }
    if (catchUpBytesPerSecond <= writeBytesPerSecond && backlogBytes > 0) {
      out.add(
          "--catch-up-rate ("
              + HumanFormat.bytes(catchUpBytesPerSecond)
              + "/s) must be above --write-rate ("
              + HumanFormat.bytes(writeBytesPerSecond)
              + "/s), or the new replica never catches up");
    }
    if (tableInterval.isNegative() || tableInterval.isZero()) {
      out.add("--table-interval must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      out.add("--timeout must be positive");
    }
    for (Violation v : ReplicaGateValidator.validate(gate())) {
      out.add(flagOf(v.path()) + ": " + v.message());
    }
    if (scenario == Scenario.ROLLOUT) {
      out.addAll(rolloutProblems());
    }
    return out;
  }

  /** What the rollout story needs beyond a valid gate. */
  private List<String> rolloutProblems() {
    List<String> out = new ArrayList<>();
    if (replicas < 1) {
      out.add(
          "--replicas must be at least 1 with --scenario rollout: replicas take turns only while"
              + " another serves");
    }
    if (steps.size() < 2) {
      out.add(
          "--steps must have at least two steps with --scenario rollout: it holds and promotes"
              + " replicas while they ramp");
    }
    if (ByteQuantity.isValid(maxLag) && backlogBytes / 4 <= ByteQuantity.parse(maxLag)) {
      out.add(
          "--backlog must be above 4 x --max-lag with --scenario rollout: the first new replica"
              + " starts a quarter of it behind, and must start gated");
    }
    return out;
  }

  private static String flagOf(String path) {
    for (Map.Entry<String, String> e : FLAG_OF_FIELD.entrySet()) {
      if (path.equals(e.getKey()) || path.startsWith(e.getKey() + "[")) {
        return e.getValue() + " (" + path + ")";
      }
    }
    return path;
  }

  /** {@code maxLag} in bytes; call only on settings without {@link #problems()}. */
  public long maxLagBytes() {
    return ByteQuantity.parse(maxLag);
  }

  /** {@code pollInterval} as a duration; call only on settings without {@link #problems()}. */
  public Duration pollIntervalDuration() {
    return GoDuration.parse(pollInterval);
  }

  /** The caught-up replicas' member names: {@code hippo-1} … */
  public List<String> caughtUpNames() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= replicas; i++) {
      names.add(member(i));
    }
    return names;
  }

  /** The leader's member name. */
  public String leaderName() {
    return member(0);
  }

  /** The (first) joining replica's member name: the one after the caught-up ones. */
  public String joinerName() {
    return member(replicas + 1);
  }

  /**
   * The joining replicas' member names, after the caught-up ones: one in {@link Scenario#SEED},
   * {@link #ROLLOUT_JOINERS} in {@link Scenario#ROLLOUT}.
   */
  public List<String> joinerNames() {
    int count = scenario == Scenario.ROLLOUT ? ROLLOUT_JOINERS : 1;
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      names.add(member(replicas + i));
    }
    return names;
  }

  /**
   * How far each joining replica starts behind, in the order of {@link #joinerNames()}: {@code
   * backlogBytes} for the seed's one; a quarter, half and three quarters of it in the rollout, so
   * they catch up one after another.
   */
  public List<Long> joinerBacklogs() {
    if (scenario != Scenario.ROLLOUT) {
      return List.of(backlogBytes);
    }
    List<Long> out = new ArrayList<>();
    for (int i = 1; i <= ROLLOUT_JOINERS; i++) {
      out.add(backlogBytes / 4 * i);
    }
    return out;
  }

  /** {@code stepInterval} as a duration; call only on settings without {@link #problems()}. */
  public Duration stepIntervalDuration() {
    return GoDuration.parse(stepInterval);
  }

  /** Member {@code index}'s name, as Patroni names members after their pods. */
  public static String member(int index) {
    return CLUSTER + "-" + index;
  }

  /**
   * The gate the demo applies: the Crunchy-PGO-shaped example with this policy, reads falling back
   * to the primary's own Service ({@link #PRIMARY_HOST}) while no replica is admitted. The ejection
   * threshold keeps its default unless the admission threshold is above it (it must not be below).
   * The rollout's gate lets one replica ramp at a time ({@link #ROLLOUT_MAX_RAMPING}).
   */
  public ReplicaGate gate() {
    ReplicaGate gate = new ReplicaGate();
    gate.getMetadata().setNamespace(NAMESPACE);
    gate.getMetadata().setName(GATE);
    ReplicaGateSpec spec = gate.getSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels(CLUSTER_LABEL, CLUSTER).build());
    MeshSpec mesh = new MeshSpec();
    mesh.setHost(HOST);
    mesh.setPrimaryHost(PRIMARY_HOST);
    spec.setMesh(mesh);
    spec.getAdmission().setMaxLag(maxLag);
    spec.getAdmission().setStableFor(stableFor);
    spec.getRamp().setSteps(new ArrayList<>(steps));
    spec.getRamp().setStepInterval(stepInterval);
    if (scenario == Scenario.ROLLOUT) {
      spec.getRamp().setMaxRamping(ROLLOUT_MAX_RAMPING);
    }
    spec.setPollInterval(pollInterval);
    if (ByteQuantity.isValid(maxLag)
        && ByteQuantity.parse(maxLag) > ByteQuantity.parse(EjectionSpec.DEFAULT_MAX_LAG)) {
      spec.getEjection().setMaxLag(maxLag);
    }
    return gate;
  }
}
