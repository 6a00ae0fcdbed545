package io.syncgate.controller.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Kubernetes manifests into fabric8's typed model so that a misspelt or misplaced field is an
 * error, not a silent drop.
 *
 * <p>fabric8's own {@code Serialization} is lenient on purpose, and even a Jackson mapper with
 * {@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES} does not fail on most model classes:
 * they collect unknown fields in {@code additionalProperties} through {@code @JsonAnySetter}. So
 * reading is strict where Jackson can be, and {@link #unknownFields} then walks the typed object
 * and reports every non-empty {@code additionalProperties} by its path.
 */
final class StrictManifests {

  /** The kinds deploy/ may contain, with the apiVersion each must use and its model class. */
  static final Map<String, KindModel> KINDS =
      Map.ofEntries(
          kind("v1", "Namespace", Namespace.class),
          kind("v1", "ServiceAccount", ServiceAccount.class),
          kind("v1", "Service", Service.class),
          kind("rbac.authorization.k8s.io/v1", "ClusterRole", ClusterRole.class),
          kind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", ClusterRoleBinding.class),
          kind("rbac.authorization.k8s.io/v1", "Role", Role.class),
          kind("rbac.authorization.k8s.io/v1", "RoleBinding", RoleBinding.class),
          kind("apps/v1", "Deployment", Deployment.class),
          kind("policy/v1", "PodDisruptionBudget", PodDisruptionBudget.class),
          kind("networking.k8s.io/v1", "NetworkPolicy", NetworkPolicy.class),
          kind(
              "apiextensions.k8s.io/v1",
              "CustomResourceDefinition",
              CustomResourceDefinition.class));

  record KindModel(String apiVersion, Class<? extends HasMetadata> type) {}

  /** One parsed document: where it came from and what it is. */
  record Manifest(String source, HasMetadata object) {
    String describe() {
      return object.getKind()
          + " "
          + (object.getMetadata().getNamespace() == null
              ? ""
              : object.getMetadata().getNamespace() + "/")
          + object.getMetadata().getName()
          + " ("
          + source
          + ")";
    }
  }

  /** Strict YAML: unknown properties and duplicate keys fail. */
  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private StrictManifests() {}

  private static Map.Entry<String, KindModel> kind(
      String apiVersion, String kind, Class<? extends HasMetadata> type) {
    return Map.entry(kind, new KindModel(apiVersion, type));
  }

  /** Every YAML document of {@code file}, as plain trees (empty documents skipped). */
  static List<JsonNode> documents(Path file) {
    try {
      return documents(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }

  /** Every YAML document of {@code yaml}, as plain trees (empty documents skipped). */
  static List<JsonNode> documents(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    // One readTree per document (MappingIterator would unwrap a document that is a list).
    try (JsonParser parser = YAML.createParser(yaml)) {
      while (parser.nextToken() != null) {
        JsonNode node = YAML.readTree(parser);
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          out.add(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Every document of {@code yaml} as a typed, strictly checked object. */
  static List<Manifest> parse(String source, String yaml) {
    List<Manifest> out = new ArrayList<>();
    List<JsonNode> docs = documents(yaml);
    for (int i = 0; i < docs.size(); i++) {
      out.add(typed(source + "#" + i, docs.get(i)));
    }
    return out;
  }

  /** Every document of {@code file} as a typed, strictly checked object. */
  static List<Manifest> parse(Path file) {
    try {
      return parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }

  /**
   * The document as its kind's model class.
   *
   * @throws IllegalArgumentException for an unexpected kind or apiVersion, a field the model does
   *     not have, or a value of the wrong type
   */
  static Manifest typed(String source, JsonNode document) {
    String kind = document.path("kind").asText();
    KindModel model = KINDS.get(kind);
    if (model == null) {
      throw new IllegalArgumentException(
          source
              + ": kind '"
              + kind
              + "' is not one deploy/ is expected to hold: "
              + KINDS.keySet());
    }
    String apiVersion = document.path("apiVersion").asText();
    if (!model.apiVersion().equals(apiVersion)) {
      throw new IllegalArgumentException(
          source + ": " + kind + " must be " + model.apiVersion() + ", not '" + apiVersion + "'");
    }
    HasMetadata object;
    try {
      object = YAML.treeToValue(document, model.type());
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    List<String> unknown = unknownFields(object);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          source + ": fields the " + kind + " model does not know: " + unknown);
    }
    return new Manifest(source, object);
  }

  /**
   * Paths of the fields that ended up in some {@code additionalProperties} (Jackson's any-setter)
   * anywhere in {@code root}, e.g. {@code spec.template.spec.containers[0].securityContext.foo}.
   */
  static List<String> unknownFields(Object root) {
    List<String> out = new ArrayList<>();
    walk(root, "", out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  private static void walk(Object value, String path, List<String> out, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        walk(e.getValue(), path + "[" + e.getKey() + "]", out, seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return; // strings, numbers, JsonNode (schema defaults): nothing typed below
    }
    BeanDescription description =
        YAML.getSerializationConfig().introspect(YAML.constructType(value.getClass()));
    AnnotatedMember anyGetter = description.findAnyGetter();
    if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> extra) {
      for (Object key : new LinkedHashMap<>(extra).keySet()) {
        out.add(path.isEmpty() ? String.valueOf(key) : path + "." + key);
      }
    }
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.hasGetter()) {
        String child = path.isEmpty() ? property.getName() : path + "." + property.getName();
        walk(property.getGetter().getValue(value), child, out, seen);
      }
    }
  }
}
