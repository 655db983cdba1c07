package dev.fivefold.cli.serve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file read while it may be being written: the header names the columns; a last line
 * without its newline (a partial write) is left out, and so is a row whose cell count differs from
 * the header's. Cells that are not finite numbers are {@code null}.
 *
 * @param columns the header's names
 * @param rows numeric cells, one array per complete row
 * @param skipped rows left out (partial or malformed)
 */
public record Csv(List<String> columns, List<Double[]> rows, int skipped) {
  /** Parses {@code bytes} (UTF-8). An empty file has no columns. */
  public static Csv parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    int skipped = end + 1 < text.length() ? 1 : 0; // a partial last line
    String complete = end < 0 ? "" : text.substring(0, end);
    if (complete.isEmpty()) return new Csv(List.of(), List.of(), skipped);
    String[] lines = complete.split("\r?\n", -1);
    List<String> cols = new ArrayList<>();
    for (String c : lines[0].split(",", -1)) cols.add(c.strip());
    List<Double[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      if (f.length != cols.size()) {
        skipped++;
        continue;
      }
      Double[] r = new Double[f.length];
      for (int j = 0; j < f.length; j++) r[j] = number(f[j]);
      rows.add(r);
    }
    return new Csv(List.copyOf(cols), rows, skipped);
  }

  /** The column used as x: step (or epoch, round, iteration, k) if present, else -1 (row number). */
  public int xColumn() {
    for (String name : List.of("step", "epoch", "round", "iteration", "k")) {
      int i = columns.indexOf(name);
      if (i >= 0) return i;
    }
    return -1;
  }

  static Double number(String s) {
    try {
      double v = Double.parseDouble(s.strip());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
