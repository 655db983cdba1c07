package dev.fivefold.info;

import dev.fivefold.tensor.Tensor;
import java.util.Arrays;

/**
 * Activations {@code [n, d]} to discrete labels by binning each dimension, so that {@link Discrete}
 * estimators (e.g. {@link Discrete#mutualInformation(int[], int[])} with class labels, as in
 * Shwartz-Ziv &amp; Tishby 2017) apply to them.
 *
 * <p>A sample's code is its tuple of per-dimension bin indices; tuples are mapped to dense labels
 * {@code 0..K-1} in order of first appearance (exactly, by a hash map: distinct tuples never share
 * a label). Two binnings:
 *
 * <ul>
 *   <li>fixed width: {@code bins} equal intervals over {@code [lo, hi]} (given, or the observed
 *       per-dimension range); values outside the range go to the first or last bin;
 *   <li>equal mass (quantile): per dimension, the sample with rank r (0-based, ties sharing the rank
 *       of their first) goes to bin {@code floor(r · bins / n)}.
 * </ul>
 *
 * <p>Bias: MI of binned values is at most the MI of the values (data processing) and approaches it
 * as bins get finer, but the plug-in estimate then gains a positive bias of about {@code
 * (Kx-1)(Ky-1)/(2N ln 2)} bits, and once bins hold single samples every deterministic map looks
 * like {@code log2 N} bits. The estimate depends strongly on the number of bins (Saxe et al. 2018,
 * appendix); with d dimensions the number of cells grows as {@code bins^d}.
 */
public final class Binning {
  private Binning() {}

  /**
   * Fixed-width labels over {@code [lo, hi]} for every dimension: dimension value v goes to bin
   * {@code floor((v - lo) / (hi - lo) · bins)}, clamped to {@code [0, bins-1]}.
   *
   * @throws IllegalArgumentException on empty, ragged or non-finite samples, {@code bins < 2}, or a
   *     range that is not finite with {@code lo < hi}
   * @param x the samples {@code [n][d]}
   * @param bins bins per dimension, &ge; 2
   * @param lo the range's lower end
   * @param hi the range's upper end
   * @return n dense labels in {@code 0..K-1}
   */
  public static int[] fixedWidth(float[][] x, int bins, double lo, double hi) {
    int d = Check.dims(x, "x");
    Check.bins(bins);
    if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
      throw new IllegalArgumentException("range [lo, hi] ([" + lo + ", " + hi + "]) must be finite with lo < hi");
    }
    double[] los = new double[d], his = new double[d];
    Arrays.fill(los, lo);
    Arrays.fill(his, hi);
    return fixedWidth(x, bins, los, his);
  }

  /**
   * Fixed-width labels over each dimension's observed range {@code [min, max]}; a constant dimension
   * puts every sample in bin 0.
   *
   * @throws IllegalArgumentException on empty, ragged or non-finite samples, or {@code bins < 2}
   * @param x the samples {@code [n][d]}
   * @param bins bins per dimension, &ge; 2
   * @return n dense labels in {@code 0..K-1}
   */
  public static int[] fixedWidth(float[][] x, int bins) {
    int d = Check.dims(x, "x");
    Check.bins(bins);
    double[] lo = new double[d], hi = new double[d];
    Arrays.fill(lo, Double.POSITIVE_INFINITY);
    Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        lo[j] = Math.min(lo[j], row[j]);
        hi[j] = Math.max(hi[j], row[j]);
      }
    }
    return fixedWidth(x, bins, lo, hi);
  }

  /**
   * Equal-mass (quantile) labels: per dimension about {@code n / bins} samples per bin; equal values
   * always share a bin.
   *
   * @throws IllegalArgumentException on empty, ragged or non-finite samples, or {@code bins < 2}
   * @param x the samples {@code [n][d]}
   * @param bins bins per dimension, &ge; 2
   * @return n dense labels in {@code 0..K-1}
   */
  public static int[] equalMass(float[][] x, int bins) {
    int d = Check.dims(x, "x");
    Check.bins(bins);
    int n = x.length;
    int[][] codes = new int[d][n];
    Integer[] order = new Integer[n];
    for (int j = 0; j < d; j++) {
      final int dim = j;
      for (int i = 0; i < n; i++) order[i] = i;
      Arrays.sort(order, (a, b) -> Float.compare(x[a][dim], x[b][dim]));
      int rank = 0;
      for (int r = 0; r < n; r++) {
        if (r > 0 && x[order[r]][dim] != x[order[r - 1]][dim]) rank = r;
        codes[j][order[r]] = (int) ((long) rank * bins / n);
      }
    }
    return tuples(codes, n);
  }

  /**
   * {@link #fixedWidth(float[][], int)} for a tensor {@code [n, d]}.
   *
   * @param x the samples {@code [n, d]}
   * @param bins bins per dimension, &ge; 2
   * @return n dense labels in {@code 0..K-1}
   */
  public static int[] fixedWidth(Tensor x, int bins) {
    return fixedWidth(Check.rows(x, "x"), bins);
  }

  /**
   * {@link #fixedWidth(float[][], int, double, double)} for a tensor {@code [n, d]}.
   *
   * @param x the samples {@code [n, d]}
   * @param bins bins per dimension, &ge; 2
   * @param lo the range's lower end
   * @param hi the range's upper end
   * @return n dense labels in {@code 0..K-1}
   */
  public static int[] fixedWidth(Tensor x, int bins, double lo, double hi) {
    return fixedWidth(Check.rows(x, "x"), bins, lo, hi);
  }

  /**
   * {@link #equalMass(float[][], int)} for a tensor {@code [n, d]}.
   *
   * @param x the samples {@code [n, d]}
   * @param bins bins per dimension, &ge; 2
   * @return n dense labels in {@code 0..K-1}
   */
  public static int[] equalMass(Tensor x, int bins) {
    return equalMass(Check.rows(x, "x"), bins);
  }

  private static int[] fixedWidth(float[][] x, int bins, double[] lo, double[] hi) {
    int n = x.length, d = lo.length;
    int[][] codes = new int[d][n];
    for (int j = 0; j < d; j++) {
      double w = hi[j] - lo[j];
      for (int i = 0; i < n; i++) {
        int b = w > 0 ? (int) Math.floor((x[i][j] - lo[j]) / w * bins) : 0;
        codes[j][i] = Math.min(bins - 1, Math.max(0, b));
      }
    }
    return tuples(codes, n);
  }

  /** Dense labels of the tuples {@code (codes[0][i], ..., codes[d-1][i])}, one dimension at a time. */
  private static int[] tuples(int[][] codes, int n) {
    int[] label = codes[0];
    if (codes.length == 1) label = Discrete.join(label, new int[n]);
    for (int j = 1; j < codes.length; j++) label = Discrete.join(label, codes[j]);
    return label;
  }
}
