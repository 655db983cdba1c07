package dev.fivefold.cli;

import java.util.ArrayList;
import java.util.List;

/** A small result table: CSV for files, aligned columns for the terminal. Cells are strings. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table add(Object... cells) {
    if (cells.length != header.size()) throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
    List<String> r = new ArrayList<>();
    for (Object c : cells) r.add(String.valueOf(c));
    rows.add(r);
    return this;
  }

  /** {@code v} with 4 decimals, "-" for NaN. */
  static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.4f", v);
  }

  /** RFC 4180: cells with a comma, quote or newline are quoted. */
  String csv() {
    StringBuilder sb = new StringBuilder();
    line(sb, header);
    for (List<String> r : rows) line(sb, r);
    return sb.toString();
  }

  /** Columns padded to their widest cell; numbers right-aligned. */
  String pretty() {
    int[] w = new int[header.size()];
    for (int c = 0; c < w.length; c++) {
      w[c] = header.get(c).length();
      for (List<String> r : rows) w[c] = Math.max(w[c], r.get(c).length());
    }
    StringBuilder sb = new StringBuilder();
    pad(sb, header, w);
    for (int c = 0; c < w.length; c++) sb.append(c == 0 ? "" : "  ").append("-".repeat(w[c]));
    sb.append('\n');
    for (List<String> r : rows) pad(sb, r, w);
    return sb.toString();
  }

  private static void pad(StringBuilder sb, List<String> r, int[] w) {
    for (int c = 0; c < w.length; c++) {
      String s = r.get(c);
      boolean num = s.matches("[-+0-9.eE%,]+") && c > 0;
      String fmt = "%" + (num ? "" : "-") + w[c] + "s";
      sb.append(c == 0 ? "" : "  ").append(String.format(fmt, s));
    }
    sb.setLength(sb.length() - (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ' ? trailing(sb) : 0));
    sb.append('\n');
  }

  private static int trailing(StringBuilder sb) {
    int n = 0;
    while (n < sb.length() && sb.charAt(sb.length() - 1 - n) == ' ') n++;
    return n;
  }

  private static void line(StringBuilder sb, List<String> r) {
    for (int c = 0; c < r.size(); c++) {
      String s = r.get(c);
      if (s.contains(",") || s.contains("\"") || s.contains("\n")) s = "\"" + s.replace("\"", "\"\"") + "\"";
      sb.append(c == 0 ? "" : ",").append(s);
    }
    sb.append('\n');
  }
}
