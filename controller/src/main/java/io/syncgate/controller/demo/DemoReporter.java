package io.syncgate.controller.demo;

import java.io.PrintWriter;

/** Prints the demo's events; safe to call from any thread, events come out whole and in order. */
public interface DemoReporter {

  void report(DemoEvent event);

  /** The reporter for {@code output}, printing to {@code out}. */
  static DemoReporter of(DemoSettings.Output output, PrintWriter out) {
    return switch (output) {
      case TEXT -> new TextReporter(out);
      case JSON -> new JsonLinesReporter(out);
    };
  }
}
