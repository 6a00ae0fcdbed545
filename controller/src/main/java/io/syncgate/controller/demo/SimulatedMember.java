package io.syncgate.controller.demo;

import io.netty.util.NetUtil;
import io.syncgate.policy.gating.PatroniRole;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One simulated Patroni member: where its REST API listens and what it currently reports.
 *
 * <p>Every setter is thread-safe and takes effect on the next answer; a {@link PatroniSimulator}
 * serving this member re-renders its cached body only after a change. Setters return {@code this}
 * so a scripted member reads as one expression.
 */
public final class SimulatedMember {

  /** How the member's REST API misbehaves, if it does. */
  public enum Behaviour {
    /** Answers like Patroni. */
    NORMAL,
    /** Accepts connections and reads requests, never answers. */
    HANG,
    /** Stops listening: connections are refused (the pod's process is gone). */
    REFUSE,
    /** Answers every request with {@code 500 Internal Server Error}. */
    HTTP_500,
    /** Answers {@code 200} with a body that is not JSON. */
    GARBAGE
  }

  /** Patroni's default {@code server_version}: PostgreSQL 15.18, as in the recorded answers. */
  public static final int DEFAULT_SERVER_VERSION = 150018;

  /** The Patroni release whose answers are simulated by default. */
  public static final String DEFAULT_PATRONI_VERSION = "3.0.2";

  private final String name;
  private final String host;
  private final int port;
  private final int postgresPort;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this; snapshot is rebuilt lazily after a change.
  private PatroniRole role;
  private String state = "running";
  private String replicationState;
  private long timeline = 1;
  private long location;
  private long receivedLocation;
  private long replayedLocation;
  private Instant replayedTimestamp;
  private boolean paused;
  private Behaviour behaviour = Behaviour.NORMAL;
  private String patroniVersion = DEFAULT_PATRONI_VERSION;
  private int serverVersion = DEFAULT_SERVER_VERSION;
  private Instant postmasterStartTime;
  private long revision;
  private MemberState snapshot;

  private SimulatedMember(
      String name, String host, int port, int postgresPort, PatroniRole role, Instant startTime) {
    this.name = requireText(name, "name");
    this.host = requireLoopback(host);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (postgresPort < 1 || postgresPort > 65535) {
      throw new IllegalArgumentException("postgres port must be 1..65535, got " + postgresPort);
    }
    this.port = port;
    this.postgresPort = postgresPort;
    this.role = Objects.requireNonNull(role, "role");
    this.postmasterStartTime = Objects.requireNonNull(startTime, "startTime");
  }

  /**
   * A leader at WAL position 0 on timeline 1, REST API on {@code host:port} ({@code port} 0 picks a
   * free port at start), PostgreSQL reported on port 5432.
   */
  public static SimulatedMember leader(String name, String host, int port) {
    return new SimulatedMember(name, host, port, 5432, PatroniRole.LEADER, Instant.now());
  }

  /** A running, streaming replica at position 0 on timeline 1; see {@link #leader}. */
  public static SimulatedMember replica(String name, String host, int port) {
    return new SimulatedMember(name, host, port, 5432, PatroniRole.REPLICA, Instant.now());
  }

  public String name() {
    return name;
  }

  /** The loopback address the REST API binds to. */
  public String host() {
    return host;
  }

  /** The requested REST port; 0 means "any free port" (ask the simulator for the bound one). */
  public int requestedPort() {
    return port;
  }

  /** The PostgreSQL port reported in {@code /cluster}. */
  public int postgresPort() {
    return postgresPort;
  }

  /**
   * The role Patroni reports. {@link PatroniRole#LEADER} is rendered {@code master} for Patroni 3.x
   * and {@code primary} from 4.0; {@link PatroniRole#OTHER} is rendered {@code uninitialized}.
   */
  public SimulatedMember setRole(PatroniRole newRole) {
    Objects.requireNonNull(newRole, "role");
    return update(() -> role = newRole);
  }

  /** {@code state}: {@code running}, {@code starting}, {@code stopped}, ... */
  public SimulatedMember setState(String newState) {
    requireText(newState, "state");
    return update(() -> state = newState);
  }

  /**
   * {@code replication_state} (Patroni 3.0.4+: {@code streaming}, {@code in archive recovery});
   * null leaves the field out, as Patroni 3.0.2 does.
   */
  public SimulatedMember setReplicationState(String newReplicationState) {
    return update(() -> replicationState = newReplicationState);
  }

  public SimulatedMember setTimeline(long newTimeline) {
    if (newTimeline < 1) {
      throw new IllegalArgumentException("timeline must be >= 1, got " + newTimeline);
    }
    return update(() -> timeline = newTimeline);
  }

  /** The leader's {@code xlog.location}. */
  public SimulatedMember setLocation(long newLocation) {
    requireNonNegative(newLocation, "location");
    return update(() -> location = newLocation);
  }

  /** A replica's {@code xlog.received_location}. */
  public SimulatedMember setReceived(long newReceived) {
    requireNonNegative(newReceived, "received location");
    return update(() -> receivedLocation = newReceived);
  }

  /** A replica's {@code xlog.replayed_location}. */
  public SimulatedMember setReplayed(long newReplayed) {
    requireNonNegative(newReplayed, "replayed location");
    return update(() -> replayedLocation = newReplayed);
  }

  /** Sets received and replayed location at once (a replica streaming without replay delay). */
  public SimulatedMember setReceivedAndReplayed(long position) {
    requireNonNegative(position, "position");
    return update(
        () -> {
          receivedLocation = position;
          replayedLocation = position;
        });
  }

  /** A replica's {@code xlog.replayed_timestamp}; null renders as JSON null, as Patroni does. */
  public SimulatedMember setReplayedTimestamp(Instant newTimestamp) {
    return update(() -> replayedTimestamp = newTimestamp);
  }

  /** A replica's {@code xlog.paused} ({@code pg_is_wal_replay_paused()}). */
  public SimulatedMember setPaused(boolean newPaused) {
    return update(() -> paused = newPaused);
  }

  public SimulatedMember setBehaviour(Behaviour newBehaviour) {
    Objects.requireNonNull(newBehaviour, "behaviour");
    return update(() -> behaviour = newBehaviour);
  }

  /** {@code patroni.version}; from 4.0 the leader's role is rendered {@code primary}. */
  public SimulatedMember setPatroniVersion(String newVersion) {
    requireText(newVersion, "patroni version");
    return update(() -> patroniVersion = newVersion);
  }

  public SimulatedMember setServerVersion(int newServerVersion) {
    return update(() -> serverVersion = newServerVersion);
  }

  public SimulatedMember setPostmasterStartTime(Instant newStartTime) {
    Objects.requireNonNull(newStartTime, "postmaster start time");
    return update(() -> postmasterStartTime = newStartTime);
  }

  /** An immutable view of what the member reports now. */
  public synchronized MemberState state() {
    if (snapshot == null) {
      snapshot =
          new MemberState(
              revision,
              role,
              state,
              replicationState,
              timeline,
              location,
              receivedLocation,
              replayedLocation,
              replayedTimestamp,
              paused,
              behaviour,
              patroniVersion,
              serverVersion,
              postmasterStartTime);
    }
    return snapshot;
  }

  /** Called after every change, on the thread that made it. For the simulator only. */
  void addListener(Runnable listener) {
    listeners.add(listener);
  }

  void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  private SimulatedMember update(Runnable change) {
    synchronized (this) {
      change.run();
      revision++;
      snapshot = null;
    }
    for (Runnable listener : listeners) {
      listener.run();
    }
    return this;
  }

  @Override
  public String toString() {
    return "SimulatedMember[" + name + " " + host + ":" + port + "]";
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return value;
  }

  private static void requireNonNegative(long value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + value);
    }
  }

  // Only IP literals: a host name would need a (blocking) lookup, and the simulator must never
  // listen anywhere but on loopback.
  private static String requireLoopback(String host) {
    Objects.requireNonNull(host, "host");
    byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
    boolean loopback =
        address != null
            && ((address.length == 4 && address[0] == 127)
                || (address.length == 16 && isIpv6Loopback(address)));
    if (!loopback) {
      throw new IllegalArgumentException(
          "host must be a loopback IP literal (127.0.0.0/8 or ::1), got " + host);
    }
    return host;
  }

  private static boolean isIpv6Loopback(byte[] address) {
    for (int i = 0; i < 15; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[15] == 1;
  }
}
