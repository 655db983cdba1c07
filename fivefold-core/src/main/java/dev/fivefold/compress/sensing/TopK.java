package dev.fivefold.compress.sensing;

/**
 * The {@code k} entries of largest magnitude, the best k-term approximation in an orthonormal
 * basis (what magnitude pruning keeps). Ties are broken by position, lower first; NaN ranks as
 * the largest. Deterministic.
 */
public final class TopK {
  private TopK() {}

  /**
   * Positions of the {@code k} largest {@code |x[from..to)|} (relative to {@code from}), ascending.
   *
   * @param x the values
   * @param from the first index of the range
   * @param to one past its last index
   * @param k how many to keep, in 0..{@code to - from}
   * @return the kept positions, relative to {@code from}, ascending
   * @throws IllegalArgumentException if {@code k} is outside 0..{@code to - from}
   */
  public static int[] positions(double[] x, int from, int to, int k) {
    int n = to - from;
    if (k < 0 || k > n) throw new IllegalArgumentException("k (" + k + ") must be in 0.." + n);
    // key: |x| bits (sortable for non-negative doubles), the position breaking ties lower first
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    java.util.Arrays.sort(idx, (a, b) -> {
      int c = Double.compare(Math.abs(x[from + b]), Math.abs(x[from + a]));
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] out = new int[k];
    for (int i = 0; i < k; i++) out[i] = idx[i];
    java.util.Arrays.sort(out);
    return out;
  }

  /**
   * {@code x[from..to)} with all but its {@code k} largest magnitudes set to 0, in place.
   *
   * @param x the values, changed in place
   * @param from the first index of the range
   * @param to one past its last index
   * @param k how many to keep, in 0..{@code to - from}
   * @throws IllegalArgumentException if {@code k} is outside 0..{@code to - from}
   */
  public static void keep(double[] x, int from, int to, int k) {
    int[] p = positions(x, from, to, k);
    double[] kept = new double[k];
    for (int i = 0; i < k; i++) kept[i] = x[from + p[i]];
    java.util.Arrays.fill(x, from, to, 0);
    for (int i = 0; i < k; i++) x[from + p[i]] = kept[i];
  }
}
