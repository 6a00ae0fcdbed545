package io.syncgate.controller.kube;

import io.syncgate.controller.testing.Ports;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a 127.0.N.0/24 whose member addresses (127.0.N.2 …) are free on the Patroni port, so tests
 * that run at the same time on one machine (other builds, a real Patroni on 127.0.0.x) do not
 * collide.
 */
public final class LoopbackSubnet {

  private LoopbackSubnet() {}

  /** The third octet of a subnet where {@code members} addresses from .2 up are free on port. */
  public static int pick(int members, int port) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int subnet = ThreadLocalRandom.current().nextInt(64, 255);
      boolean free = true;
      for (int i = 0; i < members && free; i++) {
        free = Ports.canBind("127.0." + subnet + "." + (i + 2), port);
      }
      if (free) {
        return subnet;
      }
    }
    throw new IllegalStateException("no free loopback subnet for " + members + " members");
  }
}
