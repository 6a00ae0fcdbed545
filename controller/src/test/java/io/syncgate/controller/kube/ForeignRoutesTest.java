package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.TestClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VirtualServices syncgate does not manage, per namespace: listed once for all its gates, again
 * only every {@link ForeignRoutes#REFRESH}, after a failure with growing waits; what the gates see
 * meanwhile. Time is a test clock; the lister is a fake whose answers the test completes.
 */
class ForeignRoutesTest {

  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
  private static final String SERVICE = "hippo-replicas.db";

  private static Vertx vertx;
  private Context context;
  private TestClock clock;
  private Lister lister;
  private List<String> firstAnswers;
  private ForeignRoutes routes;

  /** Each list waits for the test to answer it. */
  private static final class Lister implements ForeignRoutes.Lister {
    final List<String> asked = new CopyOnWriteArrayList<>();
    final List<Promise<List<VirtualService>>> pending = new CopyOnWriteArrayList<>();

    @Override
    public Future<List<VirtualService>> list(String namespace) {
      asked.add(namespace);
      Promise<List<VirtualService>> answer = Promise.promise();
      pending.add(answer);
      return answer.future();
    }

    /** Answers the last list asked, from the test's thread (as a worker would, off the context). */
    void answer(VirtualService... items) {
      pending.get(pending.size() - 1).complete(List.of(items));
    }

    void fail(String message) {
      pending.get(pending.size() - 1).fail(new IllegalStateException(message));
    }
  }

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @BeforeEach
  void setUp() {
    context = vertx.getOrCreateContext();
    clock = new TestClock(START);
    lister = new Lister();
    firstAnswers = new CopyOnWriteArrayList<>();
    routes =
        new ForeignRoutes(
            lister, context, new TickClock(clock, clock::nanoTime), firstAnswers::add);
  }

  @Test
  void theFirstListIsMadeOnceForAllGatesOfTheNamespaceAndKeepsOnlyNamesAndServices() {
    assertThat(known("db")).isEqualTo(new ForeignRoutes.Known(false, java.util.Optional.empty()));
    assertThat(known("db").known()).isFalse();
    assertThat(lister.asked).containsExactly("db");

    VirtualService handWritten =
        route("db", "hippo-by-hand", "hippo-replicas.db.svc.cluster.local");
    handWritten.getMetadata().getLabels().put("team", "dba");
    lister.answer(handWritten, route("db", "web", "web"), route("db", "outside", "example.com"));
    awaitKnown("db");

    assertThat(firstAnswers).containsExactly("db");
    List<VirtualService> routing = onContext(() -> routes.routing(SERVICE));
    assertThat(routing).hasSize(1);
    VirtualService kept = routing.get(0);
    assertThat(kept.getMetadata().getNamespace()).isEqualTo("db");
    assertThat(kept.getMetadata().getName()).isEqualTo("hippo-by-hand");
    assertThat(kept.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(kept.getSpec()).isNull();
    assertThat(onContext(() -> routes.routing("web.db"))).hasSize(1);
    assertThat(onContext(() -> routes.routing("other.db"))).isEmpty();
    assertThat(lister.asked).containsExactly("db");
  }

  @Test
  void theAnswerIsListedAgainOnlyOnceItIsRefreshOld() {
    known("db");
    lister.answer(route("db", "hippo-by-hand", "hippo-replicas"));
    awaitKnown("db");

    clock.advance(ForeignRoutes.REFRESH.minusMillis(1));
    known("db");
    assertThat(lister.asked).hasSize(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(known("db").known()).isTrue();
    assertThat(lister.asked).hasSize(2);
    // The old answer stands while the new list runs; then the new one replaces it.
    assertThat(onContext(() -> routes.routing(SERVICE))).hasSize(1);
    lister.answer();
    Await.until("the new answer", () -> onContext(() -> routes.routing(SERVICE)).isEmpty());
    assertThat(firstAnswers).containsExactly("db");
  }

  @Test
  void aFailingFirstListIsReportedAndRetriedWithGrowingWaits() {
    known("db");
    lister.fail("virtualservices is forbidden");
    Await.until("the failure reported", () -> known("db").failure().isPresent());
    ForeignRoutes.Known failing = known("db");
    assertThat(failing.known()).isFalse();
    assertThat(failing.failure().get())
        .contains("cannot list the VirtualServices in db")
        .contains("virtualservices is forbidden");
    assertThat(lister.asked).hasSize(1);

    // Retried after FIRST_RETRY, then after twice as long.
    clock.advance(ForeignRoutes.FIRST_RETRY);
    known("db");
    assertThat(lister.asked).hasSize(2);
    lister.fail("virtualservices is forbidden");
    Await.until("the retry answered", () -> lister.asked.size() == 2 && !inFlight());
    clock.advance(ForeignRoutes.FIRST_RETRY);
    known("db");
    assertThat(lister.asked).hasSize(2);
    clock.advance(ForeignRoutes.FIRST_RETRY);
    known("db");
    assertThat(lister.asked).hasSize(3);

    lister.answer();
    awaitKnown("db");
    assertThat(firstAnswers).containsExactly("db");
  }

  @Test
  void aFailingLaterListKeepsTheLastAnswer() {
    known("db");
    lister.answer(route("db", "hippo-by-hand", "hippo-replicas"));
    awaitKnown("db");

    clock.advance(ForeignRoutes.REFRESH);
    known("db");
    lister.fail("connection refused");
    Await.until("the failure handled", () -> !inFlight());

    assertThat(known("db")).isEqualTo(ForeignRoutes.Known.YES);
    assertThat(onContext(() -> routes.routing(SERVICE))).hasSize(1);
    assertThat(lister.asked).hasSize(2);
    clock.advance(ForeignRoutes.FIRST_RETRY);
    known("db");
    assertThat(lister.asked).hasSize(3);
  }

  @Test
  void namespacesAreListedApartAndAForgottenOneDropsItsAnswerEvenInFlight() {
    known("db");
    lister.answer(route("db", "hippo-by-hand", "hippo-replicas"));
    awaitKnown("db");
    known("web");
    assertThat(lister.asked).containsExactly("db", "web");
    onContext(
        () -> {
          routes.forget("web");
          return null;
        });
    lister.answer(route("web", "cross", "hippo-replicas.db.svc.cluster.local"));
    Await.until("the dropped answer handled", () -> !inFlight());
    assertThat(onContext(() -> routes.routing(SERVICE)))
        .extracting(vs -> vs.getMetadata().getName())
        .containsExactly("hippo-by-hand");
    assertThat(firstAnswers).containsExactly("db");

    onContext(
        () -> {
          routes.forget("db");
          return null;
        });
    assertThat(onContext(() -> routes.routing(SERVICE))).isEmpty();
    assertThat(known("db").known()).isFalse();
    assertThat(lister.asked).containsExactly("db", "web", "db");
  }

  // ------------------------------------------------------------------ helpers

  private static VirtualService route(String namespace, String name, String host) {
    return new VirtualServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels("app", "someone-else")
        .endMetadata()
        .withNewSpec()
        .withHosts(host)
        .endSpec()
        .build();
  }

  private ForeignRoutes.Known known(String namespace) {
    return onContext(() -> routes.known(namespace));
  }

  private void awaitKnown(String namespace) {
    Await.until("VirtualServices of " + namespace + " known", () -> known(namespace).known());
  }

  /** True while the last list asked has not been answered, or its answer not yet handled. */
  private boolean inFlight() {
    // The answer is handled on the context: one hop there after it completed is enough to see it.
    return onContext(() -> lister.pending.stream().anyMatch(p -> !p.future().isComplete()));
  }

  private <T> T onContext(Supplier<T> action) {
    return Await.onContext(context, () -> Future.succeededFuture(action.get()));
  }
}
