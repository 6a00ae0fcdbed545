package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateValidator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code syncgate demo} in-process with small figures (512 MiB behind, replaying 256 MiB/s, short
 * intervals): the whole story from the command line to the exit status, in text and in JSON, with
 * the emitted YAML, and a run that times out.
 */
class DemoCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A quick demo: about 2 s gated, 1 s stable, three ramp steps of 1 s. */
  private static final List<String> QUICK =
      List.of(
          "demo",
          "--backlog",
          "512Mi",
          "--catch-up-rate",
          "256Mi",
          "--write-rate",
          "2Mi",
          "--stable-for",
          "1s",
          "--step-interval",
          "1s",
          "--poll-interval",
          "200ms",
          "--table-interval",
          "1s",
          "--timeout",
          "60s");

  @TempDir Path dir;

  private static SyncgateCommandTest.Result demo(String... more) {
    List<String> args = new ArrayList<>(QUICK);
    args.addAll(List.of(more));
    return SyncgateCommandTest.run(args.toArray(String[]::new));
  }

  @Test
  void textTellsGatedWhileReadyThenAdmittedRampedServingAndSummarizes() {
    SyncgateCommandTest.Result result = demo();

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    List<String> joiner = lines.stream().filter(l -> l.contains("  hippo-3  ")).toList();
    // In order: held at 0 while Patroni says ready, admitted, each ramp step, serving.
    assertThat(indexOf(joiner, "gated", "weight   0", "/readiness 200", "> 1 MiB"))
        .isGreaterThanOrEqualTo(0);
    int gated = indexOf(joiner, "gated", "/readiness 200");
    int admitted = indexOf(joiner, "admitted 10%");
    int step25 = indexOf(joiner, "ramp 25%");
    int step50 = indexOf(joiner, "ramp 50%");
    int serving = indexOf(joiner, "serving", "serving full share");
    assertThat(List.of(gated, admitted, step25, step50, serving)).isSorted().doesNotContain(-1);
    // A table shows it ready by Patroni while it gets no reads.
    assertThat(lines)
        .anyMatch(
            l ->
                l.contains("hippo-3  200")
                    && l.contains("Gated")
                    && l.endsWith("<- ready by Patroni, 0% of reads"));
    // Two caught-up replicas next to it, and the final equal shares.
    assertThat(result.out())
        .contains("hippo-1  replica, caught up", "hippo-2  replica, caught up")
        .contains("hippo-3 serves after")
        .contains("while Patroni's /readiness answered 200")
        .contains("final weights  hippo-1 34, hippo-2 33, hippo-3 33")
        .contains("  stale reads    0.0 percent-seconds")
        .doesNotContain("already catches");
    assertThat(lastIndexOf(lines, "hippo-3 serves after"))
        .isGreaterThan(lines.indexOf(joiner.get(serving)));
  }

  @Test
  void withPatroni41TheJoinersReadinessAnswered503WhileFarBehindAndTheSummarySaysWhen()
      throws Exception {
    SyncgateCommandTest.Result text = demo("--patroni-version", "4.1");

    assertThat(text.exitCode()).as("stderr: %s", text.err()).isZero();
    System.out.print(text.out());
    List<String> lines = text.out().lines().toList();
    assertThat(text.out())
        .contains("a simulated Patroni 4.1 cluster")
        .contains("hippo-3 serves after")
        .contains("Patroni 4.1's /readiness already catches a replica that is far behind")
        .contains("no ramp", "no hysteresis", "periodSeconds x failureThreshold");
    // Held at 0 while far behind, and /readiness said so.
    assertThat(lines)
        .anyMatch(l -> l.contains("  hippo-3  gated ") && l.contains("/readiness 503"));
    String held =
        lines.stream().filter(l -> l.startsWith("  held at 0% ")).findFirst().orElseThrow();
    assertThat(held).containsPattern("while Patroni's /readiness answered 503 to [1-9]\\d* checks");
    int readinessLine =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith("  /readiness ")).findFirst().orElseThrow());
    assertThat(lines.get(readinessLine))
        .matches(
            "  /readiness     Patroni 4\\.1, checked every 0\\.5s: 503 until \\S+s, first 200 at"
                + " \\S+s;");
    assertThat(lines.get(readinessLine + 1))
        .matches("                 syncgate gave hippo-3 reads at \\S+s, a full share at \\S+s");

    SyncgateCommandTest.Result json = demo("--patroni-version", "4.1", "--output", "json");
    assertThat(json.exitCode()).as("stderr: %s", json.err()).isZero();
    List<JsonNode> events = new ArrayList<>();
    for (String line : json.out().lines().toList()) {
      events.add(JSON.readTree(line));
    }
    assertThat(events.get(0).get("patroniVersion").asText()).isEqualTo("4.1");
    JsonNode summary =
        events.stream().filter(e -> e.get("event").asText().equals("summary")).findFirst().get();
    assertThat(summary.get("readinessUnavailableWhileGated").asInt()).isPositive();
    JsonNode readiness = summary.get("readiness");
    assertThat(readiness.get("patroniVersion").asText()).isEqualTo("4.1");
    // 503 while far behind, then 200 once caught up: before syncgate gave it reads, since syncgate
    // also waits for stableFor, and its full share comes after the ramp.
    double unavailableUntil = readiness.get("unavailableUntil").asDouble();
    double firstOk = readiness.get("firstOk").asDouble();
    assertThat(unavailableUntil).isLessThan(firstOk);
    assertThat(firstOk).isLessThanOrEqualTo(readiness.get("weightAt").asDouble());
    assertThat(readiness.get("weightAt").asDouble())
        .isLessThan(readiness.get("fullShareAt").asDouble());
    // While hippo-3 was far behind its /readiness answered 503 in the tables.
    assertThat(events)
        .filteredOn(e -> e.get("event").asText().equals("table"))
        .flatMap(e -> List.copyOf(iterable(e.get("rows"))))
        .anyMatch(
            row ->
                row.get("replica").asText().equals("hippo-3")
                    && row.get("readiness").asInt() == 503
                    && row.get("lagBytes").asLong() > (1L << 20));
  }

  private static List<JsonNode> iterable(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  @Test
  void theFirstRouteGoesToThePrimaryServiceAndNoRouteToTheLeadersSubset() {
    SyncgateCommandTest.Result result = demo();

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(result.out())
        .contains(
            "  services hippo-replicas  the read host's, replicas only: hippo-1, hippo-2, hippo-3")
        .contains(
            "           hippo-ha        the primary's, for reads while no replica is admitted:"
                + " hippo-0");
    List<String> routes = lines.stream().filter(l -> l.contains("s  route    ")).toList();
    assertThat(routes).hasSizeGreaterThanOrEqualTo(2);
    // Before any replica is admitted all reads go to the primary Service hippo-ha, no subset.
    assertThat(routes.get(0))
        .contains("route    hippo-ha 100, hippo-1 0, hippo-2 0, hippo-3 0")
        .endsWith("  (the primary Service: no replica admitted yet)");
    assertThat(routes).noneMatch(l -> l.contains("hippo-0"));
    assertThat(routes.subList(1, routes.size()))
        .noneMatch(l -> l.contains("hippo-ha"))
        .noneMatch(l -> l.contains("primary Service"));
    // The fallback's line comes before any replica is admitted.
    assertThat(lines.indexOf(routes.get(0))).isLessThan(indexOf(lines, "admitted 10%"));
  }

  @Test
  void jsonLinesParseAndEmittedYamlIsTheFinalDestinationRuleAndVirtualService() throws Exception {
    Path emit = dir.resolve("out");
    SyncgateCommandTest.Result result = demo("--output", "json", "--emit-dir", emit.toString());

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    List<JsonNode> events = new ArrayList<>();
    for (String line : result.out().lines().toList()) {
      events.add(JSON.readTree(line)); // every line is JSON, nothing else is on stdout
    }
    assertThat(events).isNotEmpty();
    assertThat(events.get(0).get("event").asText()).isEqualTo("started");
    assertThat(events.get(events.size() - 1).get("event").asText()).isEqualTo("emitted");
    assertThat(events)
        .extracting(e -> e.get("event").asText())
        .contains("started", "route", "replica", "table", "summary", "emitted")
        .allMatch(
            type ->
                List.of("started", "route", "replica", "table", "summary", "emitted")
                    .contains(type));

    List<JsonNode> joiner =
        events.stream()
            .filter(e -> e.get("event").asText().equals("replica"))
            .filter(e -> e.get("replica").asText().equals("hippo-3"))
            .toList();
    assertThat(joiner)
        .extracting(e -> e.get("change").asText())
        .containsExactly("gated", "admitted", "step", "step", "serving");
    assertThat(joiner.get(0).get("readiness").asInt()).isEqualTo(200);
    assertThat(joiner.get(0).get("weight").asInt()).isZero();
    assertThat(joiner.get(0).get("lagBytes").asLong()).isGreaterThan(1L << 20);
    assertThat(joiner)
        .extracting(e -> e.get("stepPercent").isNull() ? null : e.get("stepPercent").asInt())
        .containsExactly(null, 10, 25, 50, null);

    JsonNode started = events.get(0);
    assertThat(started.get("readService").asText()).isEqualTo("hippo-replicas");
    assertThat(started.get("primaryService").asText()).isEqualTo("hippo-ha");
    List<JsonNode> routes =
        events.stream().filter(e -> e.get("event").asText().equals("route")).toList();
    JsonNode fallback = routes.get(0);
    assertThat(fallback.get("fallback").asBoolean()).isTrue();
    assertThat(fallback.get("weights").fieldNames().next()).isEqualTo("hippo-ha");
    assertThat(JSON.convertValue(fallback.get("weights"), Map.class))
        .isEqualTo(Map.of("hippo-ha", 100, "hippo-1", 0, "hippo-2", 0, "hippo-3", 0));
    assertThat(routes).noneMatch(route -> route.get("weights").has("hippo-0"));
    assertThat(routes.subList(1, routes.size()))
        .noneMatch(route -> route.get("fallback").asBoolean());
    for (JsonNode route : routes) {
      int sum = 0;
      for (JsonNode weight : route.get("weights")) {
        sum += weight.asInt();
      }
      assertThat(sum).as("route %s", route).isEqualTo(100);
    }

    JsonNode summary =
        events.stream().filter(e -> e.get("event").asText().equals("summary")).findFirst().get();
    assertThat(summary.get("replica").asText()).isEqualTo("hippo-3");
    assertThat(summary.get("gatedSeconds").asDouble()).isPositive();
    assertThat(summary.get("rampingSeconds").asDouble()).isGreaterThanOrEqualTo(2.0);
    assertThat(summary.get("readinessChecksWhileGated").asInt()).isPositive();
    assertThat(summary.get("readinessOkWhileGated").asInt())
        .isEqualTo(summary.get("readinessChecksWhileGated").asInt());
    assertThat(JSON.convertValue(summary.get("weights"), Map.class))
        .isEqualTo(Map.of("hippo-1", 34, "hippo-2", 33, "hippo-3", 33));
    // Nothing was routed to a replica behind admission.maxLag.
    assertThat(summary.get("staleReadPercentSeconds").asDouble()).isZero();
    assertThat(summary.get("readiness").get("patroniVersion").asText()).isEqualTo("3.0.2");
    // The tables carry the controller's catch-up estimate once it has one.
    assertThat(events)
        .filteredOn(e -> e.get("event").asText().equals("table"))
        .flatMap(e -> iterable(e.get("rows")))
        .anyMatch(row -> row.get("catchUp").has("lagTrend"));

    KubernetesSerialization yaml = new KubernetesSerialization();
    DestinationRule dr =
        yaml.unmarshal(
            Files.readString(emit.resolve("destinationrule.yaml")), DestinationRule.class);
    assertThat(dr.getMetadata().getName()).isEqualTo("hippo-reads");
    assertThat(dr.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(dr.getMetadata().getResourceVersion()).isNull();
    assertThat(dr.getSpec().getHost()).isEqualTo("hippo-replicas.db.svc.cluster.local");
    assertThat(dr.getSpec().getSubsets())
        .extracting(Subset::getName)
        .containsExactly("hippo-0", "hippo-1", "hippo-2", "hippo-3");

    VirtualService vs =
        yaml.unmarshal(Files.readString(emit.resolve("virtualservice.yaml")), VirtualService.class);
    assertThat(vs.getSpec().getHosts()).containsExactly("hippo-replicas.db.svc.cluster.local");
    assertThat(vs.getSpec().getTcp()).hasSize(1);
    TCPRoute tcp = vs.getSpec().getTcp().get(0);
    Map<String, Integer> weights = new LinkedHashMap<>();
    tcp.getRoute().forEach(r -> weights.put(r.getDestination().getSubset(), r.getWeight()));
    assertThat(weights)
        .containsExactly(
            Map.entry("hippo-1", 34), Map.entry("hippo-2", 33), Map.entry("hippo-3", 33));
    assertThat(weights.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);

    ReplicaGate gate =
        yaml.unmarshal(Files.readString(emit.resolve("replicagate.yaml")), ReplicaGate.class);
    assertThat(gate.getStatus()).isNull();
    assertThat(gate.getSpec().getRamp().getStepInterval()).isEqualTo("1s");
    assertThat(ReplicaGateValidator.validate(gate)).isEmpty();
  }

  @Test
  void aReplicaThatCannotCatchUpInTimeFailsWithExitOneAndSaysWhere() throws Exception {
    SyncgateCommandTest.Result result =
        SyncgateCommandTest.run(
            "demo",
            "--backlog",
            "5Gi",
            "--catch-up-rate",
            "64Mi",
            "--poll-interval",
            "200ms",
            "--timeout",
            "8s",
            "--output",
            "json");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains(
            "syncgate demo: hippo-3 did not serve within 8s; raise --timeout or"
                + " --catch-up-rate");
    List<String> lines = result.out().lines().toList();
    JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(last.get("event").asText()).isEqualTo("timeout");
    assertThat(last.get("phase").asText()).isEqualTo("Gated");
    assertThat(last.get("message").asText()).startsWith("hippo-3 is not serving after 8s: Gated");
    assertThat(last.get("reason").asText()).contains("> 1 MiB");
  }

  @Test
  void followKeepsRunningAfterServingUntilStopped() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine =
        new CommandLine(new SyncgateCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    DemoCommand demo = commandLine.getSubcommands().get("demo").getCommand();
    List<String> args = new ArrayList<>(QUICK);
    args.add("--follow");
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> commandLine.execute(args.toArray(String[]::new)));

    Await.until(
        Duration.ofSeconds(60),
        "a table printed after the summary",
        () -> {
          String text = out.toString();
          int following = text.indexOf("--follow: still running; Ctrl-C stops.");
          return following >= 0 && text.indexOf("replica  /readiness", following) > following;
        });
    assertThat(exit).isNotDone();
    demo.stop.complete(null);

    assertThat(exit.get(30, TimeUnit.SECONDS)).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("hippo-3 serves after");
  }

  private static int indexOf(List<String> lines, String... parts) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (List.of(parts).stream().allMatch(line::contains)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<String> lines, String part) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }
}
