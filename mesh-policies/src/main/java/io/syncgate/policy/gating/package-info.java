/**
 * The pure gating core of docs/design.md, "Phases and weights": per-replica phases (Unknown, Gated,
 * Ramping, Serving, Ejected), ramp and ejection rules, and the read route's integer weights.
 *
 * <p>{@link io.syncgate.policy.gating.GatingStep#step} is the whole decision: {@code (previous
 * state, snapshot, policy, now) → (state, plan)}. Nothing here does I/O or reads a clock ({@code
 * ArchitectureTest} enforces it), so every rule is a unit or property test.
 *
 * <p>Decisions worth knowing:
 *
 * <ul>
 *   <li>Replicas are all snapshot members but the leader; a member missing from the snapshot is
 *       forgotten, so a pod recreated under the same name starts again as Unknown.
 *   <li>Hysteresis: admission needs lag within {@code admission.*} for {@code stableFor}; only
 *       {@code ejection.*}, a hard cause (other timeline, role or state) or {@code unreachableFor}
 *       of silence take weight away. Replay paused and archive recovery block admission only.
 *   <li>No single leader: fail static. The route is kept (members that vanished or are excluded are
 *       cut out and their weight spread over the rest by largest remainder; with no weight left
 *       nothing is written and the route is forgotten), phases and steps are kept, admission runs
 *       restart. A Ramping/Serving replica is still ejected on its own evidence (replay paused, not
 *       streaming, wrong role, state or last known timeline, silent for {@code unreachableFor},
 *       excluded); when that leaves nothing weighted, the route is decided as with a leader, the
 *       last known one standing in for the {@code Primary} fallback.
 *   <li>Exclusions ({@link io.syncgate.policy.gating.Exclusion}): members that get no weight and no
 *       subset, e.g. pods whose name cannot name an Istio subset.
 *   <li>Restarts: {@link io.syncgate.policy.gating.GateRestore} rebuilds the state from status and
 *       the live route, filling what status lacks on the safe side: admission and ramp steps may
 *       come later than without the restart, never earlier.
 * </ul>
 */
package io.syncgate.policy.gating;
