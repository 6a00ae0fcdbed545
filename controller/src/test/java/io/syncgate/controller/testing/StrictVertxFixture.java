package io.syncgate.controller.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A per-test fixture that owns Vert.x instances made with {@link
 * BlockedThreadWatch#strictOptions()}: after each test it closes itself and then fails the test if
 * the blocked-thread checker complained during it, closing included.
 */
public abstract class StrictVertxFixture
    implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

  private final BlockedThreadWatch blockedThreads = new BlockedThreadWatch();

  @Override
  public final void beforeEach(ExtensionContext context) {
    blockedThreads.beforeEach(context);
  }

  @Override
  public final void afterEach(ExtensionContext context) {
    try {
      close();
    } finally {
      blockedThreads.afterEach(context);
    }
  }

  /** Closes everything the fixture started. */
  @Override
  public abstract void close();
}
