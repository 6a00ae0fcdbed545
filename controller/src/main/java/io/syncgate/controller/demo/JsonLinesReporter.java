package io.syncgate.controller.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * One JSON object per line and per event, for scripts: {@code {"event":"replica","t":4.213,…}}.
 * Nothing else is written to its stream.
 */
final class JsonLinesReporter implements DemoReporter {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final PrintWriter out;

  JsonLinesReporter(PrintWriter out) {
    this.out = out;
  }

  @Override
  public synchronized void report(DemoEvent event) {
    out.println(line(event));
    out.flush();
  }

  /** The event as one line of JSON, {@code event} first. */
  static String line(DemoEvent event) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("event", event.event());
    node.setAll((ObjectNode) MAPPER.valueToTree(event));
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree of plain values always serializes; anything here is a bug.
      throw new UncheckedIOException(e);
    }
  }
}
