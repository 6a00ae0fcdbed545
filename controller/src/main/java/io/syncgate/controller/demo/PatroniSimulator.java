package io.syncgate.controller.demo;

import io.syncgate.policy.gating.PatroniRole;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Patroni cluster's REST APIs, simulated: one listening socket per member, each on its own
 * loopback address and port like a pod (127.0.0.2:8008, 127.0.0.3:8008, …), or on 127.0.0.1 with
 * distinct ports for large fleets.
 *
 * <p>Answers {@code GET /patroni}, {@code /replica[?lag=…]}, {@code /readiness}, {@code /liveness}
 * and {@code /cluster} in the shapes of Patroni 3.0.2, from the members' scripted values; anything
 * else gets 404. A member set to report Patroni 4.1 or later answers {@code /readiness} and {@code
 * /replica?lag} by 4.1's rules (lag-aware, with its WAL receiver's position; see {@link
 * PatroniReadiness}) and adds {@code patroni.name} to {@code /patroni}. {@code /replica?lag} and
 * {@code /cluster}'s {@code lag} compare against the leader position "in the DCS", which follows
 * the leader by default and can be pinned (a stale DCS) or cleared (DCS unreachable) to show where
 * Patroni's own checks go wrong.
 *
 * <p>Bodies are rendered once per change of a member's values and cached (a leader's also when any
 * member changes, since its {@code replication} list names them), so {@code dcs_last_seen} is the
 * time of the last rendering. All sockets live on one Vert.x context; members may be changed from
 * any thread.
 */
public final class PatroniSimulator {

  /** How answers are framed. */
  public enum Mode {
    /**
     * Like Patroni 3.0.2: {@code HTTP/1.0}, no {@code Content-Length}, the connection is closed
     * after each answer.
     */
    HTTP10_CLOSE,
    /** {@code HTTP/1.1} with {@code Content-Length}; connections are kept for further requests. */
    KEEP_ALIVE
  }

  /**
   * Cluster-wide settings: Patroni {@code scope}, framing, the reported {@code
   * database_system_identifier}, the clock for {@code Date} and {@code dcs_last_seen}, and {@code
   * maximum_lag_on_failover} (what Patroni 4.1's {@code /readiness} allows without {@code ?lag=}).
   */
  public record Options(
      String scope, Mode mode, String systemIdentifier, Clock clock, long maximumLagOnFailover) {
    public Options {
      if (scope == null || scope.isBlank()) {
        throw new IllegalArgumentException("scope must not be empty");
      }
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(systemIdentifier, "systemIdentifier");
      Objects.requireNonNull(clock, "clock");
      if (maximumLagOnFailover < 0) {
        throw new IllegalArgumentException(
            "maximum_lag_on_failover must be >= 0, got " + maximumLagOnFailover);
      }
    }

    /**
     * Scope {@code demo}, {@link Mode#HTTP10_CLOSE}, the identifier of the recorded cluster,
     * Patroni's default {@code maximum_lag_on_failover} (1 MiB).
     */
    public static Options defaults() {
      return new Options(
          "demo",
          Mode.HTTP10_CLOSE,
          "7713263116900777059",
          Clock.systemUTC(),
          PatroniReadiness.DEFAULT_MAXIMUM_LAG_ON_FAILOVER);
    }

    public Options withScope(String newScope) {
      return new Options(newScope, mode, systemIdentifier, clock, maximumLagOnFailover);
    }

    public Options withMode(Mode newMode) {
      return new Options(scope, newMode, systemIdentifier, clock, maximumLagOnFailover);
    }

    public Options withClock(Clock newClock) {
      return new Options(scope, mode, systemIdentifier, newClock, maximumLagOnFailover);
    }

    public Options withMaximumLagOnFailover(long bytes) {
      return new Options(scope, mode, systemIdentifier, clock, bytes);
    }
  }

  private enum DcsMode {
    FOLLOW_LEADER,
    PINNED,
    UNKNOWN
  }

  private record DcsLeaderPosition(DcsMode mode, long pinned) {}

  private static final Pattern LAG =
      Pattern.compile("\\s*(\\d+(?:\\.\\d*)?)\\s*(B|kB|MB|GB|TB)?\\s*");

  private static final byte[] GARBAGE =
      "<html><body>this is not JSON {\"state\": ".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] ERROR_PAGE =
      ("<!DOCTYPE HTML>\n<html>\n<head><title>Error response</title></head>\n"
              + "<body><h1>Error response</h1><p>Error code: 500</p>"
              + "<p>Message: Internal Server Error.</p></body>\n</html>\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final Context context;
  private final Options options;
  private final HttpDate httpDate;
  private final Map<SimulatedMember, MemberEndpoint> endpoints = new LinkedHashMap<>();
  private final AtomicLong clusterRevision = new AtomicLong();
  private volatile DcsLeaderPosition dcs = new DcsLeaderPosition(DcsMode.FOLLOW_LEADER, 0);
  private volatile boolean closed;
  private Future<Void> closing;

  private PatroniSimulator(
      Vertx vertx, Context context, Options options, List<SimulatedMember> members) {
    this.context = context;
    this.options = options;
    this.httpDate = new HttpDate(options.clock());
    for (SimulatedMember m : members) {
      endpoints.put(m, new MemberEndpoint(this, m, vertx));
    }
  }

  /** Starts a simulator with {@link Options#defaults()} in the given mode. */
  public static Future<PatroniSimulator> start(
      Vertx vertx, List<SimulatedMember> members, Mode mode) {
    return start(vertx, members, Options.defaults().withMode(mode));
  }

  /**
   * Binds one server socket per member (except those set to {@link
   * SimulatedMember.Behaviour#REFUSE}) and completes when all listen. If any cannot bind, the
   * others are closed again and the future fails with that cause.
   */
  public static Future<PatroniSimulator> start(
      Vertx vertx, List<SimulatedMember> members, Options options) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    try {
      validate(members);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Context context = vertx.getOrCreateContext();
    PatroniSimulator simulator = new PatroniSimulator(vertx, context, options, members);
    return simulator
        .onContext(simulator::convergeAll)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.succeededFuture(simulator)
                    : simulator.close().transform(ignored -> Future.failedFuture(ar.cause())));
  }

  private static void validate(List<SimulatedMember> members) {
    Objects.requireNonNull(members, "members");
    Set<String> names = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (SimulatedMember m : members) {
      Objects.requireNonNull(m, "member");
      if (!names.add(m.name())) {
        throw new IllegalArgumentException("two members are named " + m.name());
      }
      // Two Vert.x servers on one host:port would silently share the socket; refuse instead.
      if (m.requestedPort() != 0 && !addresses.add(m.host() + " " + m.requestedPort())) {
        throw new IllegalArgumentException(
            "two members listen on " + m.host() + ":" + m.requestedPort());
      }
    }
  }

  public Options options() {
    return options;
  }

  public List<SimulatedMember> members() {
    return List.copyOf(endpoints.keySet());
  }

  /** The member named {@code name}; IllegalArgumentException if there is none. */
  public SimulatedMember member(String name) {
    for (SimulatedMember m : endpoints.keySet()) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("no simulated member named " + name);
  }

  /** Where the member's REST API listens (the bound port when it asked for port 0). */
  public SocketAddress address(SimulatedMember member) {
    return SocketAddress.inetSocketAddress(endpoint(member).port(), member.host());
  }

  /** {@code http://host:port} of the member's REST API. */
  public String baseUri(SimulatedMember member) {
    String host = member.host().contains(":") ? "[" + member.host() + "]" : member.host();
    return "http://" + host + ":" + endpoint(member).port();
  }

  /** How many requests the member has read (answered or not) since the start. */
  public long requestCount(SimulatedMember member) {
    return endpoint(member).requestCount();
  }

  /** How many connections the member has accepted (and not dropped for REFUSE) since the start. */
  public long connectionCount(SimulatedMember member) {
    return endpoint(member).connectionCount();
  }

  /** How many of the member's connections are open now (a leak shows here). */
  public long openConnectionCount(SimulatedMember member) {
    return endpoint(member).openConnectionCount();
  }

  /** Requests read by all members together. */
  public long totalRequestCount() {
    long total = 0;
    for (MemberEndpoint e : endpoints.values()) {
      total += e.requestCount();
    }
    return total;
  }

  /**
   * Pins the leader position "in the DCS" to {@code position}, like a DCS that was last written
   * {@code loop_wait} ago: {@code /replica?lag} and {@code /cluster} then compare against it.
   */
  public void setDcsLeaderPosition(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must be >= 0, got " + position);
    }
    dcs = new DcsLeaderPosition(DcsMode.PINNED, position);
  }

  /** The DCS leader position follows the leader's {@code xlog.location} again (the default). */
  public void followLeaderInDcs() {
    dcs = new DcsLeaderPosition(DcsMode.FOLLOW_LEADER, 0);
  }

  /**
   * No leader position is known (the DCS is unreachable): Patroni then considers no replica
   * lagging, so {@code /replica?lag=0MB} answers 200.
   */
  public void clearDcsLeaderPosition() {
    dcs = new DcsLeaderPosition(DcsMode.UNKNOWN, 0);
  }

  /** The leader position the simulated DCS holds now, if any. */
  public OptionalLong dcsLeaderPosition() {
    DcsLeaderPosition current = dcs;
    return switch (current.mode()) {
      case PINNED -> OptionalLong.of(current.pinned());
      case UNKNOWN -> OptionalLong.empty();
      case FOLLOW_LEADER -> {
        SimulatedMember leader = leader();
        yield leader == null
            ? OptionalLong.empty()
            : OptionalLong.of(leader.state().publishedPosition());
      }
    };
  }

  /**
   * Completes once every member's server socket matches its behaviour: closed for {@link
   * SimulatedMember.Behaviour#REFUSE}, listening otherwise. Behaviour changes take effect on new
   * connections at once; this tells when a member switched back from REFUSE accepts again.
   */
  public Future<Void> converged() {
    return onContext(this::convergeAll);
  }

  /** Closes every server socket and the connections they accepted. Idempotent. */
  public Future<Void> close() {
    return onContext(
        () -> {
          if (closing == null) {
            closed = true;
            closing =
                convergeAll().onComplete(ar -> endpoints.values().forEach(MemberEndpoint::detach));
          }
          return closing;
        });
  }

  // ---- for MemberEndpoint -------------------------------------------------------------------

  Mode mode() {
    return options.mode();
  }

  HttpDate httpDate() {
    return httpDate;
  }

  boolean isClosed() {
    return closed;
  }

  void memberChanged() {
    clusterRevision.incrementAndGet();
  }

  void runOnContext(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /** Runs {@code action} on the simulator's context and hands back its result. */
  <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  byte[] renderPatroni(String name, MemberState state) {
    return PatroniJson.patroni(
        state,
        name,
        options.scope(),
        options.systemIdentifier(),
        httpDate.epochSecond(),
        state.role() == PatroniRole.LEADER ? replicationRows() : List.of());
  }

  /** The answer to one request of one member, or null to never answer. */
  SimulatedAnswer answer(MemberEndpoint endpoint, SimulatedRequest request) {
    endpoint.countRequest();
    MemberState state = endpoint.member().state();
    switch (state.behaviour()) {
      case HANG:
        return null;
      case HTTP_500:
        return new SimulatedAnswer(500, "text/html;charset=utf-8", ERROR_PAGE);
      case GARBAGE:
        return SimulatedAnswer.json(200, GARBAGE);
      default:
        break;
    }
    if (!"GET".equals(request.method())) {
      return SimulatedAnswer.bare(501);
    }
    return switch (request.path()) {
      case "/patroni" ->
          SimulatedAnswer.json(200, endpoint.patroniBody(state, clusterRevision.get()));
      case "/replica" ->
          SimulatedAnswer.json(
              replicaStatus(state, request.queryParameter("lag")),
              endpoint.patroniBody(state, clusterRevision.get()));
      case "/readiness" -> SimulatedAnswer.bare(readiness(state, request).status());
      case "/liveness" -> SimulatedAnswer.bare(200);
      case "/cluster" -> SimulatedAnswer.json(200, renderCluster());
      default -> SimulatedAnswer.bare(404);
    };
  }

  // ---- Patroni's rules, by the member's release ------------------------------------------------

  /**
   * {@code /readiness} as the member's Patroni release answers it ({@link PatroniReadiness}): lag
   * aware from 4.1, against the simulated DCS's leader position and the member's WAL receiver.
   */
  PatroniReadiness.Answer readiness(MemberState state, SimulatedRequest request) {
    if (!PatroniReadiness.lagAware(state.patroniVersion())) {
      return PatroniReadiness.v302(state.role().isLeader(), state.state());
    }
    return PatroniReadiness.v41(
        new PatroniReadiness.Member(
            state.role().isLeader(),
            state.state(),
            state.replicationState(),
            dcsLeaderPosition(),
            state.latestEndLsn(),
            state.receivedLocation(),
            state.replayedLocation()),
        request.queryParameter("lag"),
        request.queryParameter("mode"),
        options.maximumLagOnFailover());
  }

  /**
   * {@code /replica}: 200 for a running replica that is not lagging; lagging means the leader
   * position is known (non-zero) and beyond {@code replayed_location + lag}. The leader position is
   * the DCS's; from 4.1 the larger of it and the WAL receiver's {@code latest_end_lsn}. An
   * unparsable {@code lag} means no limit, as in Patroni.
   */
  private int replicaStatus(MemberState state, String lagParameter) {
    if (state.role() != PatroniRole.REPLICA || !"running".equals(state.state())) {
      return 503;
    }
    long maxLag = parseLag(lagParameter);
    long leaderPosition = dcsLeaderPosition().orElse(0);
    if (PatroniReadiness.lagAware(state.patroniVersion())) {
      leaderPosition = Math.max(leaderPosition, state.latestEndLsn());
    }
    boolean lagging = leaderPosition != 0 && leaderPosition - state.replayedLocation() > maxLag;
    return lagging ? 503 : 200;
  }

  /**
   * Patroni's {@code parse_int(value, 'B')}: bytes, or kB/MB/GB/TB in powers of 1024; no limit
   * ({@link Long#MAX_VALUE}) when absent or unreadable, as {@code /replica} takes it.
   */
  static long parseLag(String value) {
    Long parsed = parseLagOrNull(value);
    return parsed == null ? Long.MAX_VALUE : parsed;
  }

  /** {@link #parseLag}, but null when absent or unreadable (Patroni's {@code None}). */
  static Long parseLagOrNull(String value) {
    if (value == null) {
      return null;
    }
    Matcher m = LAG.matcher(value);
    if (!m.matches()) {
      return null;
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long multiplier =
        switch (unit) {
          case "kB" -> 1L << 10;
          case "MB" -> 1L << 20;
          case "GB" -> 1L << 30;
          case "TB" -> 1L << 40;
          default -> 1L;
        };
    double bytes = Math.rint(number * multiplier);
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }

  private List<PatroniJson.Replication> replicationRows() {
    List<PatroniJson.Replication> rows = new ArrayList<>();
    for (SimulatedMember m : endpoints.keySet()) {
      MemberState s = m.state();
      if (s.role() == PatroniRole.REPLICA && "running".equals(s.state())) {
        rows.add(new PatroniJson.Replication(m.name(), m.host()));
      }
    }
    return rows;
  }

  /**
   * {@code /cluster}: members by name, the {@link #leader()} as {@code leader}, the others with
   * {@code lag} = DCS leader position − their published position (0 when ahead or unknown, as
   * Patroni).
   */
  private byte[] renderCluster() {
    List<SimulatedMember> sorted = new ArrayList<>(endpoints.keySet());
    sorted.sort(Comparator.comparing(SimulatedMember::name));
    long clusterLsn = dcsLeaderPosition().orElse(0);
    SimulatedMember leader = leader();
    List<PatroniJson.ClusterMember> rows = new ArrayList<>();
    for (SimulatedMember m : sorted) {
      MemberState s = m.state();
      boolean isLeader = m == leader;
      String role =
          isLeader
              ? (s.role() == PatroniRole.STANDBY_LEADER ? "standby_leader" : "leader")
              : "replica";
      Long lag = null;
      if (!isLeader) {
        long position = s.publishedPosition();
        lag = clusterLsn >= position ? clusterLsn - position : 0;
      }
      rows.add(
          new PatroniJson.ClusterMember(
              m.name(),
              role,
              s.state(),
              baseUri(m) + "/patroni",
              m.host(),
              m.postgresPort(),
              s.postgresQueried() ? s.timeline() : null,
              lag));
    }
    return PatroniJson.cluster(rows);
  }

  /** The first member (in the order given at start) that reports a leader role, or null. */
  private SimulatedMember leader() {
    for (SimulatedMember m : endpoints.keySet()) {
      if (m.state().role().isLeader()) {
        return m;
      }
    }
    return null;
  }

  private Future<Void> convergeAll() {
    List<Future<Void>> steps = new ArrayList<>();
    for (MemberEndpoint e : endpoints.values()) {
      steps.add(e.converge());
    }
    // join, not all: wait for every socket even when one fails, so none is left half-open.
    return Future.join(steps).transform(ignored -> firstFailure(steps));
  }

  private static Future<Void> firstFailure(List<Future<Void>> steps) {
    for (Future<Void> step : steps) {
      if (step.failed()) {
        return Future.failedFuture(step.cause());
      }
    }
    return Future.succeededFuture();
  }

  private MemberEndpoint endpoint(SimulatedMember member) {
    MemberEndpoint endpoint = endpoints.get(member);
    if (endpoint == null) {
      throw new IllegalArgumentException(member + " is not part of this simulator");
    }
    return endpoint;
  }
}
