package io.syncgate.controller.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.syncgate.controller.demo.MemberState;
import io.syncgate.controller.demo.PatroniJson;
import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.demo.SimulatedMember;
import io.syncgate.policy.gating.PatroniRole;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fleet of simulated Patroni members for the benchmark: {@code gates × membersPerGate} REST APIs,
 * member {@code k} listening on {@code 127.<subnet>.<k / 250>.<k % 250 + 2>:8008} like a pod IP,
 * member 0 of each cluster the leader.
 *
 * <p>Built to cost as little as possible next to the controller it feeds: one Netty server
 * bootstrap binds all the listening sockets on a small event-loop group of its own (threads named
 * {@value #THREAD_PREFIX}, so their CPU time can be told apart), and every member's whole answer —
 * status line, headers, the {@code /patroni} JSON of Patroni 3.0.2 — is rendered once per second
 * into a buffer that each request is served from. A cluster's sockets, its answers and its script
 * live on one event loop, so nothing is shared between threads.
 *
 * <p>The script: every second each leader's {@code xlog.location} advances by {@link
 * Script#leaderWriteBytesPerSecond()} and each replica's replay lag is drawn from {@code [0,
 * jitterBytes]} (a busy cluster whose replicas keep up); a replica set {@linkplain #setLagging
 * lagging} reports {@link Script#laggingBytes()} more. Answers follow the {@link
 * PatroniSimulator.Mode}: {@code HTTP/1.0} closing after each answer like Patroni 3.0.2, or {@code
 * HTTP/1.1} keep-alive with a {@code Content-Length}.
 */
final class FleetSimulator implements Fleet {

  /** Name prefix of the simulator's event-loop threads. */
  static final String THREAD_PREFIX = "syncgate-bench-sim";

  /** The Patroni REST port every member listens on. */
  static final int PATRONI_PORT = 8008;

  /** Members per third octet of the address plan. */
  static final int MEMBERS_PER_OCTET = 250;

  /** The most members the address plan holds (third octet 0..239). */
  static final int MAX_MEMBERS = MEMBERS_PER_OCTET * 240;

  private static final String SYSTEM_IDENTIFIER = "7713263116900777059";

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  /**
   * What the members report over time.
   *
   * @param leaderWriteBytesPerSecond how fast every leader's position grows
   * @param jitterBytes the largest replay lag of a replica that keeps up (0: always caught up)
   * @param laggingBytes the extra lag of a replica set lagging
   */
  record Script(long leaderWriteBytesPerSecond, long jitterBytes, long laggingBytes) {
    Script {
      if (leaderWriteBytesPerSecond < 0 || jitterBytes < 0 || laggingBytes < 0) {
        throw new IllegalArgumentException("script figures must not be negative");
      }
    }
  }

  private final NioEventLoopGroup group;
  private final PatroniSimulator.Mode mode;
  private final Script script;
  private final int subnet;
  private final int firstGate;
  private final Set<Thread> threads;
  private final List<Cluster> clusters = new ArrayList<>();
  private final List<Channel> listening = new ArrayList<>();
  private final LongAdder polls = new LongAdder();
  private final LongAdder otherRequests = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final ByteBuf notFound;

  private FleetSimulator(
      NioEventLoopGroup group,
      PatroniSimulator.Mode mode,
      Script script,
      int subnet,
      int firstGate,
      Set<Thread> threads) {
    this.group = group;
    this.threads = threads;
    this.mode = mode;
    this.script = script;
    this.subnet = subnet;
    this.firstGate = firstGate;
    String head =
        mode == PatroniSimulator.Mode.HTTP10_CLOSE
            ? "HTTP/1.0 404 Not Found\r\n\r\n"
            : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    this.notFound =
        Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(head.length()).writeBytes(head.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Starts gates {@code [firstGate, firstGate + gates)} of a fleet of {@code membersPerGate}
   * members each on the loopback subnet {@code 127.<subnet>/16}, on {@code threads} event loops.
   * Each member has the address, names and answers the whole fleet gives it, so that several
   * processes can each serve a slice of one fleet on one subnet ({@link SimulatorProcess}); gates
   * are numbered over the whole fleet in {@link #host} and {@link #setLagging}, and a first gate of
   * 0 with every gate is the whole fleet. Fails with a {@link BindException} (everything closed
   * again) when an address is taken, so the caller can try another subnet.
   */
  static FleetSimulator start(
      int firstGate,
      int gates,
      int membersPerGate,
      PatroniSimulator.Mode mode,
      Script script,
      int threads,
      int subnet)
      throws BindException {
    if (firstGate < 0 || gates < 1 || membersPerGate < 2) {
      throw new IllegalArgumentException("need at least 1 gate of 2 members from gate 0 on");
    }
    if ((long) (firstGate + gates) * membersPerGate > MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "at most " + MAX_MEMBERS + " members fit the address plan");
    }
    if (subnet < 1 || subnet > 254) {
      throw new IllegalArgumentException("subnet must be 1..254, got " + subnet);
    }
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(script, "script");
    Set<Thread> loopThreads = ConcurrentHashMap.newKeySet();
    ThreadFactory named = new DefaultThreadFactory(THREAD_PREFIX, true);
    NioEventLoopGroup group =
        new NioEventLoopGroup(
            threads,
            task -> {
              Thread thread = named.newThread(task);
              loopThreads.add(thread);
              return thread;
            });
    FleetSimulator fleet = new FleetSimulator(group, mode, script, subnet, firstGate, loopThreads);
    try {
      fleet.bind(gates, membersPerGate);
    } catch (BindException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  /**
   * {@link #start} on a random subnet {@code 127.16-249/16} whose addresses are free, trying a few;
   * 127.0/16 and 127.1/16 are left to tests and a real Patroni.
   */
  static FleetSimulator startOnFreeSubnet(
      int gates, int membersPerGate, PatroniSimulator.Mode mode, Script script, int threads)
      throws BindException {
    BindException last = null;
    for (int attempt = 0; attempt < SUBNET_ATTEMPTS; attempt++) {
      int subnet = randomSubnet();
      try {
        return start(0, gates, membersPerGate, mode, script, threads, subnet);
      } catch (BindException e) {
        last = e;
      }
    }
    throw last;
  }

  /** How many random subnets to try before giving up. */
  static final int SUBNET_ATTEMPTS = 8;

  /** A random subnet in {@code 16..249} (127.0/16 and 127.1/16 are left to tests). */
  static int randomSubnet() {
    return ThreadLocalRandom.current().nextInt(16, 250);
  }

  /** The gate (and Patroni scope) name of cluster {@code gate}. */
  static String gateName(int gate) {
    return String.format("pg-%05d", gate);
  }

  /** The pod (and Patroni member) name of member {@code member} of cluster {@code gate}. */
  static String memberName(int gate, int member) {
    return gateName(gate) + "-" + member;
  }

  /** The loopback address of member number {@code index} (counting over all clusters). */
  static String address(int subnet, int index) {
    return "127."
        + subnet
        + "."
        + (index / MEMBERS_PER_OCTET)
        + "."
        + (index % MEMBERS_PER_OCTET + 2);
  }

  @Override
  public int subnet() {
    return subnet;
  }

  int gates() {
    return clusters.size();
  }

  int membersPerGate() {
    return clusters.get(0).members.length;
  }

  /** The pod IP of a member of gate {@code gate} (numbered over the whole fleet). */
  @Override
  public String host(int gate, int member) {
    return cluster(gate).members[member].host;
  }

  private Cluster cluster(int gate) {
    if (gate < firstGate || gate - firstGate >= clusters.size()) {
      throw new IllegalArgumentException(
          "gate " + gate + " is not in [" + firstGate + ", " + (firstGate + clusters.size()) + ")");
    }
    return clusters.get(gate - firstGate);
  }

  /** {@code GET /patroni} requests answered so far. */
  @Override
  public long polls() {
    return polls.sum();
  }

  /** Requests for anything else (answered 404). */
  long otherRequests() {
    return otherRequests.sum();
  }

  /** Connections accepted so far. */
  long connections() {
    return connections.sum();
  }

  /**
   * Makes a replica report {@link Script#laggingBytes()} of extra lag, or none. Completes with
   * {@link System#nanoTime()} taken right after its answer changed.
   */
  @Override
  public CompletableFuture<Long> setLagging(int gate, int replica, boolean lagging) {
    Cluster cluster = cluster(gate);
    if (replica < 1 || replica >= cluster.members.length) {
      throw new IllegalArgumentException("no replica " + replica + " in " + cluster.name);
    }
    CompletableFuture<Long> changed = new CompletableFuture<>();
    cluster.loop.execute(
        () -> {
          Member member = cluster.members[replica];
          member.lagging = lagging;
          cluster.render(member, Instant.now());
          changed.complete(System.nanoTime());
        });
    return changed;
  }

  /** CPU time the simulator's event-loop threads have spent so far (ns). */
  @Override
  public long cpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : threads) {
      long nanos = mx.getThreadCpuTime(thread.getId());
      if (nanos > 0) {
        total += nanos;
      }
    }
    return total;
  }

  @Override
  public String describe() {
    return "in the benchmark's process";
  }

  /** Closes every socket and releases the answers. */
  @Override
  public void close() {
    for (Channel channel : listening) {
      channel.close();
    }
    for (Cluster cluster : clusters) {
      if (!cluster.loop.isShuttingDown()) {
        cluster.loop.submit(cluster::release).syncUninterruptibly();
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void bind(int gates, int membersPerGate) throws BindException {
    List<ChannelFuture> binds = new ArrayList<>();
    int index = firstGate * membersPerGate;
    for (int g = firstGate; g < firstGate + gates; g++) {
      EventLoop loop = group.next();
      Cluster cluster = new Cluster(g, loop, membersPerGate);
      for (int m = 0; m < membersPerGate; m++) {
        cluster.members[m] = new Member(memberName(g, m), address(subnet, index++), m == 0);
      }
      clusters.add(cluster);
      loop.submit(() -> cluster.renderAll(Instant.now())).syncUninterruptibly();
      for (Member member : cluster.members) {
        binds.add(bootstrap(loop, member).bind(socketAddress(member.host)));
      }
      // The script runs on the cluster's loop; start times spread over a second.
      long offset = 1 + new SplittableRandom(g).nextLong(1000);
      loop.scheduleAtFixedRate(cluster::advance, offset, 1000, TimeUnit.MILLISECONDS);
    }
    Throwable failure = null;
    for (ChannelFuture bind : binds) {
      bind.awaitUninterruptibly();
      if (bind.isSuccess()) {
        listening.add(bind.channel());
      } else if (failure == null) {
        failure = bind.cause();
      }
    }
    if (failure instanceof BindException bindException) {
      throw bindException;
    }
    if (failure != null) {
      BindException wrapped = new BindException("cannot listen: " + failure);
      wrapped.initCause(failure);
      throw wrapped;
    }
  }

  private ServerBootstrap bootstrap(EventLoop loop, Member member) {
    ChannelHandler answer = new PatroniHandler(member);
    return new ServerBootstrap()
        .group(loop, loop)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                connections.increment();
                channel.pipeline().addLast(new HttpRequestDecoder(4096, 8192, 8192), answer);
              }
            });
  }

  private static InetSocketAddress socketAddress(String host) {
    String[] octets = host.split("\\.");
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      address[i] = (byte) Integer.parseInt(octets[i]);
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address), PATRONI_PORT);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IPv4 address: " + host, e);
    }
  }

  /** One simulated member; its fields are touched on its cluster's loop only. */
  private static final class Member {
    final String name;
    final String host;
    final boolean leader;
    boolean lagging;
    ByteBuf answer;

    Member(String name, String host, boolean leader) {
      this.name = name;
      this.host = host;
      this.leader = leader;
    }
  }

  /** One Patroni cluster, pinned to one event loop. */
  private final class Cluster {
    final String name;
    final EventLoop loop;
    final Member[] members;
    final SplittableRandom random;
    final Instant postmasterStart = Instant.now();
    final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    long leaderLocation = 1L << 30;

    Cluster(int index, EventLoop loop, int size) {
      this.name = gateName(index);
      this.loop = loop;
      this.members = new Member[size];
      this.random = new SplittableRandom(index * 7919L + 17);
    }

    void advance() {
      leaderLocation += script.leaderWriteBytesPerSecond();
      renderAll(Instant.now());
    }

    void renderAll(Instant now) {
      for (Member member : members) {
        render(member, now);
      }
    }

    void render(Member member, Instant now) {
      MemberState state;
      List<PatroniJson.Replication> replication = List.of();
      if (member.leader) {
        state = state(PatroniRole.LEADER, leaderLocation, 0, 0, null);
        replication = new ArrayList<>();
        for (Member m : members) {
          if (!m.leader) {
            replication.add(new PatroniJson.Replication(m.name, m.host));
          }
        }
      } else {
        long jitter = script.jitterBytes() == 0 ? 0 : random.nextLong(script.jitterBytes() + 1);
        long lag = Math.min(leaderLocation, jitter + (member.lagging ? script.laggingBytes() : 0));
        long replayed = leaderLocation - lag;
        long received = replayed + lag / 2;
        // The last replayed commit is as old as the lag at the leader's write rate.
        long behindNanos =
            script.leaderWriteBytesPerSecond() == 0
                ? 0
                : (long) (lag * 1e9 / script.leaderWriteBytesPerSecond());
        state = state(PatroniRole.REPLICA, 0, received, replayed, now.minusNanos(behindNanos));
      }
      byte[] body =
          PatroniJson.patroni(state, name, SYSTEM_IDENTIFIER, now.getEpochSecond(), replication);
      String head = head(body.length, HTTP_DATE.format(now));
      ByteBuf answer = allocator.directBuffer(head.length() + body.length);
      answer.writeCharSequence(head, StandardCharsets.US_ASCII);
      answer.writeBytes(body);
      ByteBuf previous = member.answer;
      member.answer = answer;
      if (previous != null) {
        previous.release();
      }
    }

    private MemberState state(
        PatroniRole role, long location, long received, long replayed, Instant replayedAt) {
      return new MemberState(
          0,
          role,
          "running",
          null,
          1,
          location,
          received,
          replayed,
          replayedAt,
          false,
          SimulatedMember.Behaviour.NORMAL,
          SimulatedMember.DEFAULT_PATRONI_VERSION,
          SimulatedMember.DEFAULT_SERVER_VERSION,
          postmasterStart);
    }

    private String head(int length, String date) {
      // Patroni 3.0.2 (Python's BaseHTTPRequestHandler) sends no Content-Length and closes.
      return mode == PatroniSimulator.Mode.HTTP10_CLOSE
          ? "HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\nDate: "
              + date
              + "\r\nContent-Type: application/json\r\n\r\n"
          : "HTTP/1.1 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\nDate: "
              + date
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + length
              + "\r\n\r\n";
    }

    void release() {
      for (Member member : members) {
        if (member != null && member.answer != null) {
          member.answer.release();
          member.answer = null;
        }
      }
    }
  }

  /** Answers one member's requests from its current buffer. */
  @ChannelHandler.Sharable
  private final class PatroniHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Member member;

    PatroniHandler(Member member) {
      this.member = member;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
      if (!(message instanceof HttpRequest request)) {
        return; // the (empty) content of a GET
      }
      boolean patroni =
          request.decoderResult().isSuccess()
              && request.method().equals(HttpMethod.GET)
              && isPatroniPath(request.uri())
              && member.answer != null;
      ByteBuf answer;
      if (patroni) {
        polls.increment();
        answer = member.answer.retainedDuplicate();
      } else {
        otherRequests.increment();
        answer = notFound.duplicate();
      }
      boolean keepOpen =
          mode == PatroniSimulator.Mode.KEEP_ALIVE
              && request.decoderResult().isSuccess()
              && HttpUtil.isKeepAlive(request);
      ChannelFuture written = ctx.writeAndFlush(answer);
      if (!keepOpen) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static boolean isPatroniPath(String uri) {
    return uri.equals("/patroni") || uri.startsWith("/patroni?");
  }
}
