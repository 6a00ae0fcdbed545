package io.syncgate.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object as {@code trim} makes it: a copy with only the fields
 * the controller reads ({@link CachedFields}), keyed by namespace/name like fabric8's default.
 *
 * <p>fabric8's {@code ReducedStateItemStore} trims as well, but keeps the fields as raw values and
 * deserializes a new object on every read; a gate reads its pods on every tick, so here the trimmed
 * object itself is kept and handed out (never modify it).
 */
final class TrimmedItemStore<T extends HasMetadata> implements ItemStore<T> {

  private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
  private final UnaryOperator<T> trim;

  TrimmedItemStore(UnaryOperator<T> trim) {
    this.trim = trim;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    return items.put(key, trim.apply(object));
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }
}
