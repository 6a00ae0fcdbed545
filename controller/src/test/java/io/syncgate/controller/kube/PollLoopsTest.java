package io.syncgate.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PollLoopsTest {

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void eachLoopRunsOnItsOwnEventLoopAndGatesAreDealtRoundRobin() throws Exception {
    PollLoops loops = await(PollLoops.deploy(vertx, 3));

    assertThat(loops.size()).isEqualTo(3);
    List<Context> dealt = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      dealt.add(loops.next());
    }
    Set<String> threads = new HashSet<>();
    for (Context context : dealt.subList(0, 3)) {
      assertThat(context.isEventLoopContext()).isTrue();
      threads.add(await(threadOf(context)));
    }
    assertThat(threads).hasSize(3);
    assertThat(dealt.subList(3, 6)).containsExactlyElementsOf(dealt.subList(0, 3));
    assertThat(dealt.get(6)).isSameAs(dealt.get(0));
  }

  @Test
  void fewerThanOneLoopIsRefused() {
    assertThatThrownBy(() -> PollLoops.deploy(vertx, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  private static Future<String> threadOf(Context context) {
    Promise<String> name = Promise.promise();
    context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
    return name.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
