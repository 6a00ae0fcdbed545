package io.syncgate.controller.ctl;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns aligned like {@code kubectl get}: a header row, cells left-aligned, three spaces between
 * columns, no trailing blanks.
 */
final class TextTable {

  private static final String GAP = "   ";

  private final List<String> header;
  private final int columns;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table with a header row. */
  TextTable(List<String> header) {
    this.header = List.copyOf(header);
    this.columns = header.size();
  }

  private TextTable(int columns) {
    this.header = null;
    this.columns = columns;
  }

  /** A table without a header row, e.g. labels and values. */
  static TextTable withoutHeader(int columns) {
    return new TextTable(columns);
  }

  /** Adds a row; {@code cells} must have as many entries as the header. */
  TextTable row(List<String> cells) {
    if (cells.size() != columns) {
      throw new IllegalArgumentException("row has " + cells.size() + " cells, not " + columns);
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  /** The header line (if any) and one line per row. */
  List<String> lines() {
    int[] widths = new int[columns];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = header == null ? 0 : width(header.get(c));
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], width(row.get(c)));
      }
    }
    List<String> out = new ArrayList<>(rows.size() + 1);
    if (header != null) {
      out.add(line(header, widths));
    }
    for (List<String> row : rows) {
      out.add(line(row, widths));
    }
    return out;
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        out.append(GAP);
      }
      String cell = cells.get(c);
      out.append(cell);
      out.append(" ".repeat(widths[c] - width(cell)));
    }
    return out.toString().stripTrailing();
  }

  /** Characters as a terminal shows them: code points, not UTF-16 units. */
  private static int width(String cell) {
    return cell.codePointCount(0, cell.length());
  }
}
