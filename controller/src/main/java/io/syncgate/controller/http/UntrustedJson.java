package io.syncgate.controller.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON reader for answers of peers we do not trust (Patroni, Prometheus). */
public final class UntrustedJson {

  private UntrustedJson() {}

  /**
   * A reader that refuses nesting deeper than {@code maxNestingDepth}, numbers longer than 64
   * digits, a field given twice (a forged or broken answer, not a choice between values) and
   * anything after the answer.
   */
  public static ObjectMapper mapper(int maxNestingDepth) {
    return JsonMapper.builder(
            constrained(maxNestingDepth)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /**
   * Parsers with the same limits of depth and number length, for a reader that streams and refuses
   * a field given twice, and anything after the answer, itself.
   */
  public static JsonFactory streamingFactory(int maxNestingDepth) {
    return constrained(maxNestingDepth).build();
  }

  private static JsonFactoryBuilder constrained(int maxNestingDepth) {
    return new JsonFactoryBuilder()
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .maxNumberLength(64)
                .build());
  }
}
