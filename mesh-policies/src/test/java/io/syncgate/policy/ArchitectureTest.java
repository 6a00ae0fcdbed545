package io.syncgate.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.syncgate.policy.analysis.CheckEvaluation;
import io.syncgate.policy.gating.GatingStep;
import io.syncgate.policy.gating.Weights;
import io.syncgate.policy.gating.archfixture.Violations;
import io.syncgate.policy.mesh.IstioRenderer;
import io.syncgate.policy.status.GateConditions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the pure core pure (docs/design.md, "Layout"): everything in {@code mesh-policies} is a
 * plain function of its inputs, so it may not reach the network, files, Vert.x, the fabric8 client
 * or the clock. The build's enforcer rule keeps those libraries off the module's classpath; these
 * rules keep the code from reaching what the JDK still offers. A test below shows that each rule
 * catches a class that breaks it.
 */
class ArchitectureTest {

  /** The one class of the fabric8 client API the model may use: the base of every CRD model. */
  private static final String CUSTOM_RESOURCE = "io.fabric8.kubernetes.client.CustomResource";

  /** No I/O and no frameworks with their own threads. */
  static final ArchRule PURE_CORE_DOES_NO_IO =
      noClasses()
          .that()
          .resideInAPackage("io.syncgate.policy..")
          .should()
          .dependOnClassesThat(
              DescribedPredicate.describe(
                  "are I/O or client classes",
                  (JavaClass c) ->
                      !c.getName().equals(CUSTOM_RESOURCE)
                          && (c.getPackageName().startsWith("io.vertx")
                              || c.getPackageName().startsWith("io.netty")
                              || c.getPackageName().startsWith("io.fabric8.kubernetes.client")
                              || c.getPackageName().startsWith("io.fabric8.istio.client")
                              || c.getPackageName().startsWith("java.net")
                              || c.getPackageName().startsWith("java.nio.file")
                              || c.getName()
                                  .matches("java\\.io\\.(File|RandomAccessFile)(\\$.*|[A-Z].*)?"))))
          .because("the pure core is functions of its inputs; I/O lives in the controller");

  /** Time is an input: no clock reads, no clocks passed in. */
  static final ArchRule PURE_CORE_READS_NO_CLOCK =
      noClasses()
          .that()
          .resideInAPackage("io.syncgate.policy..")
          .should()
          .callMethodWhere(readsTheClock())
          .orShould()
          .dependOnClassesThat()
          .haveNameMatching("java\\.time\\.(Clock|InstantSource)")
          .because("time is an input of the pure core, so tests can walk it tick by tick");

  /** The gating core needs nothing but the JDK and itself: data flows one way into it. */
  static final ArchRule GATING_DEPENDS_ON_THE_JDK_ONLY =
      classes()
          .that()
          .resideInAPackage("io.syncgate.policy.gating..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("io.syncgate.policy.gating..", "java..")
          .because("the gating core is the innermost layer");

  /** Analysis is plain values and one function: the JDK and the gating core's text helpers. */
  static final ArchRule ANALYSIS_DEPENDS_ON_THE_JDK_AND_GATING_ONLY =
      classes()
          .that()
          .resideInAPackage("io.syncgate.policy.analysis..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "io.syncgate.policy.analysis..", "io.syncgate.policy.gating..", "java..")
          .because("asking Prometheus is the controller's; the meaning of an answer is pure");

  private static JavaClasses production;
  private static JavaClasses violations;

  @BeforeAll
  static void importProductionClasses() {
    // The rules look at names only; resolving every referenced class from the classpath (fabric8,
    // Vert.x) would only cost time.
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    // The module's own compiled classes only: scanning the whole classpath for the package
    // would walk every dependency jar.
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importUrl(GatingStep.class.getProtectionDomain().getCodeSource().getLocation());
    violations = new ClassFileImporter().importClasses(Violations.class.getDeclaredClasses());
  }

  @AfterAll
  static void resetArchUnit() {
    ArchConfiguration.get().reset();
  }

  @Test
  void thePureCoreDoesNoIo() {
    PURE_CORE_DOES_NO_IO.check(production);
  }

  @Test
  void thePureCoreReadsNoClock() {
    PURE_CORE_READS_NO_CLOCK.check(production);
  }

  @Test
  void gatingDependsOnTheJdkOnly() {
    GATING_DEPENDS_ON_THE_JDK_ONLY.check(production);
  }

  @Test
  void analysisDependsOnTheJdkAndGatingOnly() {
    ANALYSIS_DEPENDS_ON_THE_JDK_AND_GATING_ONLY.check(production);
  }

  @Test
  void theProductionImportSeesTheGatingCore() {
    assertThat(production.contain(GatingStep.class)).isTrue();
    assertThat(production.contain(IstioRenderer.class)).isTrue();
    assertThat(production.contain(GateConditions.class)).isTrue();
    assertThat(production.contain(ReplicaGate.class)).isTrue();
    assertThat(production.contain(CheckEvaluation.class)).isTrue();
    assertThat(production.contain(Violations.ReadsInstantNow.class)).isFalse();
  }

  @Test
  void eachRuleCatchesWhatItForbids() {
    for (Class<?> offender :
        List.of(
            Violations.ReadsInstantNow.class,
            Violations.ReadsCurrentTimeMillis.class,
            Violations.ReadsLocalDateTimeNow.class,
            Violations.UsesClock.class)) {
      assertThat(PURE_CORE_READS_NO_CLOCK.evaluate(importOnly(offender)).hasViolation())
          .as(offender.getSimpleName())
          .isTrue();
    }
    for (Class<?> offender :
        List.of(
            Violations.UsesNetwork.class,
            Violations.UsesFiles.class,
            Violations.UsesVertx.class,
            Violations.UsesKubernetesClient.class)) {
      assertThat(PURE_CORE_DOES_NO_IO.evaluate(importOnly(offender)).hasViolation())
          .as(offender.getSimpleName())
          .isTrue();
      assertThat(GATING_DEPENDS_ON_THE_JDK_ONLY.evaluate(importOnly(offender)).hasViolation())
          .as(offender.getSimpleName())
          .isEqualTo(
              offender != Violations.UsesNetwork.class && offender != Violations.UsesFiles.class);
    }
    JavaClasses clean = new ClassFileImporter().importClasses(GatingStep.class, Weights.class);
    assertThat(PURE_CORE_DOES_NO_IO.evaluate(clean).hasViolation()).isFalse();
    assertThat(PURE_CORE_READS_NO_CLOCK.evaluate(clean).hasViolation()).isFalse();
  }

  private static JavaClasses importOnly(Class<?> type) {
    return violations.that(DescribedPredicate.equalTo(violations.get(type)));
  }

  private static DescribedPredicate<JavaMethodCall> readsTheClock() {
    return DescribedPredicate.describe(
        "read the clock (java.time *.now(), System.currentTimeMillis(), System.nanoTime())",
        call -> {
          String owner = call.getTargetOwner().getName();
          String name = call.getName();
          return (owner.startsWith("java.time.") && name.equals("now"))
              || (owner.equals("java.lang.System")
                  && (name.equals("currentTimeMillis") || name.equals("nanoTime")));
        });
  }
}
