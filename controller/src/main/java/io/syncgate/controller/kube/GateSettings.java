package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.syncgate.policy.AdmissionSpec;
import io.syncgate.policy.AnalysisOnFailure;
import io.syncgate.policy.AnalysisSpec;
import io.syncgate.policy.ByteQuantity;
import io.syncgate.policy.EjectionSpec;
import io.syncgate.policy.FallbackMode;
import io.syncgate.policy.GoDuration;
import io.syncgate.policy.MeshSpec;
import io.syncgate.policy.PatroniSpec;
import io.syncgate.policy.PrometheusSpec;
import io.syncgate.policy.RampSpec;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateSpec;
import io.syncgate.policy.ReplicaGateValidator;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.Violation;
import io.syncgate.policy.gating.Fallback;
import io.syncgate.policy.gating.GatePolicy;
import io.syncgate.policy.mesh.MeshTarget;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One gate's spec, validated and turned into the plain values the controller works with: the gating
 * policy, the mesh target, which pods to watch, how to reach their Patroni, and the analysis
 * checks.
 *
 * @param selector the member pods' label selector
 * @param pollInterval how often a tick runs
 * @param patroni how to reach Patroni on each member
 * @param policy the gating policy
 * @param target what the mesh objects look like and who owns them
 * @param analysis how to run the analysis checks, or empty when the gate has no {@code analysis}
 */
public record GateSettings(
    LabelSelector selector,
    Duration pollInterval,
    PatroniSettings patroni,
    GatePolicy policy,
    MeshTarget target,
    Optional<AnalysisSettings> analysis) {

  public GateSettings {
    Objects.requireNonNull(analysis, "analysis");
  }

  /**
   * {@code spec.patroni}, parsed.
   *
   * @param credentialsSecret Secret with {@code username}/{@code password}, or null
   * @param caSecret Secret with {@code ca.crt}, or null
   */
  public record PatroniSettings(
      String scheme,
      int port,
      Duration timeout,
      String credentialsSecret,
      String caSecret,
      boolean verifyHostname) {}

  /**
   * {@code spec.analysis}, parsed: the Prometheus server and the checks. The policy's {@link
   * GatePolicy.Analysis} has the check names, the failure limit and what a failure does.
   *
   * @param address the Prometheus HTTP API's base URL
   * @param timeout of one query
   * @param caSecret Secret with {@code ca.crt}, or null
   * @param credentialsSecret Secret with {@code username}/{@code password} (basic auth), or null
   * @param bearerTokenSecret Secret with {@code token}, or null; never set with credentialsSecret
   * @param allowCredentialsOverHttp whether either Secret may be sent to an {@code http://} address
   * @param verifyHostname false when {@code insecureSkipHostnameVerification} is set
   * @param checks the checks in spec order, names unique
   */
  public record AnalysisSettings(
      URI address,
      Duration timeout,
      SecretRef caSecret,
      SecretRef credentialsSecret,
      SecretRef bearerTokenSecret,
      boolean allowCredentialsOverHttp,
      boolean verifyHostname,
      List<CheckSpecParsed> checks) {

    public AnalysisSettings {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(timeout, "timeout");
      caSecret = copy(caSecret);
      credentialsSecret = copy(credentialsSecret);
      bearerTokenSecret = copy(bearerTokenSecret);
      checks = List.copyOf(checks);
    }

    /** A copy, so that no settings share a mutable model object with the informer's cache. */
    private static SecretRef copy(SecretRef ref) {
      return ref == null ? null : new SecretRef(ref.getName());
    }

    /** The check names in spec order, as {@link GatePolicy.Analysis#checks()} has them. */
    public List<String> checkNames() {
      return checks.stream().map(CheckSpecParsed::name).toList();
    }
  }

  /**
   * One entry of {@code spec.analysis.checks}, parsed.
   *
   * @param name unique in the gate
   * @param query PromQL, with the placeholders {@code {{replica}}} and {@code {{namespace}}} as
   *     written (not yet replaced)
   * @param comparison {@code <}, {@code <=}, {@code >} or {@code >=}: a result passes when {@code
   *     result <comparison> threshold} holds
   * @param threshold finite
   * @param interval no query of this check is sent more often than this
   */
  public record CheckSpecParsed(
      String name, String query, String comparison, double threshold, Duration interval) {

    public CheckSpecParsed {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(comparison, "comparison");
      Objects.requireNonNull(interval, "interval");
    }
  }

  /** The read host's Service, by name in the gate's namespace. */
  public String readService() {
    return serviceName(target.host());
  }

  /** The primary's own Service ({@code mesh.primaryHost}), by name, or empty when none is set. */
  public Optional<String> primaryService() {
    return Optional.ofNullable(target.primaryHost()).map(this::serviceName);
  }

  /** The Services whose ready endpoints decide where reads may go. */
  public Set<String> endpointServices() {
    Set<String> out = new TreeSet<>();
    out.add(readService());
    primaryService().ifPresent(out::add);
    return out;
  }

  /** A host the validator admitted names a Service of the gate's namespace: its name. */
  private String serviceName(String host) {
    String service =
        ReplicaGateValidator.serviceOf(host, target.namespace())
            .orElseThrow(() -> new IllegalStateException("not a Service of the cluster: " + host));
    return service.substring(0, service.indexOf('.'));
  }

  /** Either settings (the spec is valid) or every rule the spec breaks. */
  public record Parsed(GateSettings settings, List<Violation> violations) {
    public Parsed {
      violations = List.copyOf(violations);
      if ((settings == null) == violations.isEmpty()) {
        throw new IllegalArgumentException("exactly one of settings and violations");
      }
    }

    public boolean valid() {
      return settings != null;
    }

    /** The violations as one line for a condition or event: {@code path: message; …}. */
    public String describeViolations() {
      return String.join("; ", violations.stream().map(Violation::toString).toList());
    }
  }

  /**
   * Validates the gate with the shared Java validator (its spec, and its mesh host against its
   * namespace, which the API server cannot check), then parses it.
   */
  public static Parsed parse(ReplicaGate gate) {
    Objects.requireNonNull(gate, "gate");
    ReplicaGateSpec spec = gate.getSpec();
    List<Violation> violations = ReplicaGateValidator.validate(gate);
    if (!violations.isEmpty()) {
      return new Parsed(null, violations);
    }
    try {
      return new Parsed(settings(gate, spec), List.of());
    } catch (IllegalArgumentException e) {
      // The validator and the core disagree: say so instead of failing the tick.
      return new Parsed(null, List.of(new Violation("spec", e.getMessage())));
    }
  }

  private static GateSettings settings(ReplicaGate gate, ReplicaGateSpec spec) {
    PatroniSpec patroni = spec.getPatroni();
    MeshSpec mesh = spec.getMesh();
    AdmissionSpec admission = spec.getAdmission();
    RampSpec ramp = spec.getRamp();
    EjectionSpec ejection = spec.getEjection();
    AnalysisSpec analysisSpec = spec.getAnalysis();
    Optional<AnalysisSettings> analysis =
        Optional.ofNullable(analysisSpec).map(GateSettings::analysis);
    GatePolicy policy =
        GatePolicy.builder()
            .admissionMaxLagBytes(ByteQuantity.parse(admission.getMaxLag()))
            .admissionMaxLagTime(GoDuration.parse(admission.getMaxLagTime()))
            .stableFor(GoDuration.parse(admission.getStableFor()))
            .rampSteps(ramp.getSteps())
            .stepInterval(GoDuration.parse(ramp.getStepInterval()))
            .ejectionMaxLagBytes(ByteQuantity.parse(ejection.getMaxLag()))
            .ejectionMaxLagTime(GoDuration.parse(ejection.getMaxLagTime()))
            .unreachableFor(GoDuration.parse(ejection.getUnreachableFor()))
            .fallback(fallback(mesh.getFallback()))
            .paused(Boolean.TRUE.equals(spec.getPaused()))
            .maxRamping(ramp.getMaxRamping())
            .requireApproval(Boolean.TRUE.equals(admission.getRequireApproval()))
            .rejectGrowingLag(!Boolean.FALSE.equals(admission.getRejectGrowingLag()))
            .maxLagGrowthBytesPerSecond(ByteQuantity.parse(ramp.getMaxLagGrowth()))
            .maxLagGrowthFor(GoDuration.parse(ramp.getMaxLagGrowthFor()))
            .pauseAt(ramp.getPauseAt() == null ? List.of() : ramp.getPauseAt())
            .analysis(
                analysis
                    .map(
                        a ->
                            new GatePolicy.Analysis(
                                a.checkNames(),
                                analysisSpec.getFailureLimit(),
                                onFailure(analysisSpec.getOnFailure())))
                    .orElse(GatePolicy.Analysis.NONE))
            .build();
    MeshTarget target =
        new MeshTarget(
            gate.getMetadata().getNamespace(),
            gate.getMetadata().getName(),
            gate.getMetadata().getUid(),
            mesh.getHost(),
            mesh.getPort(),
            mesh.getSubsetLabel(),
            mesh.getMaxConnectionDuration() == null
                ? null
                : GoDuration.parse(mesh.getMaxConnectionDuration()),
            mesh.getPrimaryHost());
    PatroniSettings patroniSettings =
        new PatroniSettings(
            patroni.getScheme(),
            patroni.getPort(),
            GoDuration.parse(patroni.getTimeout()),
            patroni.getCredentialsSecret() == null
                ? null
                : patroni.getCredentialsSecret().getName(),
            patroni.getCaSecret() == null ? null : patroni.getCaSecret().getName(),
            !Boolean.TRUE.equals(patroni.getInsecureSkipHostnameVerification()));
    return new GateSettings(
        spec.getSelector(),
        GoDuration.parse(spec.getPollInterval()),
        patroniSettings,
        policy,
        target,
        analysis);
  }

  private static AnalysisSettings analysis(AnalysisSpec spec) {
    PrometheusSpec prometheus = spec.getPrometheus();
    List<CheckSpecParsed> checks =
        spec.getChecks().stream()
            .map(
                c ->
                    new CheckSpecParsed(
                        c.getName(),
                        c.getQuery(),
                        c.getComparison(),
                        c.getThreshold(),
                        GoDuration.parse(c.getInterval())))
            .toList();
    return new AnalysisSettings(
        URI.create(prometheus.getAddress()),
        GoDuration.parse(prometheus.getTimeout()),
        prometheus.getCaSecret(),
        prometheus.getCredentialsSecret(),
        prometheus.getBearerTokenSecret(),
        Boolean.TRUE.equals(prometheus.getAllowCredentialsOverHttp()),
        !Boolean.TRUE.equals(prometheus.getInsecureSkipHostnameVerification()),
        checks);
  }

  private static GatePolicy.OnFailure onFailure(String value) {
    AnalysisOnFailure action =
        AnalysisOnFailure.fromValue(value)
            .orElseThrow(() -> new IllegalArgumentException("unknown onFailure " + value));
    return switch (action) {
      case STEP_BACK -> GatePolicy.OnFailure.STEP_BACK;
      case ABORT -> GatePolicy.OnFailure.ABORT;
    };
  }

  private static Fallback fallback(String value) {
    FallbackMode mode =
        FallbackMode.fromValue(value)
            .orElseThrow(() -> new IllegalArgumentException("unknown fallback " + value));
    return switch (mode) {
      case PRIMARY -> Fallback.PRIMARY;
      case ALL_REPLICAS -> Fallback.ALL_REPLICAS;
    };
  }
}
