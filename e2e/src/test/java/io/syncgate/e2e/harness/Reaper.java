package io.syncgate.e2e.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Last line of defence: a JVM shutdown hook that closes every cluster still open when the JVM exits
 * (a test killed by surefire's timeout, Ctrl-C), newest first, so no daemon outlives the build.
 * Normal runs close their clusters themselves and unregister.
 */
final class Reaper {

  private static final Set<AutoCloseable> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "syncgate-e2e-reaper"));
  }

  private Reaper() {}

  static void register(AutoCloseable resource) {
    OPEN.add(resource);
  }

  static void unregister(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    List<AutoCloseable> newestFirst;
    synchronized (OPEN) {
      newestFirst = new ArrayList<>(OPEN);
    }
    Collections.reverse(newestFirst);
    for (AutoCloseable resource : newestFirst) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("syncgate-e2e: clean-up of " + resource + " failed: " + e);
      }
    }
  }
}
