package io.syncgate.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/kubectl-syncgate}, run as kubectl runs a plugin (the executable itself, reached
 * through a symlink on PATH), with a fake {@code java} that prints its arguments one per line.
 */
class KubectlPluginScriptTest {

  static final Path SCRIPT = DeployTree.ROOT.resolve("kubectl-syncgate");

  @TempDir Path dir;

  private Path install;
  private Path onPath;
  private Path fakeJava;
  private Path tools;

  @BeforeEach
  void layOut() throws IOException {
    // install/ holds the script and the jar; bin/ (on PATH) a symlink to the script.
    install = Files.createDirectories(dir.resolve("install"));
    Files.copy(SCRIPT, install.resolve("kubectl-syncgate"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(install.resolve("syncgate.jar"), "not really a jar");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    onPath =
        Files.createSymbolicLink(
            bin.resolve("kubectl-syncgate"), Path.of("../install/kubectl-syncgate"));
    fakeJava = Files.createDirectories(dir.resolve("fake-java"));
    executable(
        fakeJava.resolve("java"),
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\nexit \"${FAKE_EXIT:-0}\"\n");
    // Only the commands the script runs (its shell is /bin/sh), so that no real java is on PATH.
    tools = Files.createDirectories(dir.resolve("tools"));
    for (String tool : List.of("ls", "dirname")) {
      executable(tools.resolve(tool), "#!/bin/sh\nexec " + which(tool) + " \"$@\"\n");
    }
  }

  @Test
  void theScriptIsCommittedExecutableAndPosix() throws Exception {
    assertThat(Files.isExecutable(SCRIPT)).isTrue();
    assertThat(Files.readString(SCRIPT)).startsWith("#!/bin/sh\n");
    assertThat(run(List.of("sh", "-n", SCRIPT.toString()), Map.of()).exitCode()).isZero();
  }

  @Test
  void runsTheJarNextToTheScriptWithCtlAndEveryArgument() throws Exception {
    Outcome outcome =
        plugin(
            Map.of("PATH", fakeJava + ":" + tools),
            "status",
            "hippo-reads",
            "-n",
            "db",
            "--kubeconfig",
            "/a path/with spaces");

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.out().lines())
        .containsExactly(
            "-jar",
            install.toRealPath().resolve("syncgate.jar").toString(),
            "ctl",
            "status",
            "hippo-reads",
            "-n",
            "db",
            "--kubeconfig",
            "/a path/with spaces");
    assertThat(outcome.err()).isEmpty();
  }

  @Test
  void theExitStatusIsJavas() throws Exception {
    Outcome outcome =
        plugin(Map.of("PATH", fakeJava + ":" + tools, "FAKE_EXIT", "4"), "hold", "g", "r");

    assertThat(outcome.exitCode()).isEqualTo(4);
  }

  @Test
  void syncgateJarAndJavaHomeChooseOthers() throws Exception {
    Path jar = Files.writeString(dir.resolve("other.jar"), "");
    Path javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
    executable(javaHome.resolve("bin/java"), "#!/bin/sh\necho \"JAVA_HOME's java $*\"\n");

    Outcome outcome =
        plugin(
            Map.of(
                "PATH", fakeJava + ":" + tools,
                "SYNCGATE_JAR", jar.toString(),
                "JAVA_HOME", javaHome.toString()),
            "list",
            "-A");

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.out()).isEqualTo("JAVA_HOME's java -jar " + jar + " ctl list -A\n");
  }

  @Test
  void aMissingJarOrJavaIsAClearError() throws Exception {
    Outcome noJar =
        plugin(
            Map.of("PATH", fakeJava + ":" + tools, "SYNCGATE_JAR", dir + "/missing.jar"), "list");
    Outcome noJava = plugin(Map.of("PATH", tools.toString()), "list");

    assertThat(noJar.exitCode()).isEqualTo(1);
    assertThat(noJar.out()).isEmpty();
    assertThat(noJar.err())
        .startsWith("kubectl-syncgate: no Syncgate jar at " + dir + "/missing.jar");
    assertThat(noJava.exitCode()).isEqualTo(1);
    assertThat(noJava.err())
        .isEqualTo(
            "kubectl-syncgate: java not found: install Java 17 or later, or set JAVA_HOME\n");
  }

  record Outcome(int exitCode, String out, String err) {}

  private Outcome plugin(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(onPath.toString());
    command.addAll(List.of(args));
    return run(command, env);
  }

  private Outcome run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("SYNCGATE_JAR");
    builder.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the script finished").isTrue();
    return new Outcome(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path which(String tool) {
    for (String entry : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(entry, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + tool + " on PATH");
  }
}
