package io.syncgate.controller;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.syncgate.controller.gating.GatingStep;
import io.syncgate.controller.gating.Weights;
import io.syncgate.controller.gating.archfixture.Violations;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the pure packages pure (DESIGN.md "Layout"): {@code gating} and {@code mesh} are plain
 * functions of their inputs, so they may not reach the network, files, Vert.x, the fabric8 client
 * or the clock. A test below shows that each rule catches a class that breaks it.
 */
class ArchitectureTest {

  private static final String[] PURE_PACKAGES = {
    "io.syncgate.controller.gating..", "io.syncgate.controller.mesh.."
  };

  /** No I/O and no frameworks with their own threads. */
  static final ArchRule PURE_CORE_DOES_NO_IO =
      noClasses()
          .that()
          .resideInAnyPackage(PURE_PACKAGES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.vertx..", "io.fabric8.kubernetes.client..", "java.net..", "java.nio.file..")
          .orShould()
          .dependOnClassesThat()
          .haveNameMatching("java\\.io\\.(File|RandomAccessFile)(\\$.*|[A-Z].*)?")
          .allowEmptyShould(true)
          .because("gating and mesh are pure functions; I/O lives at the edges");

  /** Time is an input: no clock reads, no clocks passed in. */
  static final ArchRule PURE_CORE_READS_NO_CLOCK =
      noClasses()
          .that()
          .resideInAnyPackage(PURE_PACKAGES)
          .should()
          .callMethodWhere(readsTheClock())
          .orShould()
          .dependOnClassesThat()
          .haveNameMatching("java\\.time\\.(Clock|InstantSource)")
          .allowEmptyShould(true)
          .because("time is an input of the pure core, so tests can walk it tick by tick");

  /** The gating core needs nothing but the JDK and itself: data flows one way into it. */
  static final ArchRule GATING_DEPENDS_ON_THE_JDK_ONLY =
      classes()
          .that()
          .resideInAPackage("io.syncgate.controller.gating..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("io.syncgate.controller.gating..", "java..")
          .because("the gating core is the innermost layer");

  private static JavaClasses production;
  private static JavaClasses violations;

  @BeforeAll
  static void importProductionClasses() {
    // The rules look at names only; resolving every referenced class from the classpath (fabric8,
    // Vert.x) would only cost time.
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    // The controller's own compiled classes only: scanning the whole classpath for the package
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
  void gatingAndMeshDoNoIo() {
    PURE_CORE_DOES_NO_IO.check(production);
  }

  @Test
  void gatingAndMeshReadNoClock() {
    PURE_CORE_READS_NO_CLOCK.check(production);
  }

  @Test
  void gatingDependsOnTheJdkOnly() {
    GATING_DEPENDS_ON_THE_JDK_ONLY.check(production);
  }

  @Test
  void theProductionImportSeesTheGatingCore() {
    assertThat(production.contain(GatingStep.class)).isTrue();
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
