package io.syncgate.controller.embedded;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.crud.Value;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fabric8's CRUD dispatcher with its objects indexed by resource, namespace and name, so that
 * finding the object a create, update or patch is about costs a lookup, not a scan.
 *
 * <p>Why: {@link KubernetesCrudDispatcher#findResource} matches the request against every stored
 * object. With the benchmark's 10,000 members (a pod and an EndpointSlice each, plus the events the
 * controller writes) creating the pods took about six minutes and every status write scanned 20,000
 * objects and more: the API server, not the controller, was what the benchmark measured. The
 * dispatcher keeps its objects in a protected map that it only changes with {@code put}, {@code
 * remove} and {@code clear}; that map is replaced (by reflection: the field is final and has no
 * setter) with one that keeps the index up to date, and {@link #findResource} asks the index when
 * the request names one object exactly. Anything else (lists, label selectors, wildcards, a request
 * without a namespace, objects the index cannot name) goes the dispatcher's own way.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

  private final IndexedMap objects = new IndexedMap();

  IndexedCrudDispatcher() {
    super(List.of());
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      objects.putAll(this.map);
      map.set(this, objects);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot index fabric8's mock API server: " + e, e);
    }
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    String id = IndexedMap.id(query);
    if (id == null || !query.containsKey(NAMESPACE) || objects.unnamed > 0) {
      return super.findResource(query);
    }
    for (AttributeSet key : objects.keysNamed(id)) {
      if (key.matches(query)) {
        String value = objects.get(key);
        if (value != null) {
          return new AbstractMap.SimpleImmutableEntry<>(key, value);
        }
      }
    }
    return null;
  }

  private static final String PLURAL = "plural";
  private static final String NAMESPACE = "namespace";
  private static final String NAME = "name";

  /** The dispatcher's map, with its keys also found by {@link #id}. */
  private static final class IndexedMap extends LinkedHashMap<AttributeSet, String> {
    private final Map<String, Set<AttributeSet>> byId = new HashMap<>();

    /** Keys the index cannot name: while there are any, lookups scan as fabric8 does. */
    private int unnamed;

    @Override
    public String put(AttributeSet key, String value) {
      String before = super.put(key, value);
      if (before == null) {
        String id = id(key);
        if (id == null) {
          unnamed++;
        } else {
          byId.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(key);
        }
      }
      return before;
    }

    @Override
    public void putAll(Map<? extends AttributeSet, ? extends String> all) {
      all.forEach(this::put);
    }

    @Override
    public String remove(Object key) {
      String removed = super.remove(key);
      if (removed != null && key instanceof AttributeSet set) {
        String id = id(set);
        if (id == null) {
          unnamed--;
        } else {
          Set<AttributeSet> keys = byId.get(id);
          if (keys != null) {
            keys.remove(set);
            if (keys.isEmpty()) {
              byId.remove(id);
            }
          }
        }
      }
      return removed;
    }

    @Override
    public void clear() {
      super.clear();
      byId.clear();
      unnamed = 0;
    }

    Set<AttributeSet> keysNamed(String id) {
      return byId.getOrDefault(id, Set.of());
    }

    /**
     * "plural/namespace/name" when the set names them with exact values (a cluster-scoped object
     * has no namespace), else null.
     */
    static String id(AttributeSet set) {
      String plural = exact(set, PLURAL);
      String name = exact(set, NAME);
      if (plural == null || name == null) {
        return null;
      }
      String namespace = set.containsKey(NAMESPACE) ? exact(set, NAMESPACE) : "";
      return namespace == null ? null : plural + "/" + namespace + "/" + name;
    }

    private static String exact(AttributeSet set, String key) {
      Attribute attribute = set.getAttribute(key);
      if (attribute == null
          || attribute.getType() != AttributeType.WITH
          || attribute.getValues().size() != 1) {
        return null;
      }
      Value value = attribute.getValues().get(0);
      String text = value.toString();
      // "*" matches anything (Value.equals): such a set names no one object.
      return text == null || text.equals("*") ? null : text;
    }
  }
}
