package io.syncgate.e2e.harness;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a Testcontainers test class where there is no Docker engine, and says so in one line on the
 * test output (Testcontainers' own {@code disabledWithoutDocker} only notes it in the report).
 */
public final class DockerRequired implements ExecutionCondition {

  private static volatile Boolean available;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (dockerAvailable()) {
      return ConditionEvaluationResult.enabled("a Docker engine is available");
    }
    String reason =
        "no Docker engine found: skipping "
            + context.getDisplayName()
            + " (it runs k3s through Testcontainers)";
    if (context.getTestMethod().isEmpty()) {
      System.out.println(reason);
    }
    return ConditionEvaluationResult.disabled(reason);
  }

  private static boolean dockerAvailable() {
    Boolean known = available;
    if (known == null) {
      known = DockerClientFactory.instance().isDockerAvailable();
      available = known;
    }
    return known;
  }
}
