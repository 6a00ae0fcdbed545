package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * Every command in the README's {@code sh} blocks refers to things that exist: scripts that are
 * there and executable, Maven modules, the jar the shade plugin builds, {@code syncgate} commands
 * and options that parse, and the paths given to kubectl. Nothing is run (no recursive Maven).
 */
class ReadmeCommandsTest {

  /** The README's headline command; the issue promises it verbatim. */
  static final String DEMO_COMMAND =
      "scripts/install-deps.sh && mvn -B -q package -DskipTests"
          + " && java -jar controller/target/syncgate.jar demo";

  static final String TEST_COMMAND = "scripts/install-deps.sh && mvn -B verify";

  private final Path root = Readme.root();

  @Test
  void theTwoCommandsAreThereAsPromised() {
    List<String> commands = Readme.shellCommands(Readme.text());

    assertThat(commands).contains(DEMO_COMMAND, TEST_COMMAND);
  }

  @Test
  void everyShellCommandRefersToThingsThatExist() throws Exception {
    List<String> commands = Readme.shellCommands(Readme.text());
    assertThat(commands).hasSizeGreaterThan(3);
    List<String> checked = new ArrayList<>();
    for (String line : commands) {
      for (String simple : line.split("&&")) {
        check(simple.strip());
        checked.add(simple.strip());
      }
    }
    assertThat(checked).anyMatch(c -> c.startsWith("kubectl apply -k"));
  }

  @Test
  void kustomizeDirectoryHasAKustomization() {
    List<Path> dirs = new ArrayList<>();
    for (String line : Readme.shellCommands(Readme.text())) {
      List<String> words = Arrays.asList(line.split("\\s+"));
      int k = words.indexOf("-k");
      if (words.get(0).equals("kubectl") && k >= 0) {
        dirs.add(root.resolve(words.get(k + 1)));
      }
    }
    assertThat(dirs).isNotEmpty();
    for (Path dir : dirs) {
      assertThat(dir).isDirectory();
      // deploy/'s kustomization is written on another branch; until it is merged, say so.
      Assumptions.assumeTrue(
          Files.exists(dir.resolve("kustomization.yaml")), dir + " has no kustomization.yaml yet");
      assertThat(dir.resolve("kustomization.yaml")).isRegularFile();
    }
  }

  private void check(String command) throws Exception {
    assertThat(command)
        .as("quotes are not parsed here; keep README commands simple")
        .doesNotContain("\"", "'");
    List<String> words = Arrays.asList(command.split("\\s+"));
    String program = words.get(0);
    if (program.startsWith("scripts/")) {
      Path script = root.resolve(program);
      assertThat(script).as(command).isRegularFile();
      assertThat(Files.isExecutable(script)).as("%s is executable", script).isTrue();
    } else if (program.equals("mvn")) {
      checkMaven(command, words);
    } else if (program.equals("java")) {
      checkJava(command, words);
    } else if (program.equals("kubectl") && words.size() > 1 && words.get(1).equals("syncgate")) {
      checkKubectlSyncgate(command, words);
    } else if (program.equals("kubectl")) {
      checkKubectl(command, words);
    } else if (program.equals("mkdir")) {
      assertThat(words).as(command).hasSizeGreaterThan(1);
    } else if (program.equals("cp")) {
      checkCopy(command, words);
    } else {
      fail("README command not understood by this test (add a rule): " + command);
    }
  }

  private void checkMaven(String command, List<String> words) {
    assertThat(words).as(command).anyMatch(w -> List.of("package", "verify", "test").contains(w));
    int pl = words.indexOf("-pl");
    if (pl >= 0) {
      for (String module : words.get(pl + 1).split(",")) {
        assertThat(root.resolve(module).resolve("pom.xml")).as(command).isRegularFile();
      }
    }
  }

  private void checkJava(String command, List<String> words) throws Exception {
    assertThat(words.get(1)).as(command).isEqualTo("-jar");
    assertThat(words.get(2)).as(command).isEqualTo("controller/target/" + shadedJarName());
    String[] args = words.subList(3, words.size()).toArray(String[]::new);
    CommandLine.ParseResult parsed;
    try {
      parsed = new CommandLine(new SyncgateCommand()).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError("README command does not parse: " + command + ": " + e.getMessage());
    }
    assertThat(parsed.hasSubcommand() || parsed.isUsageHelpRequested())
        .as("%s names a syncgate command", command)
        .isTrue();
  }

  private void checkKubectl(String command, List<String> words) {
    for (int i = 1; i < words.size() - 1; i++) {
      if (words.get(i).equals("-k")) {
        assertThat(root.resolve(words.get(i + 1))).as(command).isDirectory();
      }
      if (words.get(i).equals("-f")) {
        assertThat(root.resolve(words.get(i + 1))).as(command).isRegularFile();
      }
    }
    assertThat(words.get(1))
        .as(command)
        .isIn("apply", "get", "describe", "delete", "logs", "port-forward", "wait", "edit");
  }

  /**
   * {@code kubectl syncgate ARGS} is {@code syncgate ctl ARGS} through deploy/kubectl-syncgate: the
   * launcher is there and executable, and the arguments parse as a {@code ctl} command.
   */
  private void checkKubectlSyncgate(String command, List<String> words) {
    Path launcher = root.resolve("deploy/kubectl-syncgate");
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
    List<String> args = new ArrayList<>(List.of("ctl"));
    args.addAll(words.subList(2, words.size()));
    CommandLine.ParseResult parsed;
    try {
      parsed = new CommandLine(new SyncgateCommand()).parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError("README command does not parse: " + command + ": " + e.getMessage());
    }
    assertThat(parsed.subcommand().hasSubcommand())
        .as("%s names a kubectl syncgate command", command)
        .isTrue();
  }

  /** {@code cp SOURCE... DIRECTORY}: every source is in the repository or is the shaded jar. */
  private void checkCopy(String command, List<String> words) throws Exception {
    assertThat(words).as(command).hasSizeGreaterThan(2);
    String jar = "controller/target/" + shadedJarName();
    for (String source : words.subList(1, words.size() - 1)) {
      if (!source.equals(jar)) {
        assertThat(root.resolve(source)).as(command).isRegularFile();
      }
    }
  }

  /** {@code <finalName>.jar} of the controller's shade execution. */
  private String shadedJarName() throws Exception {
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(root.resolve("controller/pom.xml").toFile());
    NodeList names = pom.getElementsByTagName("finalName");
    assertThat(names.getLength()).as("controller/pom.xml names the shaded jar").isEqualTo(1);
    Element finalName = (Element) names.item(0);
    return finalName.getTextContent().strip() + ".jar";
  }
}
