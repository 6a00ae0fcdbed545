package io.syncgate.e2e.harness;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An operating-system user: who the test runs as, and who PostgreSQL and Patroni run as (the {@code
 * postgres} user when the test runs as root, the test's own user otherwise).
 *
 * @param name login name
 * @param uid numeric user id
 * @param home home directory (Patroni and libpq look there)
 */
public record OsUser(String name, long uid, Path home) {

  /** The user this JVM runs as. */
  public static OsUser current() {
    UnixSystem unix = new UnixSystem();
    return new OsUser(unix.getUsername(), unix.getUid(), Path.of(System.getProperty("user.home")));
  }

  /** Looks a user up through NSS ({@code getent passwd}). */
  public static Optional<OsUser> lookUp(String name) {
    try {
      Process getent =
          new ProcessBuilder("getent", "passwd", name)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String line = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!getent.waitFor(10, TimeUnit.SECONDS) || getent.exitValue() != 0) {
        return Optional.empty();
      }
      // name:password:uid:gid:gecos:home:shell
      String[] fields = line.trim().split(":", -1);
      if (fields.length < 7) {
        return Optional.empty();
      }
      return Optional.of(new OsUser(fields[0], Long.parseLong(fields[2]), Path.of(fields[5])));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public boolean isRoot() {
    return uid == 0;
  }

  /** Gives {@code root} and everything below it to this user (and its primary group). */
  public void chownRecursively(Path root) {
    try {
      UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal owner = lookup.lookupPrincipalByName(name);
      GroupPrincipal group = primaryGroup(lookup);
      try (Stream<Path> all = Files.walk(root)) {
        for (Path path : (Iterable<Path>) all::iterator) {
          PosixFileAttributeView view =
              Files.getFileAttributeView(path, PosixFileAttributeView.class);
          view.setOwner(owner);
          if (group != null) {
            view.setGroup(group);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + root + " to " + name, e);
    }
  }

  private GroupPrincipal primaryGroup(UserPrincipalLookupService lookup) {
    // Debian gives every system user a group of its own name; fall back to leaving the group.
    try {
      return lookup.lookupPrincipalByGroupName(name);
    } catch (IOException e) {
      return null;
    }
  }
}
