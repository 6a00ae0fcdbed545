package io.syncgate.controller.patroni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the recorded and documented Patroni answers under {@code src/test/resources/patroni}. */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/patroni/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture patroni/" + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
