package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.metrics.SyncgateMetrics;
import io.syncgate.policy.status.ConditionReason;
import io.syncgate.policy.status.EventReason;
import io.syncgate.policy.status.GateConditions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's reference sections say what the code does: every ReplicaGate field of the generated
 * CRD with its default, every status field, every condition type and reason the controller sets,
 * every event reason with its type, every metric by its scraped name.
 */
class ReadmeReferenceTest {

  private static final String CRD = "/META-INF/fabric8/replicagates.syncgate.io-v1.yml";
  private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\| ([^|]*)\\|");
  private static final Set<String> NO_DEFAULT = Set.of("–", "(required)");

  private final String readme = Readme.text();

  @Test
  void everySpecFieldIsInTheFieldTableWithTheCrdDefault() throws IOException {
    JSONSchemaProps spec = schema().getProperties().get("spec");
    Map<String, JSONSchemaProps> fields = new LinkedHashMap<>();
    leaves("", spec, fields);
    Map<String, String> table = table(section("### Spec fields"));

    assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(fields.keySet());
    for (Map.Entry<String, JSONSchemaProps> field : fields.entrySet()) {
      String documented = table.get(field.getKey()).strip().replace("`", "");
      JsonNode crdDefault = field.getValue().getDefault();
      if (crdDefault == null) {
        assertThat(documented).as("default of %s", field.getKey()).isIn(NO_DEFAULT);
      } else {
        assertThat(documented).as("default of %s", field.getKey()).isEqualTo(text(crdDefault));
      }
    }
  }

  @Test
  void everyStatusFieldIsDocumented() throws IOException {
    JSONSchemaProps status = schema().getProperties().get("status");
    Map<String, JSONSchemaProps> fields = new LinkedHashMap<>();
    leaves("", status, fields);

    assertThat(table(section("### Status")).keySet())
        .containsExactlyInAnyOrderElementsOf(fields.keySet());
  }

  @Test
  void everyConditionTypeAndReasonTheControllerSetsIsDocumented() throws Exception {
    String conditions = section("### Conditions");
    for (String type :
        List.of(
            GateConditions.READY,
            GateConditions.DEGRADED,
            GateConditions.INVALID_SPEC,
            GateConditions.CONFLICT,
            GateConditions.MEMBERS_EXCLUDED)) {
      assertThat(conditions).contains("`" + type + "`");
    }
    // Every reason a tick can set is a constant of ConditionReason (TickReport uses no literals).
    Set<String> reasons = new TreeSet<>();
    for (Field field : ConditionReason.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        reasons.add((String) field.get(null));
      }
    }
    assertThat(reasons).as("the reasons of ConditionReason").hasSizeGreaterThan(8);
    for (String reason : reasons) {
      assertThat(conditions).as("condition reason %s", reason).contains("`" + reason + "`");
    }
  }

  @Test
  void everyEventReasonIsDocumentedWithItsType() {
    Map<String, String> events = table(section("### Events"));
    for (EventReason reason : EventReason.values()) {
      assertThat(events).containsKey(reason.value());
      assertThat(events.get(reason.value()).strip()).isEqualTo(reason.type().value());
    }
    assertThat(events).hasSameSizeAs(EventReason.values());
  }

  @Test
  void everyMetricIsDocumentedByItsScrapedName() {
    SyncgateMetrics metrics = new SyncgateMetrics();
    metrics.recordReplica("db", "g", "r", "Serving", 50, 10L);
    metrics.recordCatchUp("db", "g", "r", 1e6, 3.0);
    metrics.recordExposure("db", "g", 0, 0);
    metrics.recordPoll("db", "g", Duration.ofMillis(3));
    metrics.pollError("db", "g", "timeout");
    metrics.meshWrite("db", "g", "status", "noop");
    metrics.recordTick("db", "g", Duration.ofMillis(3));
    metrics.tickSkipped("db", "g");
    metrics.recordTickCompleted("db", "g", java.time.Instant.EPOCH);
    metrics.eventDropped("db", "g");
    metrics.recordAction("db", "g", "hold", true);
    metrics.recordCheck("db", "g", "latency", false);
    metrics.shards(2);
    metrics.recordShard(1, true);
    Set<String> scraped = new TreeSet<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (syncgate_\\w+) ").matcher(metrics.scrape());
    while (type.find()) {
      scraped.add(type.group(1));
    }
    Set<String> documented = new TreeSet<>();
    Matcher name = Pattern.compile("`(syncgate_\\w+)").matcher(section("### Metrics"));
    while (name.find()) {
      documented.add(name.group(1));
    }

    assertThat(scraped).hasSize(20);
    assertThat(documented).isEqualTo(scraped);
  }

  /** The README text from {@code heading} to the next heading of the same or a higher level. */
  private String section(String heading) {
    int start = readme.indexOf("\n" + heading + "\n");
    assertThat(start).as("README has the section %s", heading).isNotNegative();
    int level = heading.indexOf(' ');
    int end = readme.length();
    Matcher next = Pattern.compile("(?m)^#{1," + level + "} ").matcher(readme);
    if (next.find(start + heading.length() + 2)) {
      end = next.start();
    }
    return readme.substring(start, end);
  }

  /** First column (in backticks) → second column of every table row in {@code text}. */
  private static Map<String, String> table(String text) {
    Map<String, String> rows = new LinkedHashMap<>();
    Matcher m = TABLE_ROW.matcher(text);
    while (m.find()) {
      rows.put(m.group(1), m.group(2));
    }
    return rows;
  }

  /**
   * Field paths below {@code props}: objects with properties are descended into (arrays of them as
   * {@code name[].field}); the label selector and the conditions are fields of their own.
   */
  private static void leaves(
      String prefix, JSONSchemaProps props, Map<String, JSONSchemaProps> out) {
    for (Map.Entry<String, JSONSchemaProps> e : props.getProperties().entrySet()) {
      String path = prefix + e.getKey();
      JSONSchemaProps p = e.getValue();
      boolean opaque = path.equals("selector") || path.equals("conditions");
      if (!opaque && p.getProperties() != null && !p.getProperties().isEmpty()) {
        leaves(path + ".", p, out);
      } else if (!opaque
          && "array".equals(p.getType())
          && p.getItems() != null
          && p.getItems().getSchema() != null
          && p.getItems().getSchema().getProperties() != null
          && !p.getItems().getSchema().getProperties().isEmpty()) {
        leaves(path + "[].", p.getItems().getSchema(), out);
      } else {
        out.put(path, p);
      }
    }
  }

  private static String text(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(text(v)));
      return "[" + String.join(", ", items) + "]";
    }
    return value.asText();
  }

  private static JSONSchemaProps schema() throws IOException {
    try (InputStream in = ReadmeReferenceTest.class.getResourceAsStream(CRD)) {
      assertThat(in).as("the generated CRD %s on the classpath", CRD).isNotNull();
      CustomResourceDefinition crd =
          new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }
  }
}
