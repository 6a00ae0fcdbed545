/**
 * {@code syncgate ctl}, the client behind {@code kubectl syncgate}: what an operator sees of a gate
 * and how an action reaches the controller.
 *
 * <p>Pure: {@link io.syncgate.controller.ctl.GateView} turns gates into text lines or JSON, {@link
 * io.syncgate.controller.ctl.RequestIds} makes request ids. I/O: {@link
 * io.syncgate.controller.ctl.CtlSession} (the kubeconfig's client, namespace and user), {@link
 * io.syncgate.controller.ctl.GateRequests} (one {@code request.syncgate.io/<id>} annotation by JSON
 * merge patch, then its entry in {@code status.lastActions}) and {@link
 * io.syncgate.controller.ctl.GateWatch} (an informer on one gate). The commands themselves live in
 * {@code io.syncgate.controller.cli}.
 */
package io.syncgate.controller.ctl;
