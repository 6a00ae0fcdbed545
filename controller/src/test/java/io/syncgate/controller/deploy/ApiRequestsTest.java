package io.syncgate.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgate.controller.deploy.RbacCheck.Permission;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiRequestsTest {

  @Test
  void collectionsAreListedOrWatchedAndNamedObjectsAreGot() {
    assertThat(
            ApiRequests.permission(
                "GET", "/apis/syncgate.io/v1alpha1/replicagates?resourceVersion=0"))
        .contains(new Permission("*", "syncgate.io", "replicagates", "list"));
    assertThat(
            ApiRequests.permission(
                "GET",
                "/apis/syncgate.io/v1alpha1/replicagates?allowWatchBookmarks=true&watch=true"))
        .contains(new Permission("*", "syncgate.io", "replicagates", "watch"));
    assertThat(
            ApiRequests.permission("GET", "/api/v1/namespaces/db/pods?labelSelector=a%3Db&watch=1"))
        .contains(new Permission("db", "", "pods", "watch"));
    assertThat(ApiRequests.permission("GET", "/api/v1/namespaces/db/secrets/hippo-auth"))
        .contains(new Permission("db", "", "secrets", "get"));
  }

  @Test
  void writesMapToCreateUpdatePatchAndSubresourcesKeepTheirName() {
    assertThat(ApiRequests.permission("POST", "/api/v1/namespaces/db/events"))
        .contains(new Permission("db", "", "events", "create"));
    assertThat(
            ApiRequests.permission(
                "PUT", "/apis/syncgate.io/v1alpha1/namespaces/db/replicagates/g/status"))
        .contains(new Permission("db", "syncgate.io", "replicagates/status", "update"));
    assertThat(
            ApiRequests.permission(
                "PATCH",
                "/apis/coordination.k8s.io/v1/namespaces/syncgate-system/leases/syncgate-controller"))
        .contains(new Permission("syncgate-system", "coordination.k8s.io", "leases", "patch"));
    assertThat(ApiRequests.permission("DELETE", "/api/v1/namespaces/db/pods"))
        .contains(new Permission("db", "", "pods", "deletecollection"));
  }

  @Test
  void discoveryAndVersionAreNotAboutResources() {
    assertThat(ApiRequests.permission("GET", "/version")).isEqualTo(Optional.empty());
    assertThat(ApiRequests.permission("GET", "/apis/networking.istio.io/v1")).isEmpty();
    assertThat(ApiRequests.permission("GET", "/api")).isEmpty();
  }

  @Test
  void aNamespaceItselfIsAClusterScopedObject() {
    assertThat(ApiRequests.permission("GET", "/api/v1/namespaces/db"))
        .contains(new Permission("*", "", "namespaces", "get"));
  }
}
