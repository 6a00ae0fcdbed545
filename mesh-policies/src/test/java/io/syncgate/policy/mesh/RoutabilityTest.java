package io.syncgate.policy.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.policy.gating.Exclusion;
import io.syncgate.policy.gating.Exclusion.Cause;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exclusions a step gets from what the controller saw of the member pods. */
class RoutabilityTest {

  private static final List<String> MEMBERS = List.of("pg-0", "pg-1", "pg-2", "Pg.3");

  private static Exclusion mismatch(String member) {
    return new Exclusion(member, Cause.SUBSET_LABEL_MISMATCH, "label is not the pod's name");
  }

  private static Exclusion noEndpoint(String member) {
    return new Exclusion(member, Cause.NO_READY_ENDPOINT, "not a ready endpoint of pg-replicas");
  }

  @Test
  void oneExclusionPerMemberItsFirstCauseFirst() {
    List<Exclusion> out =
        Routability.exclusions(
            MEMBERS,
            List.of(mismatch("pg-1"), mismatch("Pg.3")),
            List.of(noEndpoint("pg-1"), noEndpoint("pg-2"), noEndpoint("Pg.3")),
            "pg-0",
            false);

    assertThat(out)
        .extracting(Exclusion::member, Exclusion::cause)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Pg.3", Cause.INVALID_SUBSET_NAME),
            org.assertj.core.groups.Tuple.tuple("pg-1", Cause.SUBSET_LABEL_MISMATCH),
            org.assertj.core.groups.Tuple.tuple("pg-2", Cause.NO_READY_ENDPOINT));
  }

  @Test
  void exclusionsOfPodsThatAreNotMembersAreDropped() {
    assertThat(
            Routability.exclusions(
                List.of("pg-0", "pg-1"),
                List.of(mismatch("pg-9")),
                List.of(noEndpoint("pg-8")),
                "pg-0",
                false))
        .isEmpty();
  }

  @Test
  void aLeaderWithoutEndpointIsExcludedAndToldToNameAPrimaryServiceUnlessOneIsNamed() {
    List<Exclusion> withoutPrimary =
        Routability.exclusions(
            MEMBERS.subList(0, 2), List.of(), List.of(noEndpoint("pg-0")), "pg-0", false);
    assertThat(withoutPrimary)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.member()).isEqualTo("pg-0");
              assertThat(e.detail())
                  .startsWith("not a ready endpoint of pg-replicas; it leads")
                  .endsWith("set mesh.primaryHost to the primary's own Service");
            });

    assertThat(
            Routability.exclusions(
                MEMBERS.subList(0, 2), List.of(), List.of(noEndpoint("pg-0")), "pg-0", true))
        .as("with a primary Service the leader needs no endpoint on the read host")
        .isEmpty();
  }

  @Test
  void aReplicaWithoutEndpointIsExcludedWithOrWithoutAPrimaryService() {
    for (boolean primaryService : new boolean[] {false, true}) {
      assertThat(
              Routability.exclusions(
                  MEMBERS.subList(0, 3),
                  List.of(),
                  List.of(noEndpoint("pg-2")),
                  "pg-0",
                  primaryService))
          .containsExactly(noEndpoint("pg-2"));
    }
  }
}
