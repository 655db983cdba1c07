package dev.fivefold.cli;

import dev.fivefold.compress.mdl.MixturePrior;
import dev.fivefold.compress.mdl.SoftWeightSharing;
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

/**
 * The pictures of {@code compress --method sws}, next to the archive M.ffz:
 * <ul>
 *   <li>{@code M-prior.png}: the weight histogram (log counts) before and after retraining, each with
 *       its mixture prior scaled to counts (n · bin width · p(w)): the initial prior over the trained
 *       weights and the learned prior over the retrained ones (Ullrich et al. 2017, Fig. 1 top/side);
 *   <li>{@code M-movement.png}: every weight's value after retraining against its value before
 *       (a deterministic sample of at most 20,000), with the merged components' means as horizontal
 *       lines (Fig. 1's scatter).
 * </ul>
 */
final class SoftWeightSharingCharts {
  private SoftWeightSharingCharts() {}

  static final int BINS = 200;
  static final int SCATTER = 20_000;

  /** Writes both charts next to {@code archive}; returns the files written. */
  static List<Path> write(Path archive, SoftWeightSharing.Result r) throws IOException {
    String stem = archive.getFileName().toString().replaceFirst("\\.ffz$", "");
    Path dir = archive.toAbsolutePath().getParent();
    List<Path> out = new ArrayList<>();
    Path prior = dir.resolve(stem + "-prior.png");
    Path movement = dir.resolve(stem + "-movement.png");
    List<Charts.Series> s = new ArrayList<>();
    s.addAll(histogramAndPrior("before", r.weightsBefore(), r.initial()));
    s.addAll(histogramAndPrior("after", r.weightsAfter(), r.learned()));
    Charts.logChart(prior, "Soft weight-sharing: weights and mixture prior before and after retraining", "weight", "count (log)", s);
    out.add(prior);
    if (movement(movement, r)) out.add(movement);
    return out;
  }

  /** The histogram of {@code w} and the density of {@code m} scaled to counts over the same bins. */
  static List<Charts.Series> histogramAndPrior(String label, float[] w, MixturePrior.Mixture m) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (float v : w) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) hi = lo + 1e-3;
    double width = (hi - lo) / BINS;
    long[] count = new long[BINS];
    for (float v : w) count[Math.min(BINS - 1, (int) ((v - lo) / width))]++;
    List<double[]> hist = new ArrayList<>(), dens = new ArrayList<>();
    for (int b = 0; b < BINS; b++) {
      double x = lo + (b + 0.5) * width;
      hist.add(new double[] {x, count[b]});
      dens.add(new double[] {x, w.length * width * Math.exp(m.logDensity(x))});
    }
    return List.of(new Charts.Series("weights " + label, hist, false), new Charts.Series("prior " + label, dens, false));
  }

  /** The scatter of after against before; false if there are no weights. */
  static boolean movement(Path file, SoftWeightSharing.Result r) throws IOException {
    float[] a = r.weightsBefore(), b = r.weightsAfter();
    if (a.length == 0) return false;
    int every = Math.max(1, (a.length + SCATTER - 1) / SCATTER);
    int n = (a.length + every - 1) / every;
    double[] x = new double[n], y = new double[n];
    for (int i = 0, k = 0; i < a.length; i += every, k++) {
      x[k] = a[i];
      y[k] = b[i];
    }
    XYChart chart = new XYChartBuilder().width(800).height(700).title("Soft weight-sharing: weights before and after retraining")
        .xAxisTitle("weight before (trained checkpoint)").yAxisTitle("weight after retraining with the prior").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    chart.getStyler().setMarkerSize(2);
    XYSeries pts = chart.addSeries("weights (every " + every + ")", x, y);
    pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    pts.setMarker(SeriesMarkers.CIRCLE);
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    MixturePrior.Mixture m = r.merged();
    for (int j = 0; j < m.size(); j++) {
      XYSeries line = chart.addSeries(String.format(java.util.Locale.ROOT, j == 0 ? "zero (pruned)" : "mean %.4f", m.means()[j]),
          new double[] {lo, hi}, new double[] {m.means()[j], m.means()[j]});
      line.setMarker(SeriesMarkers.NONE);
    }
    AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    return true;
  }
}
