package io.syncgate.controller.kube;

import io.syncgate.policy.status.WriteResult;
import java.util.Objects;
import java.util.Optional;

/**
 * How writing one object ended. Each case carries what it knows and nothing else: the object as the
 * API server holds it where a read or a write told us, a message where something stood in the way.
 */
public sealed interface WriteOutcome<T> {

  /** The result counted in {@code syncgate_mesh_writes_total}. */
  WriteResult result();

  /** Why, for logs and conditions; empty when nothing stood in the way. */
  default String message() {
    return "";
  }

  /** The object as the API server now holds it, when this outcome knows it. */
  default Optional<T> live() {
    return Optional.empty();
  }

  /** The live object already matched; nothing was sent. */
  record Unchanged<T>(T current) implements WriteOutcome<T> {
    public Unchanged {
      Objects.requireNonNull(current, "current");
    }

    @Override
    public WriteResult result() {
      return WriteResult.NOOP;
    }

    @Override
    public Optional<T> live() {
      return Optional.of(current);
    }
  }

  /** The object did not exist and was created. */
  record Created<T>(T written) implements WriteOutcome<T> {
    @Override
    public WriteResult result() {
      return WriteResult.CREATED;
    }

    @Override
    public Optional<T> live() {
      return Optional.ofNullable(written);
    }
  }

  /**
   * The object was replaced.
   *
   * @param before the object the update was based on
   * @param written the object as the API server returned it
   */
  record Updated<T>(T before, T written) implements WriteOutcome<T> {
    public Updated {
      Objects.requireNonNull(before, "before");
    }

    @Override
    public WriteResult result() {
      return WriteResult.UPDATED;
    }

    @Override
    public Optional<T> live() {
      return Optional.ofNullable(written);
    }
  }

  /** 409: a stale resourceVersion or a racing create; retried next tick. */
  record Conflict<T>(String message) implements WriteOutcome<T> {
    @Override
    public WriteResult result() {
      return WriteResult.CONFLICT;
    }
  }

  /** An object of that name exists that syncgate does not manage; left untouched. */
  record NotOwned<T>(T current, String message) implements WriteOutcome<T> {
    @Override
    public WriteResult result() {
      return WriteResult.NOT_OWNED;
    }

    @Override
    public Optional<T> live() {
      return Optional.ofNullable(current);
    }
  }

  /** Any other failure (network, 5xx, 403 …); retried next tick. */
  record Failed<T>(String message) implements WriteOutcome<T> {
    @Override
    public WriteResult result() {
      return WriteResult.ERROR;
    }
  }
}
