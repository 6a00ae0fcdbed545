package io.syncgate.controller.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.syncgate.controller.deploy.ControllerApiCalls.ApiCall;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what a set of RBAC objects grants a service account with what the controller needs, in
 * both directions: every needed permission granted, nothing granted that is not needed.
 */
final class RbacCheck {

  /** Every namespace: a permission that a ClusterRoleBinding grants, or a call to all of them. */
  static final String ALL_NAMESPACES = "*";

  /** {@code verb} on {@code group}/{@code resource} in {@code namespace} (or in all: "*"). */
  record Permission(String namespace, String group, String resource, String verb)
      implements Comparable<Permission> {
    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + " in "
          + (namespace.equals(ALL_NAMESPACES) ? "all namespaces" : "namespace " + namespace);
    }
  }

  /** The service account the controller runs as. */
  record Account(String namespace, String name) {}

  private RbacCheck() {}

  /**
   * What the controller needs when it watches {@code watchedNamespaces} (empty: all) and holds its
   * Lease in {@code leaseNamespace}.
   */
  static Set<Permission> needed(
      Collection<ApiCall> calls, List<String> watchedNamespaces, String leaseNamespace) {
    List<String> watched =
        watchedNamespaces.isEmpty() ? List.of(ALL_NAMESPACES) : watchedNamespaces;
    Set<Permission> out = new TreeSet<>();
    for (ApiCall call : calls) {
      List<String> where =
          switch (call.scope()) {
            case WATCHED_NAMESPACES -> watched;
            case LEASE_NAMESPACE -> List.of(leaseNamespace);
          };
      for (String namespace : where) {
        out.add(new Permission(namespace, call.group(), call.resource(), call.verb()));
      }
    }
    return out;
  }

  /**
   * What {@code objects} grant {@code account}: the rules of every ClusterRole bound by a
   * ClusterRoleBinding (all namespaces) and of every Role or ClusterRole bound by a RoleBinding
   * (that binding's namespace).
   *
   * @throws IllegalArgumentException for a binding to a role that is not among {@code objects}, or
   *     a rule this check does not model (wildcards, resourceNames, nonResourceURLs): none of those
   *     belongs in least-privilege RBAC for this controller
   */
  static Set<Permission> granted(List<HasMetadata> objects, Account account) {
    Set<Permission> out = new TreeSet<>();
    for (HasMetadata object : objects) {
      if (object instanceof ClusterRoleBinding binding && binds(binding.getSubjects(), account)) {
        out.addAll(expand(ALL_NAMESPACES, rulesOf(objects, binding.getRoleRef(), null), binding));
      } else if (object instanceof RoleBinding binding && binds(binding.getSubjects(), account)) {
        String namespace = binding.getMetadata().getNamespace();
        out.addAll(expand(namespace, rulesOf(objects, binding.getRoleRef(), namespace), binding));
      }
    }
    return out;
  }

  /** Needed permissions that nothing grants. */
  static List<String> missing(Set<Permission> needed, Set<Permission> granted) {
    List<String> out = new ArrayList<>();
    for (Permission need : needed) {
      boolean covered =
          granted.stream()
              .anyMatch(
                  g ->
                      sameAction(g, need)
                          && (g.namespace().equals(ALL_NAMESPACES)
                              || g.namespace().equals(need.namespace())));
      if (!covered) {
        out.add(need.toString());
      }
    }
    return out;
  }

  /**
   * Granted permissions that no call needs in that scope: a permission on a resource the controller
   * never touches, a verb it never uses, or one granted cluster-wide where only one namespace needs
   * it.
   */
  static List<String> excess(Set<Permission> needed, Set<Permission> granted) {
    List<String> out = new ArrayList<>();
    for (Permission grant : granted) {
      boolean used =
          needed.stream()
              .anyMatch(n -> sameAction(grant, n) && n.namespace().equals(grant.namespace()));
      if (!used) {
        out.add(grant.toString());
      }
    }
    return out;
  }

  private static boolean sameAction(Permission a, Permission b) {
    return a.group().equals(b.group())
        && a.resource().equals(b.resource())
        && a.verb().equals(b.verb());
  }

  private static boolean binds(List<Subject> subjects, Account account) {
    return subjects != null
        && subjects.stream()
            .anyMatch(
                s ->
                    "ServiceAccount".equals(s.getKind())
                        && account.name().equals(s.getName())
                        && account.namespace().equals(s.getNamespace()));
  }

  private static List<PolicyRule> rulesOf(
      List<HasMetadata> objects, RoleRef ref, String bindingNamespace) {
    if (!"rbac.authorization.k8s.io".equals(ref.getApiGroup())) {
      throw new IllegalArgumentException("roleRef of an unexpected apiGroup: " + ref);
    }
    for (HasMetadata object : objects) {
      if (!object.getMetadata().getName().equals(ref.getName())) {
        continue;
      }
      if ("ClusterRole".equals(ref.getKind()) && object instanceof ClusterRole role) {
        return role.getRules();
      }
      if ("Role".equals(ref.getKind())
          && object instanceof Role role
          && role.getMetadata().getNamespace().equals(bindingNamespace)) {
        return role.getRules();
      }
    }
    throw new IllegalArgumentException(
        "binding refers to "
            + ref.getKind()
            + " "
            + ref.getName()
            + (bindingNamespace == null ? "" : " in " + bindingNamespace)
            + ", which is not among the manifests");
  }

  private static List<Permission> expand(
      String namespace, List<PolicyRule> rules, HasMetadata binding) {
    List<Permission> out = new ArrayList<>();
    for (PolicyRule rule : rules) {
      String where = binding.getKind() + " " + binding.getMetadata().getName() + ": " + rule;
      if (!rule.getResourceNames().isEmpty() || !rule.getNonResourceURLs().isEmpty()) {
        throw new IllegalArgumentException("rule not modelled by this check: " + where);
      }
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            if (group.equals("*") || resource.contains("*") || verb.equals("*")) {
              throw new IllegalArgumentException("wildcard in least-privilege RBAC: " + where);
            }
            out.add(new Permission(namespace, group, resource, verb));
          }
        }
      }
    }
    return out;
  }
}
