/**
 * The controller's Kubernetes side: informers, the per-gate loop, the writers, events and leader
 * election.
 *
 * <p>Shape of one tick of one gate ({@link io.syncgate.controller.kube.GateReconciler}): member
 * pods from the gate's pod informer (Running, with a pod IP, not terminating) → one concurrent
 * Patroni poll → {@code GatingStep} → {@code IstioRenderer} → {@link
 * io.syncgate.controller.kube.OwnedObjectWriter} for the DestinationRule and the VirtualService
 * (nothing sent when the informer's copy already matches) → status (at once on a phase or weight
 * change, lag figures at most every 10 s), events, metrics.
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
 * the DestinationRule and VirtualService informers are therefore not label-filtered.
 */
package io.syncgate.controller.kube;
