package io.syncgate.policy.gating.archfixture;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;

/**
 * Code the pure core must never contain, one class per kind. It lives in a {@code gating} package
 * of the test sources only so that {@code ArchitectureTest} can show each of its rules catching it.
 */
public final class Violations {

  private Violations() {}

  /** Reads the wall clock. */
  public static final class ReadsInstantNow {
    public Instant now() {
      return Instant.now();
    }
  }

  /** Reads the wall clock the old way. */
  public static final class ReadsCurrentTimeMillis {
    public long now() {
      return System.currentTimeMillis();
    }
  }

  /** Reads the local clock. */
  public static final class ReadsLocalDateTimeNow {
    public LocalDateTime now() {
      return LocalDateTime.now();
    }
  }

  /** Takes a clock instead of a time. */
  public static final class UsesClock {
    public Instant now(Clock clock) {
      return clock.instant();
    }
  }

  /** Talks to the network. */
  public static final class UsesNetwork {
    public String host(URI uri) {
      return uri.getHost();
    }
  }

  /** Touches files. */
  public static final class UsesFiles {
    public boolean exists(File file) {
      return file.exists();
    }

    public Path path(Path path) {
      return path.getFileName();
    }
  }

  /** Depends on Vert.x. */
  public static final class UsesVertx {
    public boolean clustered(Vertx vertx) {
      return vertx.isClustered();
    }
  }

  /** Depends on the fabric8 client. */
  public static final class UsesKubernetesClient {
    public String namespace(KubernetesClient client) {
      return client.getNamespace();
    }
  }
}
