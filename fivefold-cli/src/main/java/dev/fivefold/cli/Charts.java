package dev.fivefold.cli;

import dev.fivefold.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG line charts of a run (XChart), written atomically. */
final class Charts {
  private Charts() {}

  /** A named series of (x, y) points. */
  record Series(String name, List<double[]> points, boolean markers) {}

  /**
   * Renders a tiny chart and throws it away. AWT registers shutdown hooks when it first draws text,
   * which is refused once the JVM is shutting down; warming up at the start of a run lets the
   * Ctrl-C hook still draw the charts. Returns a thread to join.
   */
  static Thread warmUp() {
    return Thread.ofPlatform().daemon().name("fivefold-charts-warmup").start(() -> {
      try {
        XYChart c = new XYChartBuilder().width(60).height(40).title("t").xAxisTitle("x").yAxisTitle("y").build();
        c.addSeries("s", new double[] {0, 1}, new double[] {0, 1});
        BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
      } catch (RuntimeException | LinkageError | IOException ignored) {
        // reported when the real charts are written
      }
    });
  }

  /** Writes a chart of the non-empty series to {@code file}; does nothing if all are empty. */
  static boolean write(Path file, String title, String xTitle, String yTitle, List<Series> series) throws IOException {
    if (series.stream().allMatch(s -> s.points().isEmpty())) return false;
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    for (Series s : series) {
      if (s.points().isEmpty()) continue;
      double[] x = new double[s.points().size()], y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = s.points().get(i)[0];
        y[i] = s.points().get(i)[1];
      }
      XYSeries xy = chart.addSeries(s.name(), x, y);
      xy.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.writeBytes(file, png);
    return true;
  }

  /** Waits for {@link #warmUp}'s thread; an interrupt is kept as the thread's status. */
  static void join(Thread warmUp) {
    try {
      warmUp.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** At most about {@code max} evenly spaced points, always keeping the last. */
  static List<double[]> thin(List<double[]> pts, int max) {
    if (pts.size() <= max) return pts;
    int every = (pts.size() + max - 1) / max;
    List<double[]> o = new ArrayList<>();
    for (int i = 0; i < pts.size(); i += every) o.add(pts.get(i));
    if (o.getLast() != pts.getLast()) o.add(pts.getLast());
    return o;
  }

  /** (i + 1, v[i]): a per-step curve whose index i is the value after step i + 1. */
  static List<double[]> points(double[] v) {
    List<double[]> p = new ArrayList<>(v.length);
    for (int i = 0; i < v.length; i++) p.add(new double[] {i + 1, v[i]});
    return p;
  }

  /** A line chart with a logarithmic y axis; points with y ≤ 0 are left out. */
  static void logChart(Path file, String title, String xTitle, String yTitle, List<Series> series) throws IOException {
    logChart(file, title, xTitle, yTitle, series, false);
  }

  /**
   * A line chart with a logarithmic x axis ({@code logX}) or y axis; points whose coordinate on the
   * log axis is not finite and &gt; 0 are left out; nothing is written when no point is left.
   */
  static void logChart(Path file, String title, String xTitle, String yTitle, List<Series> series, boolean logX) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    if (logX) {
      chart.getStyler().setXAxisLogarithmic(true);
      chart.getStyler().setXAxisDecimalPattern("0.0E0");
    } else {
      chart.getStyler().setYAxisLogarithmic(true);
    }
    int axis = logX ? 0 : 1;
    boolean any = false;
    for (Series s : series) {
      List<double[]> p = s.points().stream().filter(q -> q[axis] > 0 && Double.isFinite(q[axis])).toList();
      if (p.isEmpty()) continue;
      double[] x = new double[p.size()], y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = p.get(i)[0];
        y[i] = p.get(i)[1];
      }
      chart.addSeries(s.name(), x, y).setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      any = true;
    }
    if (!any) return;
    AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }
}
