package io.syncgate.e2e.harness;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension for tests against real Patroni: before the class it checks the machine has
 * everything ({@link Prerequisites}) — when something is missing the tests are skipped with what to
 * install, or fail when {@code CI=true}; it hands each test a {@link Clusters} and after the test
 * closes every cluster started through it (printing its logs when the test failed).
 */
public final class RealPatroniExtension
    implements BeforeAllCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealPatroniExtension.class);

  /** Starts clusters for one test; they are closed after it. */
  public static final class Clusters {
    private final String testName;
    private final List<PatroniCluster> started = new ArrayList<>();

    Clusters(String testName) {
      this.testName = testName;
    }

    public PatroniCluster start(PatroniCluster.Options options) {
      PatroniCluster cluster =
          PatroniCluster.start(testName + (started.isEmpty() ? "" : "-" + started.size()), options);
      started.add(cluster);
      return cluster;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    requirePrerequisites();
  }

  /** Skips (or, with CI=true, fails) when the machine lacks what real Patroni needs. */
  public static void requirePrerequisites() {
    require(Prerequisites.find(), "true".equalsIgnoreCase(System.getenv("CI")));
  }

  static void require(Prerequisites prerequisites, boolean ci) {
    if (prerequisites.complete()) {
      return;
    }
    String message =
        "real-Patroni tests need "
            + String.join(", ", prerequisites.missing())
            + ". Install with scripts/install-deps.sh (on Debian 12: apt-get install "
            + Prerequisites.PACKAGES
            + ")";
    if (ci) {
      throw new IllegalStateException(message + ". CI=true: failing instead of skipping.");
    }
    Assumptions.abort(message);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Clusters.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    String testName =
        context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getRequiredTestMethod().getName();
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Clusters.class, k -> new Clusters(testName), Clusters.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Clusters clusters = context.getStore(NAMESPACE).remove(Clusters.class, Clusters.class);
    if (clusters == null) {
      return;
    }
    boolean failed = context.getExecutionException().isPresent();
    RuntimeException cleanUpFailure = null;
    for (PatroniCluster cluster : clusters.started) {
      if (failed) {
        cluster.markFailed();
      }
      try {
        cluster.close();
      } catch (RuntimeException e) {
        cleanUpFailure = e;
      }
    }
    if (cleanUpFailure != null) {
      throw cleanUpFailure;
    }
  }
}
