package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One scenario of the fault matrix ({@link FaultMatrixIT}): it keeps the scenario's facts (when
 * each replica's lag was over the limit, when the fault began and ended), times how long the gate
 * took to show the problem and to recover, each within a stated bound, and checks the invariants
 * every scenario must keep over every request the API server received:
 *
 * <ol>
 *   <li>no VirtualService written gives weight to a replica whose lag was over {@code
 *       admission.maxLag} (allowing one detection window after the lag crossed the limit, the time
 *       to poll and decide: a write already under way may carry the last decision);
 *   <li>every route written has weights summing to 100;
 *   <li>no controller writes anything once its lease could have passed on: each write arrives
 *       within the lease duration of that controller's last renewal that went through (it steps
 *       down at renewal + renew deadline; the rest of the lease covers a request in transit).
 * </ol>
 */
final class FaultRun {

  /** Poll (200 ms) + Patroni timeout (300 ms) + a tick and a write, with room for a busy box. */
  static final Duration DETECTION = Duration.ofSeconds(3);

  private static final String LEASES = "/leases";

  /** One row of the matrix's table. */
  record Row(
      String scenario,
      String shownBy,
      Duration shownWithin,
      Duration shownBound,
      String recoveredBy,
      Duration recoveredWithin,
      Duration recoveredBound,
      int routesChecked,
      long latestWriteAfterRenewalMillis) {}

  private final ControllerHarness h;
  private final String scenario;
  private final List<String> electedIdentities;
  private final Duration leaseDuration;

  /** Per replica: [start, end) intervals (nanoTime) with lag over the limit; end -1 = open. */
  private final Map<String, List<long[]>> lagging = new HashMap<>();

  private long faultStarted = -1;
  private long faultEnded = -1;
  private String shownBy = "n/a";
  private Duration shownWithin;
  private Duration shownBound;
  private String recoveredBy = "n/a";
  private Duration recoveredWithin;
  private Duration recoveredBound;

  FaultRun(ControllerHarness h, String scenario, List<String> electedIdentities) {
    this.h = h;
    this.scenario = scenario;
    this.electedIdentities = electedIdentities;
    this.leaseDuration = h.config("x").leaseTiming().leaseDuration();
  }

  /** Sets member {@code index}'s lag behind {@code leaderPosition} and notes it. */
  void lag(int index, long leaderPosition, long lagBytes) {
    notePodLag(ControllerHarness.member(index), lagBytes > ControllerHarness.MIB);
    h.sim(index).setReceivedAndReplayed(leaderPosition - lagBytes);
  }

  /** Notes that the member pod {@code name} is (or no longer is) over the admission limit. */
  void notePodLag(String name, boolean over) {
    List<long[]> intervals = lagging.computeIfAbsent(name, k -> new ArrayList<>());
    long now = System.nanoTime();
    boolean open = !intervals.isEmpty() && intervals.get(intervals.size() - 1)[1] == -1;
    if (over && !open) {
      intervals.add(new long[] {now, -1});
    } else if (!over && open) {
      intervals.get(intervals.size() - 1)[1] = now;
    }
  }

  void faultStarts() {
    faultStarted = System.nanoTime();
  }

  void faultEnds() {
    faultEnded = System.nanoTime();
  }

  /**
   * Holds a fault for {@code length}: the outage's length is part of the scenario, nothing here
   * waits for the controller.
   */
  static void lasting(Duration length) {
    try {
      Thread.sleep(length.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until {@code done} holds of what {@code observe} sees, within {@code bound} of the
   * fault's start; times it. What was last seen is in the failure's message.
   */
  <T> void shows(String what, Duration bound, Supplier<T> observe, Predicate<T> done) {
    shownWithin = within(faultStarted, "the problem shown: " + what, bound, observe, done);
    shownBy = what;
    shownBound = bound;
  }

  void shows(String what, Duration bound, BooleanSupplier condition) {
    shows(what, bound, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * Waits until {@code done} holds of what {@code observe} sees, within {@code bound} of the
   * fault's end; times it.
   */
  <T> void recovers(String what, Duration bound, Supplier<T> observe, Predicate<T> done) {
    recoveredWithin = within(faultEnded, "recovered: " + what, bound, observe, done);
    recoveredBy = what;
    recoveredBound = bound;
  }

  void recovers(String what, Duration bound, BooleanSupplier condition) {
    recovers(what, bound, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * For a fault that lasts through the recovery (connections that keep dropping): waits until
   * {@code condition} holds within {@code bound} of {@code sinceNanos}, the moment the gate had
   * what it needed to recover; times it.
   */
  void recoversDuringTheFault(
      String what, Duration bound, long sinceNanos, BooleanSupplier condition) {
    recoveredWithin =
        within(sinceNanos, "recovered: " + what, bound, condition::getAsBoolean, b -> b);
    recoveredBy = what;
    recoveredBound = bound;
  }

  private static <T> Duration within(
      long since, String what, Duration bound, Supplier<T> observe, Predicate<T> done) {
    if (since == -1) {
      throw new IllegalStateException("the fault has not started (or ended) yet: " + what);
    }
    Duration left = bound.minusNanos(System.nanoTime() - since);
    Await.until(left.isNegative() ? Duration.ZERO : left, what, observe, done);
    return Duration.ofNanos(System.nanoTime() - since);
  }

  /** A VirtualService write as the API server received it. */
  record Written(long nanos, String agent, Map<String, Integer> weights, int sum) {}

  /** Every VirtualService write the API server received, answered or not, oldest first. */
  List<Written> routesWritten() {
    List<Written> out = new ArrayList<>();
    for (RecordedRequest r : h.writesTo(ControllerHarness.VS_PATH)) {
      String body = h.api.bodyOf(r);
      if (body.isBlank()) {
        throw new AssertionError("no body recorded for " + r.getMethod() + " " + r.getPath());
      }
      VirtualService vs =
          h.admin().getKubernetesSerialization().unmarshal(body, VirtualService.class);
      Map<String, Integer> weights = new LinkedHashMap<>();
      int sum = 0;
      List<TCPRoute> tcp = vs.getSpec() == null ? null : vs.getSpec().getTcp();
      for (TCPRoute route : tcp == null ? List.<TCPRoute>of() : tcp) {
        List<RouteDestination> destinations = route.getRoute();
        for (RouteDestination d : destinations) {
          int weight = d.getWeight() == null ? (destinations.size() == 1 ? 100 : 0) : d.getWeight();
          weights.merge(d.getDestination().getSubset(), weight, Integer::sum);
          sum += weight;
        }
      }
      out.add(new Written(h.api.arrivedAt(r), r.getHeader("User-Agent"), weights, sum));
    }
    return out;
  }

  /** A weight of one member in the routes written, and when the first route with it arrived. */
  record Step(int weight, long nanos) {}

  /** The weights {@code member} had in the routes written after {@code sinceNanos}, in order. */
  List<Step> stepsWritten(String member, long sinceNanos) {
    List<Step> out = new ArrayList<>();
    for (Written w : routesWritten()) {
      Integer weight = w.weights().get(member);
      if (w.nanos() >= sinceNanos && weight != null) {
        if (out.isEmpty() || out.get(out.size() - 1).weight() != weight) {
          out.add(new Step(weight, w.nanos()));
        }
      }
    }
    return out;
  }

  /** {@link #stepsWritten}, the weights only. */
  List<Integer> weightsWritten(String member, long sinceNanos) {
    return stepsWritten(member, sinceNanos).stream().map(Step::weight).toList();
  }

  /** Checks the three invariants over everything so far and returns the table's row. */
  Row check() {
    List<Written> routes = routesWritten();
    for (Written route : routes) {
      assertThat(route.sum())
          .as("%s: weights of a route written by %s: %s", scenario, route.agent(), route.weights())
          .isEqualTo(100);
      route
          .weights()
          .forEach(
              (member, weight) -> {
                if (weight > 0 && laggingAt(member, route.nanos())) {
                  throw new AssertionError(
                      scenario
                          + ": a route written by "
                          + route.agent()
                          + " gives "
                          + member
                          + " weight "
                          + weight
                          + " more than "
                          + DETECTION
                          + " after its lag went over the limit: "
                          + route.weights());
                }
              });
    }
    long latest = -1;
    for (String identity : electedIdentities) {
      latest = Math.max(latest, checkFenced(identity));
    }
    return new Row(
        scenario,
        shownBy,
        shownWithin,
        shownBound,
        recoveredBy,
        recoveredWithin,
        recoveredBound,
        routes.size(),
        latest);
  }

  private boolean laggingAt(String member, long nanos) {
    for (long[] interval : lagging.getOrDefault(member, List.of())) {
      long from = interval[0] + DETECTION.toNanos();
      long to = interval[1] == -1 ? Long.MAX_VALUE : interval[1];
      if (nanos >= from && nanos < to) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every write of {@code identity} arrives within the lease duration of its last renewal that went
   * through; returns the longest time from a renewal to a write, in milliseconds.
   */
  private long checkFenced(String identity) {
    String agent = ControllerHarness.userAgent(identity);
    String holder = "\"holderIdentity\":\"" + identity + "\"";
    long lastRenewal = -1;
    long longest = 0;
    for (RecordedRequest r : h.requests()) {
      if (!agent.equals(r.getHeader("User-Agent")) || r.getMethod().equals("GET")) {
        continue;
      }
      long at = h.api.arrivedAt(r);
      if (r.getPath().contains(LEASES)) {
        int status = h.api.statusOf(r);
        if (status >= 200 && status < 300 && h.api.bodyOf(r).replace(" ", "").contains(holder)) {
          lastRenewal = at;
        }
        continue;
      }
      long sinceRenewal = lastRenewal == -1 ? Long.MAX_VALUE : at - lastRenewal;
      assertThat(sinceRenewal)
          .as(
              "%s: %s %s %s while not holding the lease (ms since its last renewal)",
              scenario, identity, r.getMethod(), r.getPath())
          .isLessThan(leaseDuration.toNanos());
      longest = Math.max(longest, sinceRenewal);
    }
    return Duration.ofNanos(longest).toMillis();
  }

  /** The matrix as a Markdown table. */
  static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| scenario | problem shown by | shown after (bound) | recovered when | recovered after"
            + " (bound) | routes checked | latest write after a renewal |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row row : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %d | %s |%n",
              row.scenario(),
              row.shownBy(),
              seconds(row.shownWithin(), row.shownBound()),
              row.recoveredBy(),
              seconds(row.recoveredWithin(), row.recoveredBound()),
              row.routesChecked(),
              row.latestWriteAfterRenewalMillis() < 0
                  ? "n/a"
                  : row.latestWriteAfterRenewalMillis() + " ms"));
    }
    return out.toString();
  }

  private static String seconds(Duration took, Duration bound) {
    if (took == null) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1f s (%d s)", took.toMillis() / 1000.0, bound.toSeconds());
  }
}
