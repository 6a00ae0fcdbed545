package io.syncgate.controller.deploy;

import io.syncgate.controller.deploy.RbacCheck.Permission;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What RBAC checks for one HTTP request to the API server: verb, group, resource, namespace. */
final class ApiRequests {

  private ApiRequests() {}

  /**
   * The permission the API server's authorizer asks for to serve {@code method path}, or empty for
   * a request that is not about a resource (discovery, {@code /version}).
   *
   * <p>Following the API server's request-info rules: a GET of a collection is {@code list}, or
   * {@code watch} with {@code watch=true}; of a named object {@code get}; POST is {@code create},
   * PUT {@code update}, PATCH {@code patch}; a subresource is written {@code resource/sub}; a
   * request outside {@code /namespaces/{ns}} spans all namespaces ("*").
   */
  static Optional<Permission> permission(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    List<String> parts =
        Arrays.stream(uri.getRawPath().split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    int at;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      at = 2; // api/v1
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      at = 3; // apis/{group}/{version}
    } else {
      return Optional.empty();
    }
    List<String> rest = parts.subList(at, parts.size());
    if (rest.isEmpty()) {
      return Optional.empty(); // discovery of a group version
    }
    String namespace = RbacCheck.ALL_NAMESPACES;
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    if (rest.size() > 2) {
      resource = resource + "/" + rest.get(2);
    }
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    boolean watch = ("&" + query + "&").matches(".*&watch=(true|1)&.*");
    String verb =
        switch (method) {
          case "GET" -> name != null ? "get" : (watch ? "watch" : "list");
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> throw new IllegalArgumentException("unexpected method " + method);
        };
    return Optional.of(new Permission(namespace, group, resource, verb));
  }
}
