package io.syncgate.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Objects;

/**
 * The desired behaviour of a {@link ReplicaGate}: which Patroni members to watch, which read route
 * to gate, and when replicas are admitted, ramped and ejected (docs/design.md, "The ReplicaGate
 * contract").
 *
 * <p>Every field but {@code selector}, {@code mesh} and the optional {@code analysis} has a
 * default; the CRD carries it (so the API server fills it in) and so does this class (a fresh
 * object, or a {@code null} set, holds it). Cross-field rules are CEL {@code
 * x-kubernetes-validations} on this type; {@link ReplicaGateValidator} enforces the same rules in
 * Java.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "selector",
  "patroni",
  "mesh",
  "admission",
  "ramp",
  "ejection",
  "analysis",
  "pollInterval",
  "paused"
})
@ValidationRule(
    value =
        "!isQuantity("
            + ReplicaGateSpec.CEL_EJECTION_MAX_LAG
            + ") || !isQuantity("
            + ReplicaGateSpec.CEL_ADMISSION_MAX_LAG
            + ") || quantity("
            + ReplicaGateSpec.CEL_EJECTION_MAX_LAG
            + ").compareTo(quantity("
            + ReplicaGateSpec.CEL_ADMISSION_MAX_LAG
            + ")) >= 0",
    message = "ejection.maxLag must be >= admission.maxLag",
    fieldPath = ".ejection.maxLag")
@ValidationRule(
    value =
        "!"
            + ReplicaGateSpec.CEL_ADMISSION_MAX_LAG_TIME
            + ".matches(r'"
            + GoDuration.PATTERN
            + "') || !"
            + ReplicaGateSpec.CEL_EJECTION_MAX_LAG_TIME
            + ".matches(r'"
            + GoDuration.PATTERN
            + "') || duration("
            + ReplicaGateSpec.CEL_ADMISSION_MAX_LAG_TIME
            + ") == duration('0s') || duration("
            + ReplicaGateSpec.CEL_EJECTION_MAX_LAG_TIME
            + ") == duration('0s') || duration("
            + ReplicaGateSpec.CEL_EJECTION_MAX_LAG_TIME
            + ") >= duration("
            + ReplicaGateSpec.CEL_ADMISSION_MAX_LAG_TIME
            + ")",
    message = "ejection.maxLagTime must be >= admission.maxLagTime when both are set (not 0s)",
    fieldPath = ".ejection.maxLagTime")
public class ReplicaGateSpec {

  // The cross-field rules read a field's default when it is absent, so they hold whether or not
  // the API server has applied the defaults before evaluating them. They skip malformed values,
  // which the field's own pattern already reports, instead of failing to evaluate.
  static final String CEL_ADMISSION_MAX_LAG =
      "(has(self.admission) && has(self.admission.maxLag) ? self.admission.maxLag : '"
          + AdmissionSpec.DEFAULT_MAX_LAG
          + "')";
  static final String CEL_EJECTION_MAX_LAG =
      "(has(self.ejection) && has(self.ejection.maxLag) ? self.ejection.maxLag : '"
          + EjectionSpec.DEFAULT_MAX_LAG
          + "')";
  static final String CEL_ADMISSION_MAX_LAG_TIME =
      "(has(self.admission) && has(self.admission.maxLagTime) ? self.admission.maxLagTime : '"
          + AdmissionSpec.DEFAULT_MAX_LAG_TIME
          + "')";
  static final String CEL_EJECTION_MAX_LAG_TIME =
      "(has(self.ejection) && has(self.ejection.maxLagTime) ? self.ejection.maxLagTime : '"
          + EjectionSpec.DEFAULT_MAX_LAG_TIME
          + "')";

  public static final String DEFAULT_POLL_INTERVAL = "1s";
  public static final boolean DEFAULT_PAUSED = false;

  @Required
  @SchemaFrom(type = LabelSelectorSchema.class)
  @ValidationRule(
      value =
          "(has(self.matchLabels) && size(self.matchLabels) > 0)"
              + " || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
      message = "selector must not be empty: it would select every pod in the namespace")
  @ValidationRule(
      value = LabelSelectorRules.CEL_MATCH_LABELS_KEYS,
      message = LabelSelectorRules.CEL_MATCH_LABELS_KEYS_MESSAGE,
      fieldPath = ".matchLabels")
  @ValidationRule(
      value = LabelSelectorRules.CEL_MATCH_EXPRESSIONS_KEYS,
      message = LabelSelectorRules.CEL_MATCH_EXPRESSIONS_KEYS_MESSAGE,
      fieldPath = ".matchExpressions")
  @ValidationRule(
      value = LabelSelectorRules.CEL_SET_OPERATORS_HAVE_VALUES,
      message = LabelSelectorRules.CEL_SET_OPERATORS_HAVE_VALUES_MESSAGE,
      fieldPath = ".matchExpressions")
  @ValidationRule(
      value = LabelSelectorRules.CEL_EXISTENCE_OPERATORS_HAVE_NO_VALUES,
      message = LabelSelectorRules.CEL_EXISTENCE_OPERATORS_HAVE_NO_VALUES_MESSAGE,
      fieldPath = ".matchExpressions")
  @JsonPropertyDescription("Label selector of the Patroni member pods, in the gate's namespace.")
  private LabelSelector selector;

  @Default("{}")
  @JsonPropertyDescription("How to reach Patroni's REST API on each member pod.")
  private PatroniSpec patroni = new PatroniSpec();

  @Required
  @JsonPropertyDescription("The read route whose Istio weights the gate writes.")
  private MeshSpec mesh;

  @Default("{}")
  @JsonPropertyDescription("When a replica may start taking reads.")
  private AdmissionSpec admission = new AdmissionSpec();

  @Default("{}")
  @JsonPropertyDescription("How an admitted replica ramps in.")
  private RampSpec ramp = new RampSpec();

  @Default("{}")
  @JsonPropertyDescription("When a ramping or serving replica goes back to zero.")
  private EjectionSpec ejection = new EjectionSpec();

  @JsonPropertyDescription(
      "Optional: Prometheus checks of each replica; a replica whose check fails failureLimit times"
          + " in a row fails its analysis, and onFailure says what happens then. Absent: no"
          + " analysis.")
  private AnalysisSpec analysis;

  @Default(DEFAULT_POLL_INTERVAL)
  @Pattern(GoDuration.PATTERN)
  @Size(max = ReplicaGateValidator.MAX_VALUE_LENGTH)
  @ValidationRule(
      value = "duration(self) >= duration('100ms')",
      message = "pollInterval must be at least 100ms")
  @ValidationRule(
      value = "duration(self) <= duration('5m')",
      message = "pollInterval must be at most 5m")
  @JsonPropertyDescription(
      "How often every member's Patroni is polled (Go duration, 100ms..5m): a gate that polls"
          + " less often cannot protect its readers.")
  private String pollInterval = DEFAULT_POLL_INTERVAL;

  @Default("" + DEFAULT_PAUSED)
  @JsonPropertyDescription("Freeze admissions and ramp progress; ejection still applies.")
  private Boolean paused = DEFAULT_PAUSED;

  public ReplicaGateSpec() {}

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public PatroniSpec getPatroni() {
    return patroni;
  }

  /** Sets the Patroni settings; {@code null} means all defaults, as on the API server. */
  public void setPatroni(PatroniSpec patroni) {
    this.patroni = patroni == null ? new PatroniSpec() : patroni;
  }

  public MeshSpec getMesh() {
    return mesh;
  }

  public void setMesh(MeshSpec mesh) {
    this.mesh = mesh;
  }

  public AdmissionSpec getAdmission() {
    return admission;
  }

  public void setAdmission(AdmissionSpec admission) {
    this.admission = admission == null ? new AdmissionSpec() : admission;
  }

  public RampSpec getRamp() {
    return ramp;
  }

  public void setRamp(RampSpec ramp) {
    this.ramp = ramp == null ? new RampSpec() : ramp;
  }

  public EjectionSpec getEjection() {
    return ejection;
  }

  public void setEjection(EjectionSpec ejection) {
    this.ejection = ejection == null ? new EjectionSpec() : ejection;
  }

  public AnalysisSpec getAnalysis() {
    return analysis;
  }

  /** Sets the analysis; {@code null} means none. */
  public void setAnalysis(AnalysisSpec analysis) {
    this.analysis = analysis;
  }

  public String getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(String pollInterval) {
    this.pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused == null ? DEFAULT_PAUSED : paused;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaGateSpec other
        && Objects.equals(selector, other.selector)
        && Objects.equals(patroni, other.patroni)
        && Objects.equals(mesh, other.mesh)
        && Objects.equals(admission, other.admission)
        && Objects.equals(ramp, other.ramp)
        && Objects.equals(ejection, other.ejection)
        && Objects.equals(analysis, other.analysis)
        && Objects.equals(pollInterval, other.pollInterval)
        && Objects.equals(paused, other.paused);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        selector, patroni, mesh, admission, ramp, ejection, analysis, pollInterval, paused);
  }

  @Override
  public String toString() {
    return "ReplicaGateSpec(selector="
        + selector
        + ", patroni="
        + patroni
        + ", mesh="
        + mesh
        + ", admission="
        + admission
        + ", ramp="
        + ramp
        + ", ejection="
        + ejection
        + ", analysis="
        + analysis
        + ", pollInterval="
        + pollInterval
        + ", paused="
        + paused
        + ")";
  }
}
