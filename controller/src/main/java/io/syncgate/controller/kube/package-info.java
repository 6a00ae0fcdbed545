/**
 * The controller's Kubernetes side: informers, the per-gate loop, the writers, events and leader
 * election.
 *
 * <p>One gate, one {@link io.syncgate.controller.kube.GateRuntime}: its spec, timer, leadership
 * {@link io.syncgate.controller.kube.Term} and the memory carried between ticks. Each tick is an
 * immutable {@link io.syncgate.controller.kube.GateTick}, one pipeline of stages fenced by the
 * term: member pods ({@link io.syncgate.controller.kube.PodSource}) → Patroni ({@link
 * io.syncgate.controller.kube.MemberPoller}) → {@code GatingStep} → {@code IstioRenderer} → the
 * DestinationRule and VirtualService ({@link io.syncgate.controller.kube.MeshWriter}; nothing sent
 * when the informer's copy already matches). What happened becomes a {@code TickReport} (pure, in
 * mesh-policies): conditions, events ({@link io.syncgate.controller.kube.EventSink}) and metrics;
 * the {@link io.syncgate.controller.kube.StatusPublisher} writes the status off the tick ({@link
 * io.syncgate.controller.kube.StatusSink}). docs/design.md, "One tick end to end", tells the whole
 * story.
 *
 * <p>Threads: all controller state lives on the {@link
 * io.syncgate.controller.kube.SyncgateController} verticle's context; informer callbacks hop onto
 * it. Every blocking fabric8 call runs on the bounded worker pool {@value
 * io.syncgate.controller.kube.KubeWorker#POOL_NAME} inside the writer method that needs it;
 * fabric8's leader elector runs on a thread of its own. Before the first watch, {@link
 * io.syncgate.controller.kube.WarmUp} loads on a worker what fabric8 would otherwise load on the
 * event loop (fabric8's Vert.x transport deserializes watch events there).
 *
 * <p>Safety: only the Lease holder ticks, and a tick started under one leadership term writes
 * nothing in another. On gaining leadership each gate adopts its stored status and live
 * VirtualService, so a restart or failover moves no traffic. Objects of the gate's name without
 * {@code app.kubernetes.io/managed-by: syncgate} are never written (condition {@code Conflict});
 * the DestinationRule and VirtualService informers hold only the objects with that label.
 *
 * <p>Watches: pods and EndpointSlices are watched once per namespace with gates ({@link
 * io.syncgate.controller.kube.NamespaceWatches}), each gate matching its selector in the controller
 * against the shared, trimmed cache; ReplicaGates, DestinationRules and VirtualServices once per
 * watched namespace (or cluster-wide).
 */
package io.syncgate.controller.kube;
