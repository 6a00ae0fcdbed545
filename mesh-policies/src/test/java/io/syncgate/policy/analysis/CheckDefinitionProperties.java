package io.syncgate.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CheckDefinitionProperties {

  private static final CheckDefinition CHECK =
      new CheckDefinition(
          "c",
          "m{pod=\"{{replica}}\", namespace=\"{{namespace}}\"}",
          Comparison.LT,
          1,
          Duration.ofSeconds(1));

  @Property
  void dnsLikeNamesLandInsideTheLiterals(
      @ForAll("dnsLike") String replica, @ForAll("dnsLike") String namespace) {
    assertThat(CHECK.queryFor(replica, namespace))
        .isEqualTo("m{pod=\"" + replica + "\", namespace=\"" + namespace + "\"}");
  }

  @Property
  void aNameWithAnyOtherCharacterIsRefused(
      @ForAll("dnsLike") String prefix,
      @ForAll("outside") char other,
      @ForAll("dnsLike") String suffix) {
    String name = prefix + other + suffix;
    assertThatThrownBy(() -> CHECK.queryFor(name, "pg"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CHECK.queryFor("hippo-2", name))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<String> dnsLike() {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyz0123456789.-")
        .ofMinLength(1)
        .ofMaxLength(63);
  }

  @Provide
  Arbitrary<Character> outside() {
    return Arbitraries.chars()
        .filter(c -> !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'));
  }
}
