package io.syncgate.controller.bench;

import io.syncgate.controller.demo.PatroniSimulator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code syncgate bench}: one {@link BenchRun} per simulator mode, then the report. */
public final class Bench {

  private Bench() {}

  /** Runs the benchmark on the calling thread, saying what it does on {@code progress}. */
  public static BenchReport run(BenchSettings settings, PrintWriter progress) throws Exception {
    List<BenchRun.Result> results = new ArrayList<>();
    for (PatroniSimulator.Mode mode : settings.modes()) {
      results.add(new BenchRun(settings, mode, progress).run());
    }
    return new BenchReport(settings, results);
  }
}
