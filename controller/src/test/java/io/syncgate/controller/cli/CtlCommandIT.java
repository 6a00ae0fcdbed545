package io.syncgate.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.ctl.CtlGates;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.testing.Await;
import io.syncgate.policy.ActionStatus;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.ReplicaGateStatus;
import io.syncgate.policy.rollout.ActionRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code syncgate ctl} in-process against the embedded API server, configured only by a kubeconfig
 * file (user {@code alice}, namespace {@code db}). The test plays the controller: it answers a
 * request by writing its entry in {@code status.lastActions} and removing the annotation.
 */
class CtlCommandIT {

  private static final String NS = CtlGates.NAMESPACE;
  private static final String GATE = CtlGates.GATE;
  private static final Instant NOW = CtlGates.NOW;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final EmbeddedApiServer api = EmbeddedApiServer.start();
  private final ExecutorService background = Executors.newCachedThreadPool();
  private Path kubeconfig;

  @BeforeEach
  void setUp() throws IOException {
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(api.config().getMasterUrl()));
    createWithStatus(CtlGates.rollingOut());
  }

  @AfterEach
  void tearDown() {
    background.shutdownNow();
    api.close();
  }

  // --- actions -----------------------------------------------------------------------------

  @Test
  void holdAddsOneRequestAnnotationByMergePatchAndTouchesNothingElse() throws Exception {
    ReplicaGate before = stored();
    int requestsBefore = api.requests().size();

    Run run = new Run("hold", GATE, "hippo-3", "--no-wait");
    Result result = run.call();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    ReplicaGate after = stored();
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
    assertThat(after.getStatus()).isEqualTo(before.getStatus());
    assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    Map<String, String> added = new HashMap<>(after.getMetadata().getAnnotations());
    before.getMetadata().getAnnotations().forEach(added::remove);
    assertThat(added).hasSize(1);
    String key = added.keySet().iterator().next();
    String id = key.substring(ActionRequests.PREFIX.length());
    assertThat(ActionRequests.ID.matcher(id).matches()).isTrue();
    assertThat(JSON.readTree(added.get(key)))
        .isEqualTo(
            JSON.readTree(
                "{\"action\":\"hold\",\"replica\":\"hippo-3\",\"by\":\"alice\",\"at\":\""
                    + NOW
                    + "\"}"));
    // What the controller reads of it.
    ActionRequests.Request parsed =
        ActionRequests.pending(after.getMetadata().getAnnotations()).get(0);
    assertThat(parsed.valid()).isTrue();
    assertThat(parsed.action().by()).isEqualTo("alice");
    assertThat(result.out())
        .isEqualTo(
            "hold hippo-3 on db/hippo-reads: requested as "
                + key
                + "\nnot waiting for the controller's answer: see kubectl syncgate status"
                + " hippo-reads -n db\n");

    // One write, a merge patch of metadata.annotations on the gate itself, not its status.
    List<RecordedRequest> writes = writesSince(requestsBefore);
    assertThat(writes).hasSize(1);
    RecordedRequest patch = writes.get(0);
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getPath())
        .isEqualTo("/apis/syncgate.io/v1alpha1/namespaces/db/replicagates/hippo-reads");
    assertThat(patch.getHeader("Content-Type")).startsWith("application/merge-patch+json");
    assertThat(JSON.readTree(api.bodyOf(patch)))
        .isEqualTo(
            JSON.createObjectNode()
                .set(
                    "metadata",
                    JSON.createObjectNode()
                        .set("annotations", JSON.createObjectNode().put(key, added.get(key)))));
  }

  @Test
  void holdWaitsForTheControllerAndReportsApplied() throws Exception {
    Future<Result> running = background.submit(new Run("hold", GATE, "hippo-3"));

    String id = awaitOneRequest();
    answer(id, ActionStatus.APPLIED, "held at ramp step 1 (25%)");
    Result result = running.get(20, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "hold hippo-3 on db/hippo-reads: requested as request.syncgate.io/"
                + id
                + "\nApplied: hold hippo-3 on db/hippo-reads: held at ramp step 1 (25%)\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void anActionTheControllerRefusedExits3() throws Exception {
    Future<Result> running = background.submit(new Run("promote", GATE, "hippo-4"));

    String id = awaitOneRequest();
    answer(id, ActionStatus.REFUSED, "lag 5 GiB > admission.maxLag 1 MiB");
    Result result = running.get(20, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.out())
        .endsWith(
            "\nRefused: promote hippo-4 on db/hippo-reads: lag 5 GiB > admission.maxLag 1 MiB\n");
  }

  @Test
  void noAnswerWithinTheTimeoutExits4AndLeavesTheRequestPending() throws Exception {
    Result result = new Run("abort", GATE, "hippo-4", "--timeout", "300ms").call();

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    List<String> pending = requestKeys();
    assertThat(pending).hasSize(1);
    assertThat(result.err())
        .startsWith("error: the controller did not answer within 0.3s. The request stays pending")
        .contains("kubectl annotate replicagate hippo-reads -n db " + pending.get(0) + "-");
  }

  @Test
  void anAnswerWrittenBeforeTheWatchStartsIsFound() throws Exception {
    // The controller may answer between the patch and the first list of the watch: the list
    // must see it. Answer from within the patch's own handling, before the command can watch.
    api.inject(
        request -> {
          if (request.getMethod().equals("PATCH")) {
            background.submit(
                () -> {
                  String id = awaitOneRequest();
                  answer(id, ActionStatus.APPLIED, "approved");
                  return null;
                });
          }
          return null;
        });
    Result result = new Run("approve", GATE, "hippo-4", "--timeout", "20s").call();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).endsWith("Applied: approve hippo-4 on db/hippo-reads: approved\n");
  }

  @Test
  void anUnknownGateOrReplicaIsAnErrorAndNothingIsWritten() throws Exception {
    int requestsBefore = api.requests().size();

    Result noGate = new Run("hold", "nope", "hippo-3").call();
    Result noReplica = new Run("resume", GATE, "hippo-9").call();
    Result otherNamespace = new Run("hold", GATE, "hippo-3", "-n", "elsewhere").call();

    assertThat(noGate.exitCode()).isEqualTo(1);
    assertThat(noGate.err())
        .isEqualTo("error: replicagate \"nope\" not found in namespace \"db\"\n");
    assertThat(noReplica.exitCode()).isEqualTo(1);
    assertThat(noReplica.err())
        .isEqualTo(
            "error: replica \"hippo-9\" is not one of db/hippo-reads's replicas: hippo-1,"
                + " hippo-2, hippo-3, hippo-4\n");
    assertThat(otherNamespace.exitCode()).isEqualTo(1);
    assertThat(otherNamespace.err()).contains("not found in namespace \"elsewhere\"");
    assertThat(writesSince(requestsBefore)).isEmpty();
  }

  @Test
  void aReplicaIsNotCheckedWhileTheStatusListsNone() throws Exception {
    api.admin().resource(CtlGates.bare(NS, "fresh")).create();

    Result result = new Run("hold", "fresh", "hippo-7", "--no-wait").call();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(
            ActionRequests.pending(
                api.admin()
                    .resources(ReplicaGate.class)
                    .inNamespace(NS)
                    .withName("fresh")
                    .get()
                    .getMetadata()
                    .getAnnotations()))
        .singleElement()
        .satisfies(r -> assertThat(r.action().replica()).isEqualTo("hippo-7"));
  }

  @Test
  void usageErrorsExit2() {
    assertThat(new Run("hold", GATE).call().exitCode()).isEqualTo(2);
    assertThat(new Run("hold", GATE, "hippo-3", "--timeout", "soon").call().exitCode())
        .isEqualTo(2);
    Result bare = run("ctl");
    assertThat(bare.exitCode()).isEqualTo(2);
    assertThat(bare.err()).contains("missing command").contains("Usage: syncgate ctl");
  }

  @Test
  void theKubeconfigDecides() {
    Result noContext = new Run("list", "--context", "nope").call();
    Result noFile = run("ctl", "list", "--kubeconfig", dir.resolve("missing").toString());

    assertThat(noContext.exitCode()).isEqualTo(1);
    assertThat(noContext.err()).isEqualTo("error: context \"nope\" not found in the kubeconfig\n");
    assertThat(noFile.exitCode()).isEqualTo(1);
    assertThat(noFile.err()).contains("no such file");
  }

  @Test
  void anApiServerThatIsDownIsAnErrorInOneLine() {
    api.close();

    Result result = new Run("status", GATE).call();

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: cannot reach the API server at " + api.config().getMasterUrl())
        .hasLineCount(1);
  }

  // --- status and list ---------------------------------------------------------------------

  @Test
  void statusRendersTheStoredGate() {
    Result result = new Run("status", GATE).call();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines().toList())
        .isEqualTo(io.syncgate.controller.ctl.GateView.status(stored(), NOW))
        .startsWith(
            "NAME      PHASE     WEIGHT   STEP   LAG              WAITING FOR        SINCE   REASON")
        .contains(
            "hippo-3   Ramping   10       25%    12 KiB           resume (held)      45s     ramp"
                + " step 1 (25%)",
            "Leader:            hippo-0, timeline 3",
            "Rollout:           2/4 serving; hippo-3 ramping, weight 10, held; hippo-4 aborted");
  }

  @Test
  void statusAsJsonIsTheStatus() throws Exception {
    Result result = new Run("status", GATE, "--output", "json").call();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(JSON.readValue(result.out(), ReplicaGateStatus.class))
        .isEqualTo(stored().getStatus());
  }

  @Test
  void statusOfAnUnknownGateIsAnError() {
    Result result = new Run("status", "nope").call();

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: replicagate \"nope\" not found in namespace \"db\"\n");
  }

  @Test
  void statusWatchPrintsAgainOnEveryChangeUntilStopped() throws Exception {
    Run watch = new Run("status", GATE, "--watch");
    CtlStatusCommand command = (CtlStatusCommand) watch.command("status");
    Future<Result> running = background.submit(watch);

    Await.until("the first rendering", () -> watch.out().contains("resume (held)      45s"));
    editStatus(
        s -> {
          var r = s.getReplicas().get(2);
          r.setHeld(null);
          r.setWaitingFor("step timer: 0s of 30s");
          r.setStep(2);
          r.setWeight(20);
        });
    Await.until(
        "a second rendering with hippo-3 at 50%",
        () -> watch.out().contains("hippo-3   Ramping   20       50%"));
    assertThat(running).isNotDone();

    command.stop.complete(null);
    Result result = running.get(10, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.stream().filter(l -> l.startsWith("--- db/hippo-reads at ")))
        .hasSize(2)
        .allMatch(l -> l.equals("--- db/hippo-reads at " + NOW + " ---"));
    assertThat(lines.get(0)).isEqualTo("--- db/hippo-reads at " + NOW + " ---");
    assertThat(lines)
        .contains(
            "hippo-3   Ramping   10       25%    12 KiB           resume (held)      45s     ramp"
                + " step 1 (25%)",
            "hippo-3   Ramping   20       50%    12 KiB           step timer: 0s of 30s   45s   "
                + "  ramp step 1 (25%)");
  }

  @Test
  void statusWatchSaysWhenTheGateIsDeletedAndShowsItAgainWhenItComesBack() throws Exception {
    Run watch = new Run("status", GATE, "--watch");
    CtlStatusCommand command = (CtlStatusCommand) watch.command("status");
    Future<Result> running = background.submit(watch);
    Await.until("the first rendering", () -> watch.out().contains("Leader:"));

    api.admin().resources(ReplicaGate.class).inNamespace(NS).withName(GATE).delete();
    Await.until("the deletion reported", () -> watch.err().contains("was deleted"));
    api.admin().resource(CtlGates.bare(NS, GATE)).create();
    Await.until("the new gate shown", () -> watch.out().contains("No status yet"));
    command.stop.complete(null);
    Result result = running.get(10, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err())
        .isEqualTo("replicagate db/hippo-reads was deleted; watching for it to come back\n");
  }

  @Test
  void statusWatchAsJsonPrintsOneObjectPerStatusChange() throws Exception {
    Run watch = new Run("status", GATE, "-w", "-o", "json");
    CtlStatusCommand command = (CtlStatusCommand) watch.command("status");
    Future<Result> running = background.submit(watch);

    Await.until("the first object", () -> watch.out().lines().count() == 1);
    // A change of the gate's metadata alone is no change of its status.
    api.admin()
        .resources(ReplicaGate.class)
        .inNamespace(NS)
        .withName(GATE)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
    editStatus(s -> s.setLeader("hippo-1"));
    Await.until("the second object", () -> watch.out().lines().count() == 2);
    command.stop.complete(null);
    Result result = running.get(10, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(JSON.readValue(lines.get(0), ReplicaGateStatus.class).getLeader())
        .isEqualTo("hippo-0");
    assertThat(JSON.readValue(lines.get(1), ReplicaGateStatus.class))
        .isEqualTo(stored().getStatus());
  }

  @Test
  void listShowsTheNamespacesGatesOrAllOfThem() {
    api.admin().resource(CtlGates.bare("other", "acid-reads")).create();

    Result here = new Run("list").call();
    Result all = new Run("list", "-A").call();
    Result other = new Run("list", "-n", "other").call();
    Result empty = new Run("list", "-n", "empty").call();

    assertThat(here.exitCode()).isZero();
    assertThat(here.out().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("NAME          LEADER    SERVING   RAMPING   GATED   ROLLOUT");
    assertThat(here.out()).contains("hippo-reads   hippo-0   2         1         1       2/4");
    assertThat(all.out().lines().toList())
        .hasSize(3)
        .satisfies(l -> assertThat(l.get(0)).startsWith("NAMESPACE   NAME "))
        .satisfies(l -> assertThat(l.get(1)).startsWith("db          hippo-reads   hippo-0"))
        .satisfies(l -> assertThat(l.get(2)).startsWith("other       acid-reads    -"));
    assertThat(other.out().lines().toList()).hasSize(2);
    assertThat(other.out()).contains("acid-reads").doesNotContain("hippo-reads");
    assertThat(empty.exitCode()).isZero();
    assertThat(empty.out()).isEmpty();
    assertThat(empty.err()).isEqualTo("No ReplicaGates found in namespace empty.\n");
  }

  // --- the test's side: the gate as stored, and the controller's answer ----------------------

  private void createWithStatus(ReplicaGate gate) {
    ReplicaGateStatus status = gate.getStatus();
    gate.setStatus(null);
    ReplicaGate created = api.admin().resource(gate).create();
    created.setStatus(status);
    api.admin().resource(created).updateStatus();
  }

  /** Requests other than GET the server received after the first {@code count}. */
  private List<RecordedRequest> writesSince(int count) {
    List<RecordedRequest> all = api.requests();
    return all.subList(count, all.size()).stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .toList();
  }

  private ReplicaGate stored() {
    return api.admin().resources(ReplicaGate.class).inNamespace(NS).withName(GATE).get();
  }

  private void editStatus(Consumer<ReplicaGateStatus> change) {
    ReplicaGate gate = stored();
    change.accept(gate.getStatus());
    api.admin().resource(gate).updateStatus();
  }

  private List<String> requestKeys() {
    Map<String, String> annotations = stored().getMetadata().getAnnotations();
    return annotations == null
        ? List.of()
        : annotations.keySet().stream().filter(k -> k.startsWith(ActionRequests.PREFIX)).toList();
  }

  /** The id of the one pending request, once the command has sent it. */
  private String awaitOneRequest() {
    return Await.until(
            Duration.ofSeconds(10), "one request annotation", this::requestKeys, k -> k.size() == 1)
        .get(0)
        .substring(ActionRequests.PREFIX.length());
  }

  /** What the controller does with request {@code id}: an entry in lastActions, then removal. */
  private void answer(String id, String result, String message) {
    ReplicaGate gate = stored();
    ActionRequests.Request request =
        ActionRequests.pending(gate.getMetadata().getAnnotations()).stream()
            .filter(r -> r.id().equals(id))
            .findFirst()
            .orElseThrow();
    ActionStatus action = new ActionStatus();
    action.setId(id);
    action.setAction(request.action().verb().word());
    action.setReplica(request.action().replica());
    action.setBy(request.action().by());
    action.setRequestedAt(String.valueOf(request.action().requestedAt()));
    action.setAppliedAt(Instant.now().toString());
    action.setResult(result);
    action.setMessage(message);
    gate.getStatus().getLastActions().add(action);
    api.admin().resource(gate).updateStatus();
    api.admin()
        .resources(ReplicaGate.class)
        .inNamespace(NS)
        .withName(GATE)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + ActionRequests.key(id) + "\":null}}}");
  }

  // --- running the command line ------------------------------------------------------------

  record Result(int exitCode, String out, String err) {}

  /** {@code syncgate ctl ARGS --kubeconfig <the test's>} at the fixed time {@link #NOW}. */
  private final class Run implements java.util.concurrent.Callable<Result> {
    private final CommandLine root = new CommandLine(new SyncgateCommand());
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final String[] args;

    Run(String... args) {
      String[] all = new String[args.length + 3];
      all[0] = "ctl";
      System.arraycopy(args, 0, all, 1, args.length);
      all[args.length + 1] = "--kubeconfig";
      all[args.length + 2] = kubeconfig.toString();
      this.args = all;
      root.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
      for (CommandLine sub : root.getSubcommands().get("ctl").getSubcommands().values()) {
        ((CtlSubcommand) sub.getCommand()).clock = Clock.fixed(NOW, ZoneOffset.UTC);
      }
    }

    Object command(String name) {
      return root.getSubcommands().get("ctl").getSubcommands().get(name).getCommand();
    }

    String out() {
      return out.toString();
    }

    String err() {
      return err.toString();
    }

    @Override
    public Result call() {
      int exitCode = root.execute(args);
      return new Result(exitCode, out.toString(), err.toString());
    }
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        new CommandLine(new SyncgateCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private static String kubeconfig(String server) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: mock",
        "  cluster:",
        "    server: " + server,
        "users:",
        "- name: alice",
        "  user:",
        "    token: not-checked-by-the-mock",
        "contexts:",
        "- name: mock",
        "  context:",
        "    cluster: mock",
        "    user: alice",
        "    namespace: " + NS,
        "current-context: mock",
        "");
  }
}
