package io.syncgate.controller.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.syncgate.policy.gating.PatroniRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Renders the JSON bodies of Patroni 3.0.2's REST API byte for byte: same key order, same
 * separators as Python's {@code json.dumps} ({@code ", "} and {@code ": "}), non-ASCII escaped.
 */
public final class PatroniJson {

  /** One row of a leader's {@code replication} list ({@code pg_stat_replication}). */
  public record Replication(String applicationName, String clientAddr) {}

  /** One entry of {@code GET /cluster}'s {@code members}; {@code lag} null for the leader. */
  record ClusterMember(
      String name,
      String role,
      String state,
      String apiUrl,
      String host,
      int port,
      Long timeline,
      Long lag) {}

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private PatroniJson() {}

  /** The body of {@code GET /patroni} (and {@code /replica}) for one member, without its name. */
  public static byte[] patroni(
      MemberState s,
      String scope,
      String systemIdentifier,
      long dcsLastSeenEpochSecond,
      List<Replication> replication) {
    return patroni(s, null, scope, systemIdentifier, dcsLastSeenEpochSecond, replication);
  }

  /**
   * The body of {@code GET /patroni} (and {@code /replica}) for one member: from Patroni 4.0,
   * {@code patroni.name} is the member's {@code name} (left out when null).
   */
  public static byte[] patroni(
      MemberState s,
      String name,
      String scope,
      String systemIdentifier,
      long dcsLastSeenEpochSecond,
      List<Replication> replication) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("state", s.state());
          if (s.postgresQueried()) {
            g.writeStringField("postmaster_start_time", timestamp(s.postmasterStartTime()));
            g.writeStringField("role", s.patroniRoleName());
            g.writeNumberField("server_version", s.serverVersion());
            g.writeObjectFieldStart("xlog");
            if (s.role() == PatroniRole.LEADER) {
              g.writeNumberField("location", s.location());
            } else {
              g.writeNumberField("received_location", s.receivedLocation());
              g.writeNumberField("replayed_location", s.replayedLocation());
              if (s.replayedTimestamp() == null) {
                g.writeNullField("replayed_timestamp");
              } else {
                g.writeStringField("replayed_timestamp", timestamp(s.replayedTimestamp()));
              }
              g.writeBooleanField("paused", s.paused());
            }
            g.writeEndObject();
            g.writeNumberField("timeline", s.timeline());
            if (s.role() == PatroniRole.LEADER && !replication.isEmpty()) {
              g.writeArrayFieldStart("replication");
              for (Replication r : replication) {
                g.writeStartObject();
                g.writeStringField("usename", "replicator");
                g.writeStringField("application_name", r.applicationName());
                g.writeStringField("client_addr", r.clientAddr());
                g.writeStringField("state", "streaming");
                g.writeStringField("sync_state", "async");
                g.writeNumberField("sync_priority", 0);
                g.writeEndObject();
              }
              g.writeEndArray();
            }
            if (s.replicationState() != null && s.role() != PatroniRole.LEADER) {
              g.writeStringField("replication_state", s.replicationState());
            }
          } else {
            g.writeStringField("role", s.patroniRoleName());
          }
          g.writeNumberField("dcs_last_seen", dcsLastSeenEpochSecond);
          g.writeStringField("database_system_identifier", systemIdentifier);
          g.writeObjectFieldStart("patroni");
          g.writeStringField("version", s.patroniVersion());
          g.writeStringField("scope", scope);
          if (name != null && s.patroniMajorVersion() >= 4) {
            g.writeStringField("name", name);
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** The body of {@code GET /cluster}. */
  static byte[] cluster(List<ClusterMember> members) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("members");
          for (ClusterMember m : members) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeStringField("role", m.role());
            g.writeStringField("state", m.state());
            g.writeStringField("api_url", m.apiUrl());
            g.writeStringField("host", m.host());
            g.writeNumberField("port", m.port());
            if (m.timeline() != null) {
              g.writeNumberField("timeline", m.timeline());
            }
            if (m.lag() != null) {
              g.writeNumberField("lag", m.lag());
            }
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * A timestamp the way Patroni prints one ({@code str(datetime)} in UTC): {@code 2026-11-28
   * 16:40:28.985406+00:00}; like Python, the fraction is left out when it is zero.
   */
  static String timestamp(Instant instant) {
    StringBuilder out = new StringBuilder(32).append(SECONDS.format(instant));
    int micros = instant.getNano() / 1000;
    if (micros != 0) {
      String digits = Integer.toString(micros);
      out.append('.').append("000000", 0, 6 - digits.length()).append(digits);
    }
    return out.append("+00:00").toString();
  }

  private interface Body {
    void writeTo(JsonGenerator generator) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(new PythonSeparators());
      body.writeTo(g);
    } catch (IOException e) {
      // Writing to memory cannot fail; anything here is a bug.
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Python's {@code json.dumps} default separators: {@code ", "} between items, {@code ": "}. */
  private static final class PythonSeparators extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
