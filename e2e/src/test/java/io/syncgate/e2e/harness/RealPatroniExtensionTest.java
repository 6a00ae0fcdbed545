package io.syncgate.e2e.harness;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RealPatroniExtensionTest {

  private static Prerequisites missing(String... what) {
    return new Prerequisites(null, null, null, null, null, OsUser.current(), List.of(what));
  }

  @Test
  void missingPackagesSkipWithWhatToInstall() {
    assertThatThrownBy(
            () -> RealPatroniExtension.require(missing("pgbackrest (package pgbackrest)"), false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("pgbackrest (package pgbackrest)")
        .hasMessageContaining("scripts/install-deps.sh")
        .hasMessageContaining("apt-get install " + Prerequisites.PACKAGES);
  }

  @Test
  void missingPackagesFailOnCi() {
    assertThatThrownBy(
            () -> RealPatroniExtension.require(missing("etcd (package etcd-server)"), true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("etcd (package etcd-server)")
        .hasMessageContaining("CI=true");
  }

  @Test
  void nothingMissingRuns() {
    Prerequisites complete =
        new Prerequisites(
            new Prerequisites.Patroni(List.of("patroni"), List.of("patronictl"), "3.0.2", null),
            null,
            null,
            null,
            null,
            OsUser.current(),
            List.of());
    assertThatCode(() -> RealPatroniExtension.require(complete, true)).doesNotThrowAnyException();
  }
}
