package io.syncgate.controller.kube;

/**
 * Everything one gate's reconciler reads or writes outside itself, each behind a small interface,
 * so the reconciler runs as well against the cluster as against in-memory fakes.
 */
record GateSeams(
    PodSource pods,
    EndpointSource endpoints,
    MemberPoller members,
    MeshWriter mesh,
    StatusSink status,
    EventSink events,
    HostDirectory hosts,
    AnalysisSource analysis) {

  /** Seams of a gate without metric analysis. */
  GateSeams(
      PodSource pods,
      EndpointSource endpoints,
      MemberPoller members,
      MeshWriter mesh,
      StatusSink status,
      EventSink events,
      HostDirectory hosts) {
    this(pods, endpoints, members, mesh, status, events, hosts, AnalysisSource.NONE);
  }
}
