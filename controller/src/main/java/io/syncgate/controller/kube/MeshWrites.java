package io.syncgate.controller.kube;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.syncgate.policy.mesh.MeshDiff;
import io.syncgate.policy.mesh.MeshKind;
import io.syncgate.policy.status.TickOutcome;
import io.syncgate.policy.status.TickOutcome.MeshResult;
import io.syncgate.policy.status.TickOutcome.ObjectWrite;
import io.syncgate.policy.status.WriteResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one tick's DestinationRule and VirtualService, in the order {@link MeshDiff#routeFirst}
 * decides, the second only once the first settled and only while the tick's term is current. Tells
 * a hand edit (drift) from our own changes by the specs this term last applied.
 */
final class MeshWrites {

  private static final Logger LOG = LoggerFactory.getLogger(MeshWrites.class);

  /** The specs of the mesh objects as this term last wrote (or found) them; null before that. */
  record Applied(Object destinationRule, Object virtualService) {
    static final Applied NONE = new Applied(null, null);

    Object of(MeshKind kind) {
      return kind == MeshKind.VIRTUAL_SERVICE ? virtualService : destinationRule;
    }

    Applied with(MeshKind kind, Object spec) {
      return kind == MeshKind.VIRTUAL_SERVICE
          ? new Applied(destinationRule, spec)
          : new Applied(spec, virtualService);
    }
  }

  /** The writes made and the specs applied after them. */
  record Written(List<ObjectWrite> writes, Applied applied) {
    Written plus(ObjectWrite write, Object spec) {
      List<ObjectWrite> all = new ArrayList<>(writes);
      all.add(write);
      return new Written(all, applied.with(write.kind(), spec));
    }

    boolean settled() {
      return writes.stream().allMatch(w -> w.result().settled());
    }

    /** How the writes went, for the tick's outcome. */
    MeshResult result() {
      if (settled()) {
        return new TickOutcome.Settled(writes);
      }
      ObjectWrite last = writes.get(writes.size() - 1);
      return last.result() == WriteResult.NOT_OWNED
          ? new TickOutcome.NotOwned(writes, last.message())
          : new TickOutcome.WriteFailed(writes, last.message());
    }
  }

  /** One write not yet started; it compares with the specs applied before it. */
  private interface Write {
    Future<Written> after(Written sofar);
  }

  private final GateKey key;
  private final Term term;
  private final MeshWriter mesh;
  private final Context context;

  MeshWrites(GateKey key, Term term, MeshWriter mesh, Context context) {
    this.key = key;
    this.term = term;
    this.mesh = mesh;
    this.context = context;
  }

  /**
   * Writes {@code destinationRule} and, when present, {@code virtualService}.
   *
   * @return the writes made; a future failed by {@link GateTick#stop} when the term ended first
   */
  Future<Written> write(
      DestinationRule destinationRule, Optional<VirtualService> virtualService, Applied applied) {
    Write dr =
        sofar ->
            write(MeshKind.DESTINATION_RULE, destinationRule, mesh::writeDestinationRule, sofar);
    List<Write> order = new ArrayList<>();
    if (virtualService.isPresent()) {
      Write vs =
          sofar ->
              write(
                  MeshKind.VIRTUAL_SERVICE, virtualService.get(), mesh::writeVirtualService, sofar);
      boolean routeFirst = MeshDiff.routeFirst(destinationRule, true, mesh.cachedVirtualService());
      order.addAll(routeFirst ? List.of(vs, dr) : List.of(dr, vs));
    } else {
      order.add(dr);
    }
    return inOrder(order, 0, new Written(List.of(), applied));
  }

  private Future<Written> inOrder(List<Write> order, int next, Written sofar) {
    if (next == order.size() || !sofar.settled()) {
      return Future.succeededFuture(sofar);
    }
    return Future.succeededFuture(sofar)
        .compose(GateTick.fenced(term, order.get(next)::after))
        .compose(written -> inOrder(order, next + 1, written));
  }

  private <T extends HasMetadata> Future<Written> write(
      MeshKind kind, T desired, Function<T, Future<WriteOutcome<T>>> writer, Written sofar) {
    return OnContext.of(context, writer.apply(desired))
        .map(
            outcome -> {
              Object applied = sofar.applied().of(kind);
              boolean drift =
                  outcome instanceof WriteOutcome.Updated<T> updated
                      && applied != null
                      && !Objects.equals(spec(updated.before()), applied);
              switch (outcome.result()) {
                case CREATED, UPDATED -> LOG.info("{}: {} {}", key, kind, outcome.result().label());
                case CONFLICT, ERROR -> LOG.warn("{}: {}: {}", key, kind, outcome.message());
                default -> {}
              }
              return sofar.plus(
                  new ObjectWrite(kind, outcome.result(), drift, outcome.message()),
                  outcome.result().settled() ? spec(desired) : applied);
            });
  }

  private static Object spec(HasMetadata object) {
    if (object instanceof VirtualService vs) {
      return vs.getSpec();
    }
    if (object instanceof DestinationRule dr) {
      return dr.getSpec();
    }
    throw new IllegalArgumentException("not a mesh object: " + object.getKind());
  }
}
