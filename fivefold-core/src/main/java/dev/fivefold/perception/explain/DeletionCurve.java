package dev.fivefold.perception.explain;

import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;

/**
 * The deletion curve (Samek et al. 2017, "most relevant first"; Petsiuk et al. 2018, RISE §4.1):
 * the pixels of each image are removed in the order of its map, most salient first, by
 * {@code steps} equal steps (step k removes the first round(k·P/steps) of the P pixels, in every
 * channel, putting {@code baseline} in their place), and the test accuracy over the images is
 * taken after each step, from fraction 0 to 1. A map that finds the evidence the model uses makes
 * the accuracy fall faster than removing pixels in a random order ({@link #random}): a smaller area
 * under the curve. Ties in a map keep the pixels' order (a stable sort), so a constant map removes
 * pixels row by row.
 */
public final class DeletionCurve {
  private DeletionCurve() {}

  /**
   * Accuracy and target probability as ever more pixels are removed in one order.
   *
   * @param name the order's name (a method, or "random")
   * @param fractions removed fractions 0, 1/steps, …, 1
   * @param accuracy accuracy on the images after removing each fraction
   * @param probability mean softmax probability of the true class after removing each fraction
   */
  public record Curve(String name, double[] fractions, double[] accuracy, double[] probability) {
    /**
     * Area under the accuracy curve over [0, 1] (trapezoid rule).
     *
     * @return the area, in [0, 1]
     */
    public double area() {
      return trapezoid(fractions, accuracy);
    }

    /**
     * Area under the probability curve over [0, 1].
     *
     * @return the area under the mean true-class probability, in [0, 1]
     */
    public double probabilityArea() {
      return trapezoid(fractions, probability);
    }

    static double trapezoid(double[] x, double[] y) {
      double a = 0;
      for (int i = 1; i < x.length; i++) a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
      return a;
    }
  }

  /**
   * The curve of removing each image's pixels in decreasing order of {@code maps[i]} (upsampled to
   * the image's size if it is coarser).
   *
   * @param steps &ge; 1
   * @param name the curve's name, e.g. the method's label
   * @param model the classifier
   * @param x the images {@code [N, ...]}
   * @param labels their true classes
   * @param maps one attribution map per image
   * @param baseline the value removed pixels take
   * @return the curve at fractions 0, 1/steps, …, 1
   * @throws IllegalArgumentException if the counts of maps, labels and images differ or {@code steps < 1}
   */
  public static Curve of(String name, Module model, Tensor x, int[] labels, Heatmap[] maps, int steps, float baseline) {
    Probe p = new Probe(model);
    int n = p.count(x);
    if (maps.length != n) throw new IllegalArgumentException("maps (" + maps.length + ") must be one per image (" + n + ")");
    int[][] order = new int[n][];
    for (int i = 0; i < n; i++) {
      Heatmap m = maps[i].height() == p.height && maps[i].width() == p.width ? maps[i] : maps[i].upsample(p.height, p.width);
      order[i] = descending(m.values());
    }
    return curve(name, p, x, labels, order, steps, baseline);
  }

  /**
   * The curve of removing pixels in a random order per image, from {@code new Rng(seed)}.
   *
   * @param model the classifier
   * @param x the images {@code [N, ...]}
   * @param labels their true classes
   * @param steps &ge; 1
   * @param baseline the value removed pixels take
   * @param seed the random order's seed
   * @return the curve named "random"
   */
  public static Curve random(Module model, Tensor x, int[] labels, int steps, float baseline, long seed) {
    Probe p = new Probe(model);
    int n = p.count(x);
    Rng rng = new Rng(seed);
    int[][] order = new int[n][];
    for (int i = 0; i < n; i++) {
      order[i] = new int[p.pixels()];
      for (int q = 0; q < order[i].length; q++) order[i][q] = q;
      rng.shuffle(order[i]);
    }
    return curve("random", p, x, labels, order, steps, baseline);
  }

  private static Curve curve(String name, Probe p, Tensor x, int[] labels, int[][] order, int steps, float baseline) {
    if (steps < 1) throw new IllegalArgumentException("steps (" + steps + ") must be >= 1");
    int n = order.length, pix = p.pixels(), f = p.features;
    if (labels.length != n) throw new IllegalArgumentException("labels (" + labels.length + ") must be one per image (" + n + ")");
    double[] fr = new double[steps + 1], acc = new double[steps + 1], prob = new double[steps + 1];
    float[] cur = x.data().clone();
    int removed = 0;
    for (int k = 0; k <= steps; k++) {
      int upto = (int) Math.round((double) k * pix / steps);
      for (int i = 0; i < n; i++) {
        for (int j = removed; j < upto; j++) {
          for (int c = 0; c < p.channels; c++) cur[i * f + c * pix + order[i][j]] = baseline;
        }
      }
      removed = upto;
      float[] pr = p.probabilities(cur, n);
      int[] pred = Probe.argmax(pr, n, p.classes);
      double a = 0, s = 0;
      for (int i = 0; i < n; i++) {
        if (pred[i] == labels[i]) a++;
        s += pr[i * p.classes + labels[i]];
      }
      fr[k] = (double) k / steps;
      acc[k] = n == 0 ? 0 : a / n;
      prob[k] = n == 0 ? 0 : s / n;
    }
    return new Curve(name, fr, acc, prob);
  }

  /** Indices sorted by decreasing value, ties (and NaN, last) in index order. */
  static int[] descending(float[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) idx[i] = i;
    java.util.Arrays.sort(idx, (a, b) -> {
      float x = Float.isNaN(v[a]) ? Float.NEGATIVE_INFINITY : v[a], y = Float.isNaN(v[b]) ? Float.NEGATIVE_INFINITY : v[b];
      return Float.compare(y, x);
    });
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = idx[i];
    return out;
  }
}
