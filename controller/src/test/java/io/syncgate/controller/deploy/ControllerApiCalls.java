package io.syncgate.controller.deploy;

import java.util.List;

/**
 * Every Kubernetes API call the controller makes, as RBAC sees it: the one list that the RBAC in
 * deploy/ must grant exactly (see {@link RbacCheck}). Change it together with the code that makes
 * the call, and the rule in deploy/base/cluster-role.yaml, leader-election-role.yaml and
 * overlays/namespaced/role.yaml.
 */
final class ControllerApiCalls {

  /** Where a call goes. */
  enum Scope {
    /** The namespaces named by {@code --namespace}, or every namespace when none is. */
    WATCHED_NAMESPACES,
    /** The namespace named by {@code --lease-namespace}. */
    LEASE_NAMESPACE
  }

  /**
   * One call: {@code verb} on {@code resource} (with its subresource, as RBAC writes it) of API
   * {@code group} ("" is core), made by {@code madeBy}.
   */
  record ApiCall(String group, String resource, String verb, Scope scope, String madeBy) {}

  private static final String GATES = "syncgate.io";
  private static final String ISTIO = "networking.istio.io";
  private static final String CORE = "";
  private static final String COORDINATION = "coordination.k8s.io";
  private static final String DISCOVERY = "discovery.k8s.io";

  static final List<ApiCall> ALL =
      List.of(
          // kube.SyncgateController.wire: one ReplicaGate informer per watched scope.
          watched(GATES, "replicagates", "list", "SyncgateController: ReplicaGate informer"),
          watched(GATES, "replicagates", "watch", "SyncgateController: ReplicaGate informer"),
          // kube.StatusWriter.read; and, after a 409, StatusWriter.send's updateStatus() on a copy
          // without a resourceVersion, for which fabric8 GETs the latest object first.
          watched(GATES, "replicagates", "get", "StatusWriter.read, StatusWriter.send"),
          // kube.StatusWriter.clearRequests: a JSON patch removing the operator requests the
          // status records (metadata.annotations only).
          watched(GATES, "replicagates", "patch", "StatusWriter.clearRequests"),
          // kube.StatusWriter.send: updateStatus() is a PUT to the status subresource.
          watched(GATES, "replicagates/status", "update", "StatusWriter.send: updateStatus()"),
          // mesh.IstioRenderer sets blockOwnerDeletion on the mesh objects' owner reference to the
          // gate; the OwnerReferencesPermissionEnforcement admission plugin (on by default in
          // OpenShift) then demands update on the owner's finalizers.
          watched(
              GATES,
              "replicagates/finalizers",
              "update",
              "IstioRenderer: ownerReference.blockOwnerDeletion"),
          // kube.NamespaceWatches: one pod informer per namespace with gates (all its pods).
          watched(CORE, "pods", "list", "NamespaceWatches: pod informer"),
          watched(CORE, "pods", "watch", "NamespaceWatches: pod informer"),
          // kube.NamespaceWatches: one EndpointSlice informer per namespace with gates, of the
          // slices that belong to a Service (label kubernetes.io/service-name).
          watched(DISCOVERY, "endpointslices", "list", "NamespaceWatches: EndpointSlice informer"),
          watched(DISCOVERY, "endpointslices", "watch", "NamespaceWatches: EndpointSlice informer"),
          // kube.SecretReader.read: spec.patroni.credentialsSecret and caSecret, by name only.
          watched(CORE, "secrets", "get", "SecretReader.read"),
          // kube.EventRecorder.send: core/v1 Events, created (never patched: de-duplication
          // happens in the controller).
          watched(CORE, "events", "create", "EventRecorder.send"),
          // kube.SyncgateController.wire: DestinationRule and VirtualService informers, of the
          // objects labelled app.kubernetes.io/managed-by=syncgate only; kube.ForeignRoutes: a list
          // of the VirtualServices labelled otherwise; kube.OwnedObjectWriter: read (get; also the
          // tick's look for foreign objects of a gate's name), readAndWrite (get, create, update).
          watched(
              ISTIO, "destinationrules", "list", "SyncgateController: DestinationRule informer"),
          watched(
              ISTIO, "destinationrules", "watch", "SyncgateController: DestinationRule informer"),
          watched(ISTIO, "destinationrules", "get", "OwnedObjectWriter.read/readAndWrite"),
          watched(ISTIO, "destinationrules", "create", "OwnedObjectWriter.readAndWrite"),
          watched(ISTIO, "destinationrules", "update", "OwnedObjectWriter.readAndWrite"),
          watched(
              ISTIO,
              "virtualservices",
              "list",
              "SyncgateController: VirtualService informer; ForeignRoutes"),
          watched(ISTIO, "virtualservices", "watch", "SyncgateController: VirtualService informer"),
          watched(ISTIO, "virtualservices", "get", "OwnedObjectWriter.read/readAndWrite"),
          watched(ISTIO, "virtualservices", "create", "OwnedObjectWriter.readAndWrite"),
          watched(ISTIO, "virtualservices", "update", "OwnedObjectWriter.readAndWrite"),
          // kube.LeaderElection.campaign: fabric8's LeaderElector with a LeaseLock reads the
          // Lease (get), creates it when absent, and renews, takes over and releases it with a
          // JSON merge patch (ResourceLock.update).
          lease("get", "LeaderElection: LeaseLock.get"),
          lease("create", "LeaderElection: LeaseLock.create"),
          lease("patch", "LeaderElection: LeaseLock.update (merge patch)"));

  private ControllerApiCalls() {}

  private static ApiCall watched(String group, String resource, String verb, String madeBy) {
    return new ApiCall(group, resource, verb, Scope.WATCHED_NAMESPACES, madeBy);
  }

  private static ApiCall lease(String verb, String madeBy) {
    return new ApiCall(COORDINATION, "leases", verb, Scope.LEASE_NAMESPACE, madeBy);
  }
}
