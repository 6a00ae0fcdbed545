package io.syncgate.controller.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for tests. */
public final class Ports {

  private Ports() {}

  /** A port nothing listens on at {@code host} right now. */
  public static int free(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether {@code host:port} can be bound now. A closed listening socket is released by the JDK
   * only once its selector deregisters it, so poll this with {@link Await#until} after a close.
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
