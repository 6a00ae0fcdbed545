package io.syncgate.controller.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The repository's top-level README.md, found from the test's working directory. */
final class Readme {

  private Readme() {}

  /** The repository root: the nearest directory upwards that holds {@code scripts/} and a POM. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("scripts"))
          && Files.isRegularFile(dir.resolve("README.md"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no repository root (pom.xml, scripts/, README.md) above " + Path.of("").toAbsolutePath());
  }

  static Path path() {
    return root().resolve("README.md");
  }

  static String text() {
    try {
      return Files.readString(path(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The command lines of every fenced {@code sh} block, in order: comment and blank lines dropped,
   * lines ending in a backslash joined with the next.
   */
  static List<String> shellCommands(String markdown) {
    List<String> commands = new ArrayList<>();
    boolean inBlock = false;
    StringBuilder pending = new StringBuilder();
    for (String line : markdown.lines().toList()) {
      String trimmed = line.strip();
      if (!inBlock) {
        inBlock = trimmed.equals("```sh");
        continue;
      }
      if (trimmed.equals("```")) {
        inBlock = false;
        continue;
      }
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      commands.add(pending.toString().strip());
      pending.setLength(0);
    }
    return commands;
  }
}
