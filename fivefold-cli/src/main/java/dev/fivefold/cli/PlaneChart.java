package dev.fivefold.cli;

import dev.fivefold.info.InformationPlane;
import dev.fivefold.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The information-plane PNG: I(X;T) on x, I(T;Y) on y; per layer a grey line through its epochs
 * (in the legend), and the points of each measured epoch in one colour from dark blue (first) to
 * yellow (last), as in Shwartz-Ziv &amp; Tishby's figure 2.
 */
final class PlaneChart {
  private PlaneChart() {}

  static void write(Path file, String title, List<InformationPlane.Point> points) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle("I(X;T) bits").yAxisTitle("I(T;Y) bits").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    int layers = points.stream().mapToInt(InformationPlane.Point::layer).max().orElse(0);
    int[] epochs = points.stream().mapToInt(InformationPlane.Point::epoch).distinct().sorted().toArray();
    for (int l = 1; l <= layers; l++) {
      final int layer = l;
      List<InformationPlane.Point> ps = points.stream().filter(p -> p.layer() == layer).toList();
      XYSeries s = chart.addSeries("layer " + l + (l == layers ? " (softmax)" : ""),
          ps.stream().mapToDouble(InformationPlane.Point::ixt).toArray(), ps.stream().mapToDouble(InformationPlane.Point::ity).toArray());
      s.setMarker(SeriesMarkers.NONE);
      float g = 0.25f + 0.5f * (l - 1) / Math.max(1, layers - 1);
      s.setLineColor(new Color(g, g, g));
    }
    for (int i = 0; i < epochs.length; i++) {
      final int e = epochs[i];
      List<InformationPlane.Point> ps = points.stream().filter(p -> p.epoch() == e).toList();
      XYSeries s = chart.addSeries("epoch " + e, ps.stream().mapToDouble(InformationPlane.Point::ixt).toArray(),
          ps.stream().mapToDouble(InformationPlane.Point::ity).toArray());
      s.setShowInLegend(i == 0 || i == epochs.length - 1);
      s.setLineWidth(0f);
      s.setLineColor(new Color(0, 0, 0, 0));
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(colour(epochs.length == 1 ? 1 : i / (double) (epochs.length - 1)));
    }
    AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }

  /** Dark blue (t = 0) through teal to yellow (t = 1), a viridis-like ramp. */
  static Color colour(double t) {
    float[][] stops = {{0.27f, 0.00f, 0.33f}, {0.13f, 0.57f, 0.55f}, {0.99f, 0.91f, 0.14f}};
    double u = Math.max(0, Math.min(1, t)) * 2;
    int i = Math.min(1, (int) u);
    float f = (float) (u - i);
    return new Color(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]), stops[i][1] + f * (stops[i + 1][1] - stops[i][1]),
        stops[i][2] + f * (stops[i + 1][2] - stops[i][2]));
  }
}
