package dev.fivefold.perception.explain;

/**
 * Spearman's rank correlation ρ: the Pearson correlation of the values' ranks, ties given their
 * mean rank. ρ = 1 for the same order, −1 for the reverse; NaN when either input is constant (no
 * order to compare) or holds a NaN.
 */
public final class RankCorrelation {
  private RankCorrelation() {}

  /**
   * Spearman's ρ of two equally long arrays.
   *
   * @param a the first array
   * @param b the second, of the same length
   * @return ρ in [-1, 1]; NaN if either has a NaN or is constant
   * @throws IllegalArgumentException if the lengths differ
   */
  public static double spearman(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("lengths (" + a.length + ", " + b.length + ") must be equal");
    for (int i = 0; i < a.length; i++) if (Float.isNaN(a[i]) || Float.isNaN(b[i])) return Double.NaN;
    double[] ra = ranks(a), rb = ranks(b);
    int n = a.length;
    double ma = 0, mb = 0;
    for (int i = 0; i < n; i++) {
      ma += ra[i];
      mb += rb[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) {
      sab += (ra[i] - ma) * (rb[i] - mb);
      saa += (ra[i] - ma) * (ra[i] - ma);
      sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }

  /** Ranks 1..n, ties given their mean rank. */
  static double[] ranks(float[] v) {
    int n = v.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    java.util.Arrays.sort(idx, (x, y) -> Float.compare(v[x], v[y]));
    double[] r = new double[n];
    for (int i = 0; i < n;) {
      int j = i;
      while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) j++;
      double mean = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) r[idx[k]] = mean;
      i = j + 1;
    }
    return r;
  }
}
