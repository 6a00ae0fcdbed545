package io.syncgate.controller.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a 127.0.N.0/24 whose member addresses (127.0.N.2 …) are free on a port, so a simulated
 * cluster can give every member its own address like a pod IP without colliding with another run on
 * the same machine (a second demo, a test build, a real Patroni on 127.0.0.x).
 *
 * <p>Linux routes all of 127.0.0.0/8 to the loopback interface, so any of these addresses can be
 * bound without configuration.
 */
public final class LoopbackSubnet {

  private static final int ATTEMPTS = 50;

  private LoopbackSubnet() {}

  /**
   * The third octet of a subnet where {@code members} addresses from .2 up are free on {@code
   * port}.
   *
   * @throws IllegalStateException when no such subnet was found
   */
  public static int pick(int members, int port) {
    if (members < 1 || members > 253) {
      throw new IllegalArgumentException("members must be 1..253, got " + members);
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int subnet = ThreadLocalRandom.current().nextInt(64, 255);
      boolean free = true;
      for (int i = 0; i < members && free; i++) {
        free = canBind(address(subnet, i), port);
      }
      if (free) {
        return subnet;
      }
    }
    throw new IllegalStateException(
        "no loopback subnet 127.0.N.0/24 with " + members + " free addresses on port " + port);
  }

  /** Member {@code index}'s address in {@code subnet}: 127.0.{subnet}.{index + 2}. */
  public static String address(int subnet, int index) {
    return "127.0." + subnet + "." + (index + 2);
  }

  /**
   * Whether {@code host:port} can be bound now. A closed listening socket is released by the JDK
   * only once its selector deregisters it, so a caller checking right after a close polls this.
   */
  public static boolean canBind(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as Vert.x servers do: TIME_WAIT connections do not count
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
