package io.syncgate.controller.patroni;

import java.util.Objects;

/**
 * Where one member's Patroni REST API answers: {@code <scheme>://<host>:<port>/patroni}.
 *
 * <p>{@code host} is the pod IP; it is null while the pod has none yet, and such a member is
 * reported as not polled instead of being left out.
 *
 * @param member the member's name (the pod name), which names its sample
 * @param scheme {@code http} or {@code https}
 * @param host the address to connect to, or null when the pod has no IP yet
 * @param port the Patroni REST port
 */
public record PatroniEndpoint(String member, String scheme, String host, int port) {

  public PatroniEndpoint {
    Objects.requireNonNull(member, "member");
    if (member.isBlank()) {
      throw new IllegalArgumentException("member name is blank");
    }
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("scheme must be http or https, not " + scheme);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (host != null && host.isBlank()) {
      host = null;
    }
  }

  public static PatroniEndpoint http(String member, String host, int port) {
    return new PatroniEndpoint(member, "http", host, port);
  }

  public static PatroniEndpoint https(String member, String host, int port) {
    return new PatroniEndpoint(member, "https", host, port);
  }

  public boolean tls() {
    return "https".equals(scheme);
  }

  public boolean hasAddress() {
    return host != null;
  }

  /** The URL polled, for messages; IPv6 literals are bracketed. */
  public String url() {
    String h = host == null ? "<no address>" : host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + h + ":" + port + PatroniClient.PATH;
  }
}
