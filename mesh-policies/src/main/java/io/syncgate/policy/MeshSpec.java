package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The read route the gate writes Istio weights for: {@code spec.mesh}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "host",
  "primaryHost",
  "port",
  "subsetLabel",
  "fallback",
  "maxConnectionDuration"
})
@ValidationRule(
    value = "!has(self.primaryHost) || !has(self.host) || self.primaryHost != self.host",
    message =
        "primaryHost must name the primary's own Service, not the read host: the fallback would"
            + " send reads to every member of the read host, lagging replicas included",
    fieldPath = ".primaryHost")
public class MeshSpec {

  public static final int DEFAULT_PORT = 5432;
  public static final String DEFAULT_SUBSET_LABEL = "statefulset.kubernetes.io/pod-name";
  public static final String DEFAULT_FALLBACK = "Primary";

  @Required
  @Size(min = 1, max = 253)
  @Pattern(ReplicaGateValidator.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "The read host clients connect to: a Service of the gate's namespace, as <svc>, <svc>.<ns>,"
          + " <svc>.<ns>.svc or <svc>.<ns>.svc.<cluster domain>, e.g."
          + " hippo-replicas.db.svc.cluster.local.")
  private String host;

  @Size(min = 1, max = 253)
  @Pattern(ReplicaGateValidator.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Optional: the primary's own Service, where the Primary fallback sends reads (no subset),"
          + " e.g. hippo-ha.db.svc.cluster.local; same namespace rule as host. Set it when"
          + " the read host selects replicas only (PGO's <cluster>-replicas, Spilo's -repl):"
          + " without it the fallback is the leader's subset of the read host.")
  private String primaryHost;

  @Default("" + DEFAULT_PORT)
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The PostgreSQL port of the read host.")
  private Integer port = DEFAULT_PORT;

  @Default(DEFAULT_SUBSET_LABEL)
  @Size(min = 1, max = 317)
  @Pattern(ReplicaGateValidator.LABEL_KEY)
  @JsonPropertyDescription("Pod label whose value tells one member pod from another.")
  private String subsetLabel = DEFAULT_SUBSET_LABEL;

  @Default(DEFAULT_FALLBACK)
  @SchemaFrom(type = FallbackMode.class)
  @JsonPropertyDescription(
      "Where reads go when no replica is admitted: Primary (the leader) or AllReplicas (fail"
          + " open).")
  private String fallback = DEFAULT_FALLBACK;

  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = "duration(self) >= duration('1ms')",
      message = "maxConnectionDuration must be at least 1ms")
  @JsonPropertyDescription(
      "Optional: recycle TCP connections after this long (Go duration), so weight changes reach"
          + " pooled clients.")
  private String maxConnectionDuration;

  public MeshSpec() {}

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getPrimaryHost() {
    return primaryHost;
  }

  public void setPrimaryHost(String primaryHost) {
    this.primaryHost = primaryHost;
  }

  public Integer getPort() {
    return port;
  }

  /** Sets the port; {@code null} means the default, as on the API server. */
  public void setPort(Integer port) {
    this.port = port == null ? DEFAULT_PORT : port;
  }

  public String getSubsetLabel() {
    return subsetLabel;
  }

  public void setSubsetLabel(String subsetLabel) {
    this.subsetLabel = subsetLabel == null ? DEFAULT_SUBSET_LABEL : subsetLabel;
  }

  public String getFallback() {
    return fallback;
  }

  public void setFallback(String fallback) {
    this.fallback = fallback == null ? DEFAULT_FALLBACK : fallback;
  }

  public String getMaxConnectionDuration() {
    return maxConnectionDuration;
  }

  public void setMaxConnectionDuration(String maxConnectionDuration) {
    this.maxConnectionDuration = maxConnectionDuration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeshSpec other
        && Objects.equals(host, other.host)
        && Objects.equals(primaryHost, other.primaryHost)
        && Objects.equals(port, other.port)
        && Objects.equals(subsetLabel, other.subsetLabel)
        && Objects.equals(fallback, other.fallback)
        && Objects.equals(maxConnectionDuration, other.maxConnectionDuration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, primaryHost, port, subsetLabel, fallback, maxConnectionDuration);
  }

  @Override
  public String toString() {
    return "MeshSpec(host="
        + host
        + ", primaryHost="
        + primaryHost
        + ", port="
        + port
        + ", subsetLabel="
        + subsetLabel
        + ", fallback="
        + fallback
        + ", maxConnectionDuration="
        + maxConnectionDuration
        + ")";
  }
}
