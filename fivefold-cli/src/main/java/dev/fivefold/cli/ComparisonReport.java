package dev.fivefold.cli;

import dev.fivefold.compress.mdl.MethodComparison;
import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code compress --compare}'s table (terminal and CSV) and its Pareto chart, from a {@link MethodComparison.Result}. */
final class ComparisonReport {
  private ComparisonReport() {}

  private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
      SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS};

  /** The measured rows grouped by model family (families in order of first appearance, rows in the order given), then the papers' rows. */
  static Table table(MethodComparison.Result r) {
    Table t = new Table("model", "method", "archive", "bytes", "ratio", "kept", "bits/kept", "accuracy", "model bits", "data bits", "total bits",
        "time s", "pareto");
    for (MethodComparison.Row w : grouped(r.rows())) {
      t.add(w.family(), w.method(), w.file().getFileName(), String.format(Locale.ROOT, "%,d", w.bytes()), String.format(Locale.ROOT, "%.1fx", w.ratio()),
          String.format(Locale.ROOT, "%.2f%%", 100.0 * w.kept() / Math.max(1, w.weights())), String.format(Locale.ROOT, "%.2f", w.bitsPerKeptWeight()),
          String.format(Locale.ROOT, "%.4f", w.accuracy()), String.format(Locale.ROOT, "%,d", w.code().modelBits()),
          String.format(Locale.ROOT, "%,.0f", w.code().dataBits()), String.format(Locale.ROOT, "%,.0f", w.code().totalBits()),
          Double.isNaN(w.seconds()) ? "-" : String.format(Locale.ROOT, "%.0f", w.seconds()), r.front().contains(w) ? "*" : "");
    }
    for (MethodComparison.Reference p : r.papers()) {
      t.add(p.model(), p.method(), p.note(), "-", Double.isNaN(p.ratio()) ? "-" : String.format(Locale.ROOT, "%.0fx", p.ratio()), "-", "-", "-", "-", "-",
          "-", "-", "");
    }
    return t;
  }

  /** Rows grouped by family, families in order of first appearance. */
  static List<MethodComparison.Row> grouped(List<MethodComparison.Row> rows) {
    Map<String, Integer> order = new LinkedHashMap<>();
    for (MethodComparison.Row w : rows) order.putIfAbsent(w.family(), order.size());
    List<MethodComparison.Row> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(w -> order.get(w.family()))); // stable
    return out;
  }

  /**
   * Accuracy against archive size (log x): one marker style per method (and family), the Pareto front
   * as a line through its points. Written atomically.
   */
  static void chart(Path file, MethodComparison.Result r) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(550).title("Accuracy against archive size (Pareto front: the line)")
        .xAxisTitle("archive bytes (log)").yAxisTitle("test accuracy").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setXAxisDecimalPattern("#,##0");
    Map<String, List<MethodComparison.Row>> byMethod = new LinkedHashMap<>();
    for (MethodComparison.Row w : grouped(r.rows())) byMethod.computeIfAbsent(w.family() + " " + w.method(), k -> new ArrayList<>()).add(w);
    int i = 0;
    for (var e : byMethod.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(MethodComparison.Row::bytes).toArray();
      double[] y = e.getValue().stream().mapToDouble(MethodComparison.Row::accuracy).toArray();
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(MARKERS[i++ % MARKERS.length]);
    }
    double[] fx = r.front().stream().mapToDouble(MethodComparison.Row::bytes).toArray();
    double[] fy = r.front().stream().mapToDouble(MethodComparison.Row::accuracy).toArray();
    XYSeries f = chart.addSeries("Pareto front", fx, fy);
    f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    f.setMarker(SeriesMarkers.NONE);
    f.setLineColor(java.awt.Color.BLACK);
    AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }
}
