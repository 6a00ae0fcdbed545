package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.syncgate.policy.gating.HumanFormat;
import io.syncgate.policy.gating.SafeText;
import io.syncgate.policy.mesh.HostClaims;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VirtualServices that syncgate does not manage, in the namespaces that have gates: which
 * Services their hosts name. The controller's informers hold only mesh objects labelled {@code
 * app.kubernetes.io/managed-by: syncgate}, so a VirtualService someone else wrote for a gate's host
 * is found here instead: by a list with the label selector {@code
 * app.kubernetes.io/managed-by!=syncgate}, made at most once every {@link #REFRESH} per namespace
 * and shared by all its gates. Of each VirtualService only its namespace, name and the Services its
 * hosts name are kept.
 *
 * <p>Call on the controller's context. The list runs on the {@link KubeWorker} (see {@link
 * Lister}); its answer hops back to the context before it is used.
 *
 * <p>A list that fails is not made again at every tick: the next waits {@link #FIRST_RETRY},
 * doubled after every further failure up to {@link #REFRESH}, and a success starts over. The last
 * answer stands meanwhile. A failure is logged once, and again only when its message changes; while
 * a namespace has no answer at all, {@link #known} says why, and the gates there report it.
 */
final class ForeignRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(ForeignRoutes.class);

  /** How often the VirtualServices of a namespace are listed again. */
  static final Duration REFRESH = Duration.ofSeconds(30);

  /** How long after a failed list the first retry waits. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  /** Exception messages come from the API server: untrusted, and bound for logs and conditions. */
  private static final int MAX_FAILURE_CHARS = 1024;

  /**
   * Lists the VirtualServices of a namespace that syncgate does not manage, off the event loop; the
   * future may complete on any thread.
   */
  interface Lister {
    Future<List<VirtualService>> list(String namespace);
  }

  /**
   * Whether the VirtualServices of a namespace that syncgate does not manage are known.
   *
   * @param known they have been listed at least once
   * @param failure why the lists fail, while none has succeeded yet; empty while the first runs
   */
  record Known(boolean known, Optional<String> failure) {
    static final Known YES = new Known(true, Optional.empty());
  }

  /** One namespace: its last answer, and when the next list is due. */
  private static final class Listing {
    /**
     * By Service ({@code <svc>.<namespace>}), the VirtualServices ("namespace/name") whose hosts
     * name it; null before the first answer.
     */
    Map<String, Set<String>> byService;

    long listedAtNanos;
    boolean inFlight;
    String failure;
    Duration backoff;
    long retryAtNanos;
  }

  private final Lister lister;
  private final Context context;
  private final TickClock clock;
  private final Consumer<String> firstAnswer;
  private final Map<String, Listing> namespaces = new HashMap<>();

  /**
   * @param lister lists a namespace's VirtualServices that syncgate does not manage
   * @param context the controller's context, where every call comes and every answer goes
   * @param clock the monotonic clock that says when a list is due
   * @param firstAnswer called with the namespace when its first answer arrives, so its gates need
   *     not wait a poll interval
   */
  ForeignRoutes(Lister lister, Context context, TickClock clock, Consumer<String> firstAnswer) {
    this.lister = lister;
    this.context = context;
    this.clock = clock;
    this.firstAnswer = firstAnswer;
  }

  /**
   * Whether {@code namespace}'s VirtualServices that syncgate does not manage are known; starts a
   * list of them when the last answer is {@link #REFRESH} old (or there is none) and no list is
   * running or waiting out a failure.
   */
  Known known(String namespace) {
    Listing listing = namespaces.computeIfAbsent(namespace, n -> new Listing());
    refreshIfDue(namespace, listing);
    if (listing.byService != null) {
      return Known.YES;
    }
    return new Known(false, Optional.ofNullable(listing.failure));
  }

  /**
   * The VirtualServices syncgate does not manage, in every namespace listed, whose hosts name
   * {@code service}: each with its namespace and name only.
   */
  List<VirtualService> routing(String service) {
    Set<String> names = new TreeSet<>();
    for (Listing listing : namespaces.values()) {
      if (listing.byService != null) {
        names.addAll(listing.byService.getOrDefault(service, Set.of()));
      }
    }
    List<VirtualService> out = new ArrayList<>();
    for (String name : names) {
      int slash = name.indexOf('/');
      out.add(
          new VirtualServiceBuilder()
              .withNewMetadata()
              .withNamespace(name.substring(0, slash))
              .withName(name.substring(slash + 1))
              .endMetadata()
              .build());
    }
    return out;
  }

  /** {@code namespace} has no gates any more: its answer goes, and a list in flight is dropped. */
  void forget(String namespace) {
    namespaces.remove(namespace);
  }

  private void refreshIfDue(String namespace, Listing listing) {
    long now = clock.nanoTime();
    if (listing.inFlight) {
      return;
    }
    if (listing.failure != null) {
      if (now - listing.retryAtNanos < 0) {
        return;
      }
    } else if (listing.byService != null && now - listing.listedAtNanos < REFRESH.toNanos()) {
      return;
    }
    listing.inFlight = true;
    Future<List<VirtualService>> listed;
    try {
      listed = lister.list(namespace);
    } catch (RuntimeException e) {
      listed = Future.failedFuture(e);
    }
    OnContext.of(context, listed)
        .onComplete(
            ar -> {
              listing.inFlight = false;
              if (namespaces.get(namespace) != listing) {
                return;
              }
              if (ar.succeeded()) {
                listed(namespace, listing, ar.result(), now);
              } else {
                failed(namespace, listing, ar.cause(), now);
              }
            });
  }

  private void listed(String namespace, Listing listing, List<VirtualService> items, long now) {
    boolean first = listing.byService == null;
    Map<String, Set<String>> byService = new HashMap<>();
    for (VirtualService vs : items) {
      if (vs.getMetadata() == null || vs.getSpec() == null || vs.getSpec().getHosts() == null) {
        continue;
      }
      String vsNamespace = vs.getMetadata().getNamespace();
      String route = vsNamespace + "/" + vs.getMetadata().getName();
      for (String host : vs.getSpec().getHosts()) {
        HostClaims.service(host, vsNamespace)
            .ifPresent(
                service -> byService.computeIfAbsent(service, x -> new TreeSet<>()).add(route));
      }
    }
    listing.byService = byService;
    listing.listedAtNanos = now;
    if (listing.failure != null) {
      LOG.info("VirtualServices in {} listed again", namespace);
    }
    listing.failure = null;
    listing.backoff = null;
    if (first) {
      firstAnswer.accept(namespace);
    }
  }

  private void failed(String namespace, Listing listing, Throwable cause, long now) {
    String raw = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    String message =
        SafeText.of(
            "cannot list the VirtualServices in "
                + namespace
                + " that syncgate does not manage, to tell whether one routes the gate's host: "
                + raw,
            MAX_FAILURE_CHARS);
    Duration backoff =
        listing.backoff == null ? FIRST_RETRY : min(listing.backoff.multipliedBy(2), REFRESH);
    boolean newMessage = !message.equals(listing.failure);
    listing.failure = message;
    listing.backoff = backoff;
    listing.retryAtNanos = now + backoff.toNanos();
    if (newMessage) {
      LOG.warn(
          "{} (listing again in {}, then less often, up to every {}{})",
          message,
          HumanFormat.duration(backoff),
          HumanFormat.duration(REFRESH),
          listing.byService != null ? "; keeping the last answer" : "");
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
