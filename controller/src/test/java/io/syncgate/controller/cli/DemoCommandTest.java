package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.demo.DemoSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code syncgate demo}'s options become its settings, and how bad ones are refused. */
class DemoCommandTest {

  private static DemoSettings settings(String... args) {
    DemoCommand command = new DemoCommand();
    new CommandLine(command).parseArgs(args);
    return command.settings();
  }

  @Test
  void defaultsTellTheSeedStoryInWellUnderAMinute() {
    DemoSettings s = settings();

    assertThat(s)
        .isEqualTo(
            new DemoSettings(
                DemoSettings.Scenario.SEED,
                2,
                5L << 30,
                250L << 20,
                2L << 20,
                "1Mi",
                "3s",
                List.of(10, 25, 50, 100),
                "3s",
                "500ms",
                Duration.ofSeconds(5),
                Duration.ofMinutes(2),
                false,
                DemoSettings.Output.TEXT,
                null,
                DemoSettings.PatroniVersion.V3_0_2));
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void everyFigureCanBeSet() {
    DemoSettings s =
        settings(
            "--replicas=3",
            "--backlog=20Gi",
            "--catch-up-rate=1Gi",
            "--write-rate=8Mi",
            "--max-lag=4Mi",
            "--stable-for=5s",
            "--steps=20,100",
            "--step-interval=10s",
            "--poll-interval=1s",
            "--table-interval=2s",
            "--timeout=5m",
            "--follow",
            "--output=JSON",
            "--emit-dir=out",
            "--patroni-version=4.1");

    assertThat(s)
        .isEqualTo(
            new DemoSettings(
                DemoSettings.Scenario.SEED,
                3,
                20L << 30,
                1L << 30,
                8L << 20,
                "4Mi",
                "5s",
                List.of(20, 100),
                "10s",
                "1s",
                Duration.ofSeconds(2),
                Duration.ofMinutes(5),
                true,
                DemoSettings.Output.JSON,
                Path.of("out"),
                DemoSettings.PatroniVersion.V4_1));
  }

  @Test
  void aPatroniVersionTheDemoCannotSimulateIsAUsageErrorSayingWhichItCan() {
    for (String version : List.of("4.0", "4", "3.0", "4.1.4", "")) {
      SyncgateCommandTest.Result result =
          SyncgateCommandTest.run("demo", "--patroni-version", version);

      assertThat(result.exitCode()).as(version).isEqualTo(2);
      assertThat(result.err())
          .as(version)
          .contains(
              "Invalid value for option '--patroni-version': expected 3.0.2 or 4.1, got '"
                  + version
                  + "'")
          .contains("Usage: syncgate demo");
    }
  }

  @Test
  void aPolicyTheControllerWouldRejectIsAUsageErrorNamingTheFlag() {
    SyncgateCommandTest.Result result = SyncgateCommandTest.run("demo", "--steps", "50,25,100");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("--steps (spec.ramp.steps")
        .contains("strictly increasing")
        .contains("Usage: syncgate demo");
  }

  @Test
  void aReplicaThatCanNeverCatchUpIsAUsageError() {
    SyncgateCommandTest.Result result =
        SyncgateCommandTest.run("demo", "--catch-up-rate", "1Mi", "--write-rate", "2Mi");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--catch-up-rate (1 MiB/s) must be above --write-rate");
  }

  @Test
  void sizesDurationsAndFormatsThatDoNotParseAreUsageErrors() {
    assertThat(SyncgateCommandTest.run("demo", "--backlog", "lots").err())
        .contains("Invalid value for option '--backlog'")
        .contains("invalid size \"lots\"");
    assertThat(SyncgateCommandTest.run("demo", "--timeout", "soon").err())
        .contains("Invalid value for option '--timeout'");
    SyncgateCommandTest.Result yaml = SyncgateCommandTest.run("demo", "--output", "yaml");
    assertThat(yaml.exitCode()).isEqualTo(2);
    assertThat(yaml.err()).contains("expected text or json, got 'yaml'");
  }

  @Test
  void theScenarioIsSeedUnlessRolloutIsAsked() {
    assertThat(settings().scenario()).isEqualTo(DemoSettings.Scenario.SEED);
    assertThat(settings("--scenario", "rollout").scenario())
        .isEqualTo(DemoSettings.Scenario.ROLLOUT);
    assertThat(settings("--scenario=ROLLOUT").scenario()).isEqualTo(DemoSettings.Scenario.ROLLOUT);
    assertThat(settings("--scenario", "rollout").problems()).isEmpty();
  }

  @Test
  void anUnknownScenarioIsAUsageErrorNamingTheFlag() {
    SyncgateCommandTest.Result result = SyncgateCommandTest.run("demo", "--scenario", "canary");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Invalid value for option '--scenario'")
        .contains("expected seed or rollout, got 'canary'")
        .contains("Usage: syncgate demo");
  }

  @Test
  void aRolloutThatCannotBeToldIsAUsageError() {
    SyncgateCommandTest.Result result =
        SyncgateCommandTest.run("demo", "--scenario", "rollout", "--steps", "100");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--steps must have at least two steps with --scenario");
  }
}
