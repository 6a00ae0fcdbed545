package io.syncgate.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.syncgate.controller.app.ControllerApp;
import io.syncgate.controller.demo.LoopbackSubnet;
import io.syncgate.controller.demo.PatroniSimulator;
import io.syncgate.controller.demo.SimulatedMember;
import io.syncgate.controller.deploy.DeployTree.RunArgs;
import io.syncgate.controller.deploy.RbacCheck.Permission;
import io.syncgate.controller.embedded.EmbeddedApiServer;
import io.syncgate.controller.kube.ControllerConfig;
import io.syncgate.controller.kube.KubeClients;
import io.syncgate.controller.kube.LeaderElection;
import io.syncgate.controller.kube.TestGates;
import io.syncgate.controller.testing.Await;
import io.syncgate.controller.testing.RouteEndpointCheck;
import io.syncgate.policy.ReplicaGate;
import io.syncgate.policy.SecretRef;
import io.syncgate.policy.gating.ActionVerb;
import io.syncgate.policy.rollout.ActionRequests;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the controller as each install's Deployment configures it (its args, leader election on)
 * against the mock API server, through a scenario that exercises every kind of call: a gate with a
 * credentials Secret, a replica that ramps in, a new member that changes both mesh objects, status
 * and events, the Lease taken, renewed and released. Every request the controller sent is mapped to
 * the permission RBAC would check, and compared with {@link ControllerApiCalls}: the declared list
 * must cover all of them, and each declared call must have been made (but the one only an admission
 * plugin asks for).
 */
class RbacAuditIT {

  static final String USER_AGENT = "syncgate-rbac-audit";
  static final long GIB = 1L << 30;

  /** Members listen on 127.0.N.2-4:8008, like pod IPs, N free of other builds' members. */
  final String subnet = "127.0." + LoopbackSubnet.pick(3, 8008) + ".";

  /** The two installs deploy/ offers. */
  enum Installs {
    CLUSTER_WIDE,
    NAMESPACED;

    DeployTree.Install install() {
      return this == CLUSTER_WIDE
          ? DeployTree.clusterWideInstall()
          : DeployTree.namespacedInstall();
    }
  }

  final EmbeddedApiServer api = EmbeddedApiServer.start();
  final Vertx vertx = Vertx.vertx();
  final Vertx simulatorVertx = Vertx.vertx();
  PatroniSimulator simulator;
  KubernetesClient client;
  ControllerApp app;

  @AfterEach
  void tearDown() {
    // Every route the controller wrote sent weight only where a ready endpoint could answer.
    RouteEndpointCheck.Report routes =
        RouteEndpointCheck.check(api, api.admin().getKubernetesSerialization());
    if (app != null) {
      Await.result(app.stop());
    }
    if (client != null) {
      client.close();
    }
    if (simulator != null) {
      Await.result(simulator.close());
    }
    Await.result(vertx.close());
    Await.result(simulatorVertx.close());
    api.close();
    routes.assertNone();
  }

  @ParameterizedTest
  @EnumSource(Installs.class)
  void theControllerMakesExactlyTheDeclaredApiCallsAndTheInstallAllowsThem(Installs which) {
    DeployTree.Install install = which.install();
    Deployment deployment = install.deployment();
    RunArgs args = RunArgs.parse(DeployTree.controllerContainer(deployment).getArgs());

    simulator =
        Await.result(
            PatroniSimulator.start(
                simulatorVertx,
                List.of(
                    SimulatedMember.leader("hippo-0", subnet + 2, 8008),
                    SimulatedMember.replica("hippo-1", subnet + 3, 8008),
                    SimulatedMember.replica("hippo-2", subnet + 4, 8008)),
                PatroniSimulator.Mode.HTTP10_CLOSE));
    simulator.member("hippo-0").setLocation(GIB);
    simulator.member("hippo-1").setReceivedAndReplayed(GIB);
    simulator.member("hippo-2").setReceivedAndReplayed(GIB);
    KubernetesClient admin = api.admin();
    admin
        .secrets()
        .inNamespace(TestGates.NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("hippo-auth")
                .withNamespace(TestGates.NAMESPACE)
                .endMetadata()
                .addToStringData("username", "syncgate")
                .addToStringData("password", "not-a-secret")
                .build())
        .create();
    TestGates.createPod(admin, "hippo-0", subnet + 2);
    TestGates.createPod(admin, "hippo-1", subnet + 3);
    admin
        .resources(ReplicaGate.class)
        .inNamespace(TestGates.NAMESPACE)
        .resource(
            TestGates.gate(
                spec -> {
                  spec.getRamp().setSteps(List.of(50, 100));
                  spec.getPatroni().setCredentialsSecret(new SecretRef("hippo-auth"));
                  // The simulated members answer plain http.
                  spec.getPatroni().setAllowCredentialsOverHttp(true);
                }))
        .create();

    ControllerConfig config =
        ControllerConfig.defaults(args.leaseNamespace(), "syncgate-audit")
            .withNamespaces(args.namespaces())
            .withLeaderElection(
                args.elect(), args.leaseNamespace(), ControllerConfig.DEFAULT_LEASE_NAME)
            .withLeaseTiming(
                new LeaderElection.Timing(
                    Duration.ofMillis(2000), Duration.ofMillis(1500), Duration.ofMillis(200)));
    Config clientConfig = new ConfigBuilder(api.config()).build();
    clientConfig.setUserAgent(USER_AGENT);
    client = KubeClients.create(vertx, clientConfig);
    app =
        Await.result(
            ControllerApp.start(
                vertx,
                client,
                new ControllerApp.Settings(config, "127.0.0.1", 0),
                Clock.systemUTC()));

    Await.until(
        "hippo-1 serving alone", () -> TestGates.weights(admin).equals(Map.of("hippo-1", 100)));
    // A new member: the DestinationRule gains a subset, the VirtualService a destination.
    TestGates.createPod(admin, "hippo-2", subnet + 4);
    Await.until(
        "hippo-1 and hippo-2 serving",
        () -> TestGates.weights(admin).equals(Map.of("hippo-1", 50, "hippo-2", 50)));
    // An operator request: taken, recorded in status, then removed by the controller (a patch).
    String holdRequest = ActionRequests.key("audit");
    TestGates.request(
        admin, "audit", ActionRequests.value(ActionVerb.HOLD, "hippo-2", "audit", null));
    Await.until(
        "the request removed once recorded",
        () -> {
          ReplicaGate g =
              admin
                  .resources(ReplicaGate.class)
                  .inNamespace(TestGates.NAMESPACE)
                  .withName(TestGates.GATE)
                  .get();
          return g.getMetadata().getAnnotations() == null
              || !g.getMetadata().getAnnotations().containsKey(holdRequest);
        });
    Await.result(app.stop()); // releases the Lease
    app = null;

    List<String> notAboutResources = new ArrayList<>();
    Set<Permission> made = new TreeSet<>();
    for (RecordedRequest request : api.requests()) {
      if (!USER_AGENT.equals(request.getHeader("User-Agent"))) {
        continue; // the test's own set-up and inspection
      }
      ApiRequests.permission(request.getMethod(), request.getPath())
          .ifPresentOrElse(made::add, () -> notAboutResources.add(request.getRequestLine()));
    }
    Set<Permission> declared =
        RbacCheck.needed(ControllerApiCalls.ALL, args.namespaces(), args.leaseNamespace());

    assertThat(notAboutResources).as("requests outside the resource API").isEmpty();
    assertThat(RbacCheck.missing(made, declared))
        .as("calls the controller made that ControllerApiCalls does not declare")
        .isEmpty();
    assertThat(
            RbacCheck.missing(
                made,
                RbacCheck.granted(
                    install.objects(),
                    new RbacCheck.Account(
                        deployment.getMetadata().getNamespace(),
                        deployment.getSpec().getTemplate().getSpec().getServiceAccountName()))))
        .as("calls this install's RBAC would refuse")
        .isEmpty();
    assertThat(neverMade(declared, made))
        .as("declared calls the controller never made")
        .containsExactly("update syncgate.io/replicagates/finalizers");
  }

  /** Declared verb-on-resource pairs with no request at all, in any namespace. */
  private static List<String> neverMade(Set<Permission> declared, Set<Permission> made) {
    List<String> out = new ArrayList<>();
    for (Permission d : declared) {
      boolean seen =
          made.stream()
              .anyMatch(
                  m ->
                      m.group().equals(d.group())
                          && m.resource().equals(d.resource())
                          && m.verb().equals(d.verb()));
      if (!seen) {
        out.add(d.verb() + " " + (d.group().isEmpty() ? "core" : d.group()) + "/" + d.resource());
      }
    }
    return out;
  }
}
