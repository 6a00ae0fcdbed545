package io.syncgate.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a {@link ReplicaGate} against every rule of its contract. {@link
 * #validate(ReplicaGateSpec)} has the rules the CRD enforces: the single-field OpenAPI constraints
 * (required, ranges, enums, patterns, lengths) and the CEL rules. {@link #validate(ReplicaGate)}
 * adds the rule no CRD rule can check because CEL does not see {@code metadata.namespace}: {@code
 * spec.mesh.host} names a Service of the gate's own namespace. The controller runs the latter on
 * every gate it reads, so it also refuses a spec an API server without the CRD's checks (an old
 * server, the mock server in tests) let through.
 *
 * <p>Pure: no I/O. Both return all violations at once, in field order.
 */
public final class ReplicaGateValidator {

  /** A lowercase RFC 1123 DNS subdomain, as Kubernetes object names and Service hosts are. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A lowercase RFC 1123 DNS label: at most 63 characters (the length is checked apart). */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A Kubernetes label key: optional DNS-subdomain prefix and slash, then a name of 1..63. */
  public static final String LABEL_KEY =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** Longest duration or quantity string; bounds the CRD's CEL cost too. */
  public static final int MAX_VALUE_LENGTH = 64;

  static final int MAX_DNS_LENGTH = 253;
  static final int MAX_LABEL_KEY_LENGTH = 317;
  static final int MAX_STEPS = 100;
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);
  static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(5);
  static final Duration MIN_UNREACHABLE_FOR = Duration.ofSeconds(1);
  static final Duration MIN_CONNECTION_DURATION = Duration.ofMillis(1);
  static final Duration MIN_PROMETHEUS_TIMEOUT = Duration.ofMillis(100);
  static final Duration MAX_PROMETHEUS_TIMEOUT = Duration.ofMinutes(1);
  static final Duration MIN_CHECK_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_CHECK_INTERVAL = Duration.ofMinutes(10);

  /** CEL rule on a byte-size field: a whole number of bytes (garbage is left to the pattern). */
  static final String CEL_WHOLE_BYTES = "!isQuantity(self) || quantity(self).isInteger()";

  private static final Pattern DNS = Pattern.compile(DNS_SUBDOMAIN);
  private static final Pattern DNS_LABEL_FORM = Pattern.compile(DNS_LABEL);
  private static final Pattern PROMETHEUS_ADDRESS = Pattern.compile(PrometheusSpec.ADDRESS_PATTERN);
  private static final Pattern LABEL = Pattern.compile(LABEL_KEY);

  private ReplicaGateValidator() {}

  /**
   * All rules {@code gate} breaks; empty when it is valid: those of its spec, and that {@code
   * spec.mesh.host} names a Service of the gate's namespace (its VirtualService is exported to the
   * whole mesh, so naming another namespace's Service would reroute that namespace's clients).
   */
  public static List<Violation> validate(ReplicaGate gate) {
    Objects.requireNonNull(gate, "gate");
    String namespace = gate.getMetadata() == null ? null : gate.getMetadata().getNamespace();
    List<Violation> out = new ArrayList<>();
    if (namespace == null || namespace.isEmpty()) {
      out.add(
          new Violation(
              "metadata.namespace",
              "is required: spec.mesh.host must name a Service of the gate's namespace"));
      namespace = null;
    }
    out.addAll(check(gate.getSpec(), namespace));
    return out;
  }

  /**
   * All rules of the CRD {@code spec} breaks; empty when it passes them. The API server checks the
   * same; it cannot check the host's namespace, and neither does this: see {@link
   * #validate(ReplicaGate)}.
   */
  public static List<Violation> validate(ReplicaGateSpec spec) {
    return check(spec, null);
  }

  /** The spec's violations; the host's namespace is checked when {@code namespace} is known. */
  private static List<Violation> check(ReplicaGateSpec spec, String namespace) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("spec", "is required"));
      return out;
    }
    checkSelector(spec.getSelector(), out);
    checkPatroni(spec.getPatroni() == null ? new PatroniSpec() : spec.getPatroni(), out);
    checkMesh(spec.getMesh(), namespace, out);
    AdmissionSpec admission =
        spec.getAdmission() == null ? new AdmissionSpec() : spec.getAdmission();
    EjectionSpec ejection = spec.getEjection() == null ? new EjectionSpec() : spec.getEjection();
    RampSpec ramp = spec.getRamp() == null ? new RampSpec() : spec.getRamp();

    Long admissionLag = bytes("spec.admission.maxLag", admission.getMaxLag(), out);
    Duration admissionLagTime =
        duration("spec.admission.maxLagTime", admission.getMaxLagTime(), out);
    duration("spec.admission.stableFor", admission.getStableFor(), out);

    checkSteps(ramp.getSteps(), out);
    duration("spec.ramp.stepInterval", ramp.getStepInterval(), out);
    Integer maxRamping = ramp.getMaxRamping();
    if (maxRamping != null && (maxRamping < 1 || maxRamping > RampSpec.MAX_RAMPING)) {
      out.add(
          new Violation(
              "spec.ramp.maxRamping",
              "must be in 1.." + RampSpec.MAX_RAMPING + " (was " + maxRamping + ")"));
    }
    checkPauseAt(ramp.getPauseAt(), ramp.getSteps(), out);
    bytes("spec.ramp.maxLagGrowth", ramp.getMaxLagGrowth(), out);
    duration("spec.ramp.maxLagGrowthFor", ramp.getMaxLagGrowthFor(), out);

    Long ejectionLag = bytes("spec.ejection.maxLag", ejection.getMaxLag(), out);
    if (admissionLag != null && ejectionLag != null && ejectionLag < admissionLag) {
      out.add(
          new Violation(
              "spec.ejection.maxLag",
              "must be >= admission.maxLag ("
                  + ejection.getMaxLag()
                  + " < "
                  + admission.getMaxLag()
                  + "): a replica would be ejected at a lag it is admitted at"));
    }
    Duration ejectionLagTime = duration("spec.ejection.maxLagTime", ejection.getMaxLagTime(), out);
    if (admissionLagTime != null
        && ejectionLagTime != null
        && !admissionLagTime.isZero()
        && !ejectionLagTime.isZero()
        && ejectionLagTime.compareTo(admissionLagTime) < 0) {
      out.add(
          new Violation(
              "spec.ejection.maxLagTime",
              "must be >= admission.maxLagTime when both are set ("
                  + ejection.getMaxLagTime()
                  + " < "
                  + admission.getMaxLagTime()
                  + ")"));
    }
    Duration unreachableFor =
        duration("spec.ejection.unreachableFor", ejection.getUnreachableFor(), out);
    if (unreachableFor != null && unreachableFor.compareTo(MIN_UNREACHABLE_FOR) < 0) {
      out.add(
          new Violation(
              "spec.ejection.unreachableFor",
              "must be at least 1s (was "
                  + ejection.getUnreachableFor()
                  + "): a replica must not be ejected the moment one poll fails"));
    }

    checkAnalysis(spec.getAnalysis(), out);

    Duration poll = duration("spec.pollInterval", spec.getPollInterval(), out);
    if (poll != null && poll.compareTo(MIN_POLL_INTERVAL) < 0) {
      out.add(
          new Violation(
              "spec.pollInterval", "must be at least 100ms (was " + spec.getPollInterval() + ")"));
    }
    if (poll != null && poll.compareTo(MAX_POLL_INTERVAL) > 0) {
      out.add(
          new Violation(
              "spec.pollInterval",
              "must be at most 5m (was "
                  + spec.getPollInterval()
                  + "): a gate that polls less often notices lag too late to protect reads"));
    }
    return out;
  }

  private static void checkSelector(LabelSelector selector, List<Violation> out) {
    if (selector == null) {
      out.add(new Violation("spec.selector", "is required: the labels of the Patroni member pods"));
      return;
    }
    boolean noLabels = selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty();
    boolean noExpressions =
        selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty();
    if (noLabels && noExpressions) {
      out.add(
          new Violation(
              "spec.selector", "must not be empty: it would select every pod in the namespace"));
    }
    LabelSelectorRules.check("spec.selector", selector, out);
  }

  private static void checkPatroni(PatroniSpec patroni, List<Violation> out) {
    port("spec.patroni.port", patroni.getPort(), out);
    oneOf(
        "spec.patroni.scheme",
        patroni.getScheme(),
        PatroniScheme.values(),
        PatroniScheme::value,
        out);
    Duration timeout = duration("spec.patroni.timeout", patroni.getTimeout(), out);
    if (timeout != null && timeout.isZero()) {
      out.add(new Violation("spec.patroni.timeout", "must be greater than 0s"));
    }
    secret(
        "spec.patroni.credentialsSecret",
        patroni.getCredentialsSecret(),
        "hippo-patroni-auth",
        out);
    if (patroni.getCredentialsSecret() != null
        && PatroniScheme.HTTP.value().equals(patroni.getScheme())
        && !Boolean.TRUE.equals(patroni.getAllowCredentialsOverHttp())) {
      out.add(
          new Violation(
              "spec.patroni.credentialsSecret",
              "would send Patroni's username and password in clear text over http: set scheme"
                  + " https (with caSecret), or allowCredentialsOverHttp: true to accept that"));
    }
    secret("spec.patroni.caSecret", patroni.getCaSecret(), "hippo-patroni-auth", out);
    if (Boolean.TRUE.equals(patroni.getInsecureSkipHostnameVerification())
        && patroni.getCaSecret() == null) {
      out.add(
          new Violation(
              "spec.patroni.insecureSkipHostnameVerification",
              "requires caSecret: the certificate chain must be verified against the CA it names"
                  + " when the host name is not verified"));
    }
  }

  private static void checkMesh(MeshSpec mesh, String namespace, List<Violation> out) {
    if (mesh == null) {
      out.add(new Violation("spec.mesh", "is required: at least mesh.host, the read host"));
      return;
    }
    String host = mesh.getHost();
    if (host == null) {
      out.add(new Violation("spec.mesh.host", "is required: the read host clients connect to"));
    } else if (dnsName("spec.mesh.host", host, "hippo-replicas.db.svc.cluster.local", out)
        && namespace != null) {
      hostInNamespace("spec.mesh.host", host, namespace, out);
    }
    String primaryHost = mesh.getPrimaryHost();
    if (primaryHost != null
        && dnsName("spec.mesh.primaryHost", primaryHost, "hippo-ha.db.svc.cluster.local", out)) {
      if (namespace != null) {
        hostInNamespace("spec.mesh.primaryHost", primaryHost, namespace, out);
      }
      boolean sameService =
          primaryHost.equals(host)
              || (namespace != null
                  && host != null
                  && serviceOf(primaryHost, namespace).isPresent()
                  && serviceOf(primaryHost, namespace).equals(serviceOf(host, namespace)));
      if (sameService) {
        out.add(
            new Violation(
                "spec.mesh.primaryHost",
                "must name the primary's own Service, not the read host (was \""
                    + primaryHost
                    + "\"): the fallback would send reads to every member of the read host,"
                    + " lagging replicas included"));
      }
    }
    port("spec.mesh.port", mesh.getPort(), out);
    String label = mesh.getSubsetLabel();
    if (label != null) {
      if (label.isEmpty()) {
        out.add(new Violation("spec.mesh.subsetLabel", "must not be empty"));
      } else if (length(label) > MAX_LABEL_KEY_LENGTH) {
        out.add(
            new Violation(
                "spec.mesh.subsetLabel",
                "must be at most " + MAX_LABEL_KEY_LENGTH + " characters"));
      } else if (!LABEL.matcher(label).matches()) {
        out.add(
            new Violation(
                "spec.mesh.subsetLabel",
                "must be a label key such as statefulset.kubernetes.io/pod-name (was \""
                    + label
                    + "\")"));
      }
    }
    oneOf(
        "spec.mesh.fallback", mesh.getFallback(), FallbackMode.values(), FallbackMode::value, out);
    if (mesh.getMaxConnectionDuration() != null) {
      Duration d =
          duration("spec.mesh.maxConnectionDuration", mesh.getMaxConnectionDuration(), out);
      if (d != null && d.compareTo(MIN_CONNECTION_DURATION) < 0) {
        out.add(
            new Violation(
                "spec.mesh.maxConnectionDuration",
                "must be at least 1ms (was " + mesh.getMaxConnectionDuration() + ")"));
      }
    }
  }

  private static void checkSteps(List<Integer> steps, List<Violation> out) {
    String path = "spec.ramp.steps";
    if (steps == null || steps.isEmpty()) {
      out.add(new Violation(path, "must not be empty: at least [100]"));
      return;
    }
    if (steps.size() > MAX_STEPS) {
      out.add(new Violation(path, "must have at most " + MAX_STEPS + " steps"));
    }
    Integer previous = null;
    for (int i = 0; i < steps.size(); i++) {
      Integer step = steps.get(i);
      String at = path + "[" + i + "]";
      if (step == null) {
        out.add(new Violation(at, "must be a number in 1..100"));
        continue;
      }
      if (step < 1 || step > 100) {
        out.add(new Violation(at, "must be in 1..100 (was " + step + ")"));
      }
      if (previous != null && step <= previous) {
        out.add(
            new Violation(
                at,
                "steps must be strictly increasing: "
                    + step
                    + " does not exceed the step before it, "
                    + previous));
      }
      previous = step;
    }
    Integer last = steps.get(steps.size() - 1);
    if (last != null && last != 100) {
      out.add(
          new Violation(
              path + "[" + (steps.size() - 1) + "]",
              "the last step must be 100 (was " + last + ")"));
    }
  }

  /**
   * {@code spec.ramp.pauseAt}: each entry one of {@code steps} below 100, none repeated. Like the
   * CRD's rule, it reads the steps as given (their default when unset).
   */
  private static void checkPauseAt(
      List<Integer> pauseAt, List<Integer> steps, List<Violation> out) {
    String path = "spec.ramp.pauseAt";
    if (pauseAt == null) {
      return;
    }
    if (pauseAt.size() > RampSpec.MAX_PAUSE_AT) {
      out.add(new Violation(path, "must have at most " + RampSpec.MAX_PAUSE_AT + " steps"));
    }
    List<Integer> stepsGiven = steps == null ? RampSpec.DEFAULT_STEPS : steps;
    for (int i = 0; i < pauseAt.size(); i++) {
      Integer p = pauseAt.get(i);
      String at = path + "[" + i + "]";
      if (p == null || p >= 100 || !stepsGiven.contains(p)) {
        out.add(
            new Violation(
                at,
                "must be one of steps "
                    + stepsGiven
                    + " below 100 (was "
                    + p
                    + "): a replica pauses only at a step it reaches, and 100 is no pause"));
        continue;
      }
      int first = pauseAt.indexOf(p);
      if (first < i) {
        out.add(new Violation(at, "repeats step " + p + " of " + path + "[" + first + "]"));
      }
    }
  }

  private static void checkAnalysis(AnalysisSpec analysis, List<Violation> out) {
    if (analysis == null) {
      return; // no analysis
    }
    PrometheusSpec prometheus = analysis.getPrometheus();
    if (prometheus == null) {
      out.add(
          new Violation(
              "spec.analysis.prometheus", "is required: the Prometheus server the checks query"));
    } else {
      checkPrometheus(prometheus, out);
    }
    checkChecks(analysis.getChecks(), out);
    Integer limit = analysis.getFailureLimit();
    if (limit != null && (limit < 1 || limit > AnalysisSpec.MAX_FAILURE_LIMIT)) {
      out.add(
          new Violation(
              "spec.analysis.failureLimit",
              "must be in 1.." + AnalysisSpec.MAX_FAILURE_LIMIT + " (was " + limit + ")"));
    }
    oneOf(
        "spec.analysis.onFailure",
        analysis.getOnFailure(),
        AnalysisOnFailure.values(),
        AnalysisOnFailure::value,
        out);
  }

  private static void checkPrometheus(PrometheusSpec prometheus, List<Violation> out) {
    String address = prometheus.getAddress();
    if (address == null) {
      out.add(
          new Violation(
              "spec.analysis.prometheus.address",
              "is required: the Prometheus server's URL, e.g."
                  + " http://prometheus-k8s.monitoring.svc:9090"));
    } else if (length(address) > PrometheusSpec.MAX_ADDRESS_LENGTH) {
      out.add(
          new Violation(
              "spec.analysis.prometheus.address",
              "must be at most " + PrometheusSpec.MAX_ADDRESS_LENGTH + " characters"));
    } else if (!PROMETHEUS_ADDRESS.matcher(address).matches()) {
      out.add(
          new Violation(
              "spec.analysis.prometheus.address",
              "must be an http:// or https:// URL of a host name or IPv4 address, an optional port"
                  + " 1..65535 and an optional path without percent escapes; no user info, query or"
                  + " fragment; such as http://prometheus-k8s.monitoring.svc:9090 (was \""
                  + address
                  + "\")"));
    }
    Duration timeout = duration("spec.analysis.prometheus.timeout", prometheus.getTimeout(), out);
    if (timeout != null
        && (timeout.compareTo(MIN_PROMETHEUS_TIMEOUT) < 0
            || timeout.compareTo(MAX_PROMETHEUS_TIMEOUT) > 0)) {
      out.add(
          new Violation(
              "spec.analysis.prometheus.timeout",
              "must be in 100ms..1m (was " + prometheus.getTimeout() + ")"));
    }
    secret("spec.analysis.prometheus.caSecret", prometheus.getCaSecret(), "prometheus-ca", out);
    secret(
        "spec.analysis.prometheus.credentialsSecret",
        prometheus.getCredentialsSecret(),
        "prometheus-auth",
        out);
    secret(
        "spec.analysis.prometheus.bearerTokenSecret",
        prometheus.getBearerTokenSecret(),
        "prometheus-token",
        out);
    boolean overHttp =
        address != null
            && address.startsWith("http://")
            && !Boolean.TRUE.equals(prometheus.getAllowCredentialsOverHttp());
    if (prometheus.getCredentialsSecret() != null && overHttp) {
      out.add(
          new Violation(
              "spec.analysis.prometheus.credentialsSecret",
              "would send the username and password in clear text over http: use an https"
                  + " address (with caSecret), or allowCredentialsOverHttp: true to accept that"));
    }
    if (prometheus.getBearerTokenSecret() != null) {
      if (prometheus.getCredentialsSecret() != null) {
        out.add(
            new Violation(
                "spec.analysis.prometheus.bearerTokenSecret",
                "must not be set with credentialsSecret: Prometheus is sent one kind of"
                    + " credentials, basic auth or a bearer token"));
      }
      if (overHttp) {
        out.add(
            new Violation(
                "spec.analysis.prometheus.bearerTokenSecret",
                "would send the token in clear text over http: use an https address (with"
                    + " caSecret), or allowCredentialsOverHttp: true to accept that"));
      }
    }
    if (Boolean.TRUE.equals(prometheus.getInsecureSkipHostnameVerification())
        && prometheus.getCaSecret() == null) {
      out.add(
          new Violation(
              "spec.analysis.prometheus.insecureSkipHostnameVerification",
              "requires caSecret: the certificate chain must be verified against the CA it names"
                  + " when the host name is not verified"));
    }
  }

  private static void checkChecks(List<CheckSpec> checks, List<Violation> out) {
    String path = "spec.analysis.checks";
    if (checks == null) {
      out.add(new Violation(path, "is required: at least one check"));
      return;
    }
    if (checks.isEmpty()) {
      out.add(new Violation(path, "must list at least one check"));
    }
    if (checks.size() > AnalysisSpec.MAX_CHECKS) {
      out.add(new Violation(path, "must have at most " + AnalysisSpec.MAX_CHECKS + " checks"));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      String at = path + "[" + i + "]";
      CheckSpec check = checks.get(i);
      if (check == null) {
        out.add(new Violation(at, "must be a check"));
        continue;
      }
      String name = check.getName();
      if (name == null) {
        out.add(new Violation(at + ".name", "is required: the check's name"));
      } else if (name.isEmpty()) {
        out.add(new Violation(at + ".name", "must not be empty"));
      } else if (length(name) > CheckSpec.MAX_NAME_LENGTH) {
        out.add(
            new Violation(
                at + ".name", "must be at most " + CheckSpec.MAX_NAME_LENGTH + " characters"));
      } else if (!DNS_LABEL_FORM.matcher(name).matches()) {
        out.add(
            new Violation(
                at + ".name",
                "must be a DNS label (lowercase letters, digits and '-', starting and ending with"
                    + " a letter or digit) such as replication-errors (was \""
                    + name
                    + "\")"));
      } else if (names.contains(name)) {
        out.add(
            new Violation(
                at + ".name",
                "repeats the name of " + path + "[" + names.indexOf(name) + "]: \"" + name + "\""));
      }
      names.add(name);
      String query = check.getQuery();
      if (query == null) {
        out.add(new Violation(at + ".query", "is required: the PromQL query"));
      } else if (query.isEmpty()) {
        out.add(new Violation(at + ".query", "must not be empty"));
      } else if (length(query) > CheckSpec.MAX_QUERY_LENGTH) {
        out.add(
            new Violation(
                at + ".query", "must be at most " + CheckSpec.MAX_QUERY_LENGTH + " characters"));
      }
      if (check.getComparison() == null) {
        out.add(new Violation(at + ".comparison", "is required: one of <, <=, >, >="));
      } else {
        oneOf(
            at + ".comparison",
            check.getComparison(),
            CheckComparison.values(),
            CheckComparison::value,
            out);
      }
      Double threshold = check.getThreshold();
      if (threshold == null) {
        out.add(
            new Violation(at + ".threshold", "is required: the number results are compared with"));
      } else if (!Double.isFinite(threshold)) {
        out.add(
            new Violation(at + ".threshold", "must be a finite number (was " + threshold + ")"));
      }
      Duration interval = duration(at + ".interval", check.getInterval(), out);
      if (interval != null
          && (interval.compareTo(MIN_CHECK_INTERVAL) < 0
              || interval.compareTo(MAX_CHECK_INTERVAL) > 0)) {
        out.add(
            new Violation(
                at + ".interval", "must be in 1s..10m (was " + check.getInterval() + ")"));
      }
    }
  }

  private static void secret(String path, SecretRef ref, String example, List<Violation> out) {
    if (ref == null) {
      return;
    }
    if (ref.getName() == null) {
      out.add(new Violation(path + ".name", "is required"));
    } else {
      dnsName(path + ".name", ref.getName(), example, out);
    }
  }

  /**
   * Requires {@code host}, a DNS name, to name a Service of {@code namespace}: {@code <svc>},
   * {@code <svc>.<ns>}, {@code <svc>.<ns>.svc} or {@code <svc>.<ns>.svc.<cluster domain>}. The
   * renderer writes the host as given, so a short name resolves in the gate's namespace, as Istio
   * resolves short names relative to the VirtualService's namespace.
   */
  private static void hostInNamespace(
      String path, String host, String namespace, List<Violation> out) {
    String[] labels = host.split("\\.");
    boolean inNamespace =
        labels.length == 1
            || (labels[1].equals(namespace) && (labels.length == 2 || labels[2].equals("svc")));
    if (inNamespace) {
      return;
    }
    String service = labels[0];
    String clusterDomain =
        labels.length > 3 && labels[2].equals("svc")
            ? String.join(".", Arrays.copyOfRange(labels, 3, labels.length))
            : "cluster.local";
    out.add(
        new Violation(
            path,
            "must name a Service of the gate's namespace \""
                + namespace
                + "\": write "
                + service
                + " or "
                + service
                + "."
                + namespace
                + ".svc."
                + clusterDomain
                + " (was \""
                + host
                + "\"); the VirtualService is exported to the whole mesh and must not route"
                + " another namespace's clients"));
  }

  /**
   * The Service a host names, as {@code <svc>.<namespace>}: {@code svc}, {@code svc.ns}, {@code
   * svc.ns.svc} and {@code svc.ns.svc.<domain>} all name the same one. Empty for a host that names
   * no Service of the cluster (more labels, not {@code .svc}).
   *
   * @param namespace where a short name is resolved (the object's own namespace)
   */
  public static Optional<String> serviceOf(String host, String namespace) {
    if (host == null || host.isBlank()) {
      return Optional.empty();
    }
    // Every tick asks (through HostClaims): no regular expression here, which String.replaceAll
    // would compile on every call. (split on one escaped character takes no regex either.)
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    String[] parts = name.split("\\.");
    if (parts.length == 1) {
      return namespace == null ? Optional.empty() : Optional.of(parts[0] + "." + namespace);
    }
    if (parts.length == 2 || "svc".equals(parts[2])) {
      return Optional.of(parts[0] + "." + parts[1]);
    }
    return Optional.empty();
  }

  /** Whether {@code value} is a DNS name; if not, records why. */
  private static boolean dnsName(String path, String value, String example, List<Violation> out) {
    if (value.isEmpty()) {
      out.add(new Violation(path, "must not be empty"));
    } else if (length(value) > MAX_DNS_LENGTH) {
      out.add(new Violation(path, "must be at most " + MAX_DNS_LENGTH + " characters"));
    } else if (!DNS.matcher(value).matches()) {
      out.add(
          new Violation(
              path,
              "must be a lowercase DNS name such as " + example + " (was \"" + value + "\")"));
    } else {
      return true;
    }
    return false;
  }

  private static void port(String path, Integer port, List<Violation> out) {
    if (port != null && (port < 1 || port > 65535)) {
      out.add(new Violation(path, "must be a port in 1..65535 (was " + port + ")"));
    }
  }

  private static <E> void oneOf(
      String path, String value, E[] allowed, Function<E, String> name, List<Violation> out) {
    if (value == null) {
      return; // the default applies
    }
    List<String> names = new ArrayList<>();
    for (E e : allowed) {
      names.add(name.apply(e));
    }
    if (!names.contains(value)) {
      out.add(
          new Violation(
              path, "must be one of " + String.join(", ", names) + " (was \"" + value + "\")"));
    }
  }

  /** The duration at {@code path}, or null after recording why it is not one (or when unset). */
  private static Duration duration(String path, String value, List<Violation> out) {
    return parsed(path, value, GoDuration::parse, out);
  }

  /** The byte size at {@code path}, or null after recording why it is not one (or when unset). */
  private static Long bytes(String path, String value, List<Violation> out) {
    return parsed(path, value, ByteQuantity::parse, out);
  }

  /** {@code parse(value)}, or null after recording why it failed (or when unset). */
  private static <T> T parsed(
      String path, String value, Function<String, T> parse, List<Violation> out) {
    if (value == null) {
      return null;
    }
    if (length(value) > MAX_VALUE_LENGTH) {
      out.add(new Violation(path, "must be at most " + MAX_VALUE_LENGTH + " characters"));
      return null;
    }
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      out.add(new Violation(path, e.getMessage()));
      return null;
    }
  }

  /** Length in characters as the API server counts them (code points, not UTF-16 units). */
  private static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
