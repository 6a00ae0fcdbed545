package io.syncgate.controller.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.policy.ReplicaGate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the gate and the mesh objects the controller wrote as YAML a reader can inspect or apply:
 * what the API server added (uid, resourceVersion, managedFields, timestamps, status) and the owner
 * references (they name the demo's gate by its uid, which means nothing elsewhere) are left out.
 */
final class MeshYaml {

  static final String GATE_FILE = "replicagate.yaml";
  static final String DESTINATION_RULE_FILE = "destinationrule.yaml";
  static final String VIRTUAL_SERVICE_FILE = "virtualservice.yaml";

  private MeshYaml() {}

  /**
   * Writes {@link #GATE_FILE}, {@link #DESTINATION_RULE_FILE} and {@link #VIRTUAL_SERVICE_FILE}
   * into {@code dir} (created if missing); returns the files written.
   */
  static List<Path> write(
      Path dir,
      KubernetesSerialization serialization,
      ReplicaGate gate,
      HasMetadata destinationRule,
      HasMetadata virtualService)
      throws IOException {
    Files.createDirectories(dir);
    ReplicaGate specOnly = serialization.clone(gate);
    specOnly.setStatus(null);
    List<Path> written = new ArrayList<>();
    written.add(
        write(
            dir.resolve(GATE_FILE), "The ReplicaGate the demo applied.", serialization, specOnly));
    written.add(
        write(
            dir.resolve(DESTINATION_RULE_FILE),
            "The DestinationRule syncgate wrote: one subset per member pod.",
            serialization,
            destinationRule));
    written.add(
        write(
            dir.resolve(VIRTUAL_SERVICE_FILE),
            "The VirtualService syncgate wrote: the read route's final weights.",
            serialization,
            virtualService));
    return written;
  }

  private static Path write(
      Path file, String what, KubernetesSerialization serialization, HasMetadata object)
      throws IOException {
    HasMetadata clean = serialization.clone(object);
    clean.setMetadata(portable(object.getMetadata()));
    String yaml =
        "# "
            + what
            + "\n# Written by `syncgate demo`; server-set fields and owner references left out.\n"
            + serialization.asYaml(clean);
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static ObjectMeta portable(ObjectMeta meta) {
    return new ObjectMetaBuilder()
        .withName(meta.getName())
        .withNamespace(meta.getNamespace())
        .withLabels(meta.getLabels())
        .withAnnotations(meta.getAnnotations())
        .build();
  }
}
