package io.syncgate.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrerequisitesTest {

  @Test
  void sourceTreeWithoutPatroniSaysWhatIsMissing(@TempDir Path tree) throws IOException {
    Files.writeString(tree.resolve("patronictl.py"), "");
    List<String> missing = new ArrayList<>();

    Prerequisites.sourcePatroni(tree, List.of(), missing);

    assertThat(missing)
        .singleElement()
        .asString()
        .contains(tree.toString())
        .contains(Prerequisites.PATRONI_SOURCE_PROPERTY)
        .contains("no patroni.py, no patroni/version.py")
        .doesNotContain("no patronictl.py");
  }

  @Test
  void readinessIsLagAwareFromPatroni41() {
    assertThat(patroni("3.0.2").lagAwareReadiness()).isFalse();
    assertThat(patroni("4.0.7").lagAwareReadiness()).isFalse();
    assertThat(patroni("4.1.4").lagAwareReadiness()).isTrue();
    assertThat(patroni("4.10.0").lagAwareReadiness()).isTrue();
    assertThat(patroni("unknown").lagAwareReadiness()).isFalse();
    assertThat(patroni("4.1.4").describe()).isEqualTo("Patroni 4.1.4 (package)");
  }

  private static Prerequisites.Patroni patroni(String version) {
    return new Prerequisites.Patroni(List.of("patroni"), List.of("patronictl"), version, null);
  }
}
