package io.syncgate.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The CRD that crd-generator-maven-plugin wrote into the build output, read as plain maps. */
final class GeneratedCrd {

  /** Where the plugin writes it, relative to the classes directory (and so on the classpath). */
  static final String RESOURCE = "META-INF/fabric8/replicagates.syncgate.io-v1.yml";

  static final YAMLMapper YAML = new YAMLMapper();

  private GeneratedCrd() {}

  static String text() {
    try (InputStream in = GeneratedCrd.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is not on the classpath: the crd-generator plugin did not run");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> crd() {
    try {
      return YAML.readValue(text(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one served version's entry of {@code spec.versions}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> version() {
    Map<String, Object> spec = (Map<String, Object>) crd().get("spec");
    List<Map<String, Object>> versions = (List<Map<String, Object>>) spec.get("versions");
    if (versions.size() != 1) {
      throw new IllegalStateException("expected one version, got " + versions.size());
    }
    return versions.get(0);
  }

  /** The OpenAPI schema of {@code spec}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> specSchema() {
    Map<String, Object> schema = (Map<String, Object>) version().get("schema");
    Map<String, Object> root = (Map<String, Object>) schema.get("openAPIV3Schema");
    Map<String, Object> properties = (Map<String, Object>) root.get("properties");
    return (Map<String, Object>) properties.get("spec");
  }
}
