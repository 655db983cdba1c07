package dev.fivefold.compress.quant;

import java.util.Arrays;

/**
 * The scalar quantizers of the rate–distortion study ({@link RateDistortion}), each fitted to one
 * tensor's values: a uniform quantizer, Lloyd's k-means and entropy-constrained scalar quantization.
 *
 * <p>All three work on the values sorted once ({@link Sorted}, with prefix sums in double). For a
 * 1-D quantizer whose cost of sending x to level j is (x − c_j)² + π_j (π_j = 0 for k-means,
 * λ·(−log₂ p_j) for ECSQ), dropping the common x² leaves lines −2c_j·x + c_j² + π_j, so each
 * level's cell is an interval (the lower envelope of the lines, built in O(k log k)) and one
 * Lloyd iteration costs O(k log n): the cell ends by binary search, the counts and means from the
 * prefix sums. A value exactly on a boundary goes to the lower level.
 *
 * <ul>
 *   <li>{@link #uniform}: 2^b equal cells over [min, max], each reconstructed at its midpoint
 *       (level_i = min + (i + ½)·Δ, Δ = (max − min)/2^b); described by two floats.</li>
 *   <li>{@link #kmeans}: the Lloyd iteration of {@code WeightSharing.kmeans} (Han et al. 2016,
 *       §3.2: 2^b centroids evenly spaced over [min, max], nearest centroid with ties to the lower
 *       one, an empty cluster keeps its centroid, stop when no assignment changes), run on the
 *       sorted values.</li>
 *   <li>{@link #ecsq}: Chou, Lookabaugh &amp; Gray, "Entropy-constrained vector quantization"
 *       (IEEE Trans. ASSP 37(1), 1989), in one dimension: minimise D + λ·H by alternating the
 *       assignment to argmin_j (x − c_j)² − λ·log₂ p_j, the means c_j and the probabilities
 *       p_j = n_j/n (a level whose cell empties is dropped); λ is found by bisection so that the
 *       codes' empirical entropy is at most the target, starting from k-means with 2^(b+1)
 *       levels.</li>
 * </ul>
 */
final class ScalarQuantizers {
  private ScalarQuantizers() {}

  /** Lloyd iterations at most (k-means and each ECSQ solve). */
  static final int MAX_ITERATIONS = 200;
  /** Bisection steps on log λ for ECSQ. */
  private static final int BISECTIONS = 24;

  /** One tensor's values sorted, with their positions and prefix sums. */
  static final class Sorted {
    final float[] x;
    final int[] index;
    final double[] prefix;
    final float min, max;
    final double variance;

    Sorted(float[] values) {
      int n = values.length;
      if (n == 0) throw new IllegalArgumentException("tensor has no values");
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        int b = Float.floatToIntBits(values[i]);
        if (Float.isNaN(values[i])) throw new IllegalArgumentException("value " + i + " is NaN");
        int s = b >= 0 ? b : b ^ 0x7FFFFFFF; // sortable as a signed int
        keys[i] = ((long) s << 32) | i;
      }
      Arrays.sort(keys);
      x = new float[n];
      index = new int[n];
      prefix = new double[n + 1];
      double mean = 0;
      for (int i = 0; i < n; i++) {
        index[i] = (int) keys[i];
        x[i] = values[index[i]];
        prefix[i + 1] = prefix[i] + x[i];
      }
      min = x[0];
      max = x[n - 1];
      mean = prefix[n] / n;
      double v = 0;
      for (float f : x) v += (f - mean) * (f - mean);
      variance = v / n;
    }

    int size() {
      return x.length;
    }

    /** First position whose value is &gt; t. */
    int above(double t) {
      int lo = 0, hi = x.length;
      while (lo < hi) {
        int m = (lo + hi) >>> 1;
        if (x[m] > t) hi = m;
        else lo = m + 1;
      }
      return lo;
    }
  }

  /**
   * A fitted quantizer: the levels in use (ascending), each value's level index (in the tensor's
   * own order), and the floats that describe the codebook.
   */
  record Fit(float[] levels, int[] codes, int codebookFloats) {
    float[] dequantize() {
      float[] w = new float[codes.length];
      for (int i = 0; i < w.length; i++) w[i] = levels[codes[i]];
      return w;
    }
  }

  static Fit uniform(Sorted s, int bits) {
    int k = 1 << bits;
    int n = s.size();
    int[] codes = new int[n];
    if (!(s.max > s.min)) return new Fit(new float[] {s.min}, codes, 2);
    double delta = ((double) s.max - s.min) / k;
    float[] levels = new float[k];
    for (int i = 0; i < k; i++) levels[i] = (float) (s.min + (i + 0.5) * delta);
    for (int i = 0; i < n; i++) codes[s.index[i]] = Math.min(k - 1, (int) ((s.x[i] - (double) s.min) / delta));
    return compact(levels, codes, 2);
  }

  static Fit kmeans(Sorted s, int bits) {
    int k = 1 << bits;
    float[] c = linear(s, k);
    double[] pen = new double[k];
    int[][] cells = lloyd(s, c, pen, 0, MAX_ITERATIONS);
    return fit(s, c, cells);
  }

  /**
   * ECSQ with entropy at most {@code bits}: the largest λ tried is the smallest that brings the
   * codes' empirical entropy to {@code bits} or below (bisection on log λ between 10⁻¹²·σ² and
   * 10·σ²); if k-means with 2^(bits+1) levels is already there, λ = 0.
   */
  static Fit ecsq(Sorted s, int bits) {
    int k = 1 << (bits + 1);
    float[] c0 = linear(s, k);
    double[] pen0 = new double[k];
    int[][] cells0 = lloyd(s, c0, pen0, 0, MAX_ITERATIONS);
    if (entropy(cells0, s.size()) <= bits || !(s.variance > 0)) return fit(s, c0, cells0);
    double lo = Math.log(1e-12 * s.variance), hi = Math.log(10 * s.variance);
    float[] best = null;
    int[][] bestCells = null;
    for (int it = 0; it < BISECTIONS; it++) {
      double mid = (lo + hi) / 2;
      float[] c = c0.clone();
      int[][] cells = solve(s, c, cells0, Math.exp(mid));
      if (entropy(cells, s.size()) <= bits) {
        hi = mid;
        best = c;
        bestCells = cells;
      } else {
        lo = mid;
      }
    }
    if (best == null) {
      best = c0.clone();
      bestCells = solve(s, best, cells0, Math.exp(hi));
    }
    return fit(s, best, bestCells);
  }

  /** The ECSQ iteration at multiplier λ from k-means cells {@code start}; c is updated in place. */
  private static int[][] solve(Sorted s, float[] c, int[][] start, double lambda) {
    int k = c.length, n = s.size();
    double[] pen = penalties(start, n, lambda);
    return lloyd(s, c, pen, lambda, MAX_ITERATIONS);
  }

  private static double[] penalties(int[][] cells, int n, double lambda) {
    int k = cells[0].length;
    double[] pen = new double[k];
    for (int j = 0; j < k; j++) {
      int cnt = cells[1][j] - cells[0][j];
      pen[j] = cnt > 0 ? lambda * -Math.log((double) cnt / n) / Math.log(2) : Double.POSITIVE_INFINITY;
    }
    return pen;
  }

  /** k centroids evenly spaced over [min, max] (k = 1: the midpoint), as {@code WeightSharing.kmeans}. */
  private static float[] linear(Sorted s, int k) {
    float lo = s.min, hi = s.max;
    float[] c = new float[k];
    for (int j = 0; j < k; j++) c[j] = k == 1 ? (lo + hi) / 2 : lo + (hi - lo) * j / (k - 1);
    return c;
  }

  /**
   * Lloyd iterations: assign by the lower envelope, move each non-empty level to its cell's mean;
   * with λ &gt; 0 also refresh the penalties from the cell counts. Returns the final cells
   * {start[k], end[k]} (positions in sorted order) after a last assignment; c is updated in place.
   */
  static int[][] lloyd(Sorted s, float[] c, double[] pen, double lambda, int maxIter) {
    int n = s.size();
    int[][] cells = assign(s, c, pen);
    for (int it = 0; it < maxIter; it++) {
      for (int j = 0; j < c.length; j++) {
        int cnt = cells[1][j] - cells[0][j];
        if (cnt > 0) c[j] = (float) ((s.prefix[cells[1][j]] - s.prefix[cells[0][j]]) / cnt);
      }
      if (lambda > 0) pen = penalties(cells, n, lambda);
      int[][] next = assign(s, c, pen);
      boolean same = Arrays.equals(next[0], cells[0]) && Arrays.equals(next[1], cells[1]);
      cells = next;
      if (same) break;
    }
    return cells;
  }

  /** Cells of the lower envelope of the lines −2c_j·x + c_j² + π_j over the sorted values. */
  static int[][] assign(Sorted s, float[] c, double[] pen) {
    int k = c.length;
    int[] o = new int[k];
    int live = 0;
    boolean sorted = true;
    for (int j = 0; j < k; j++) {
      if (pen[j] == Double.POSITIVE_INFINITY) continue;
      if (live > 0 && before(c, pen, j, o[live - 1])) sorted = false;
      o[live++] = j;
    }
    if (!sorted) { // Lloyd keeps 1-D levels in order; this is the rare case of an empty level left behind
      Integer[] b = new Integer[live];
      for (int i = 0; i < live; i++) b[i] = o[i];
      Arrays.sort(b, (a, d) -> before(c, pen, a, d) ? -1 : before(c, pen, d, a) ? 1 : 0);
      for (int i = 0; i < live; i++) o[i] = b[i];
    }
    int[] hull = new int[live];
    int h = 0;
    for (int t = 0; t < live; t++) {
      int j = o[t];
      if (h > 0 && c[hull[h - 1]] == c[j]) continue; // same slope: the earlier has the lower intercept (or index)
      while (h >= 2 && cross(c, pen, hull[h - 2], j) <= cross(c, pen, hull[h - 2], hull[h - 1])) h--;
      hull[h++] = j;
    }
    int[] start = new int[k], end = new int[k];
    int from = 0;
    for (int i = 0; i < h; i++) {
      int to = i == h - 1 ? s.size() : Math.max(from, s.above(cross(c, pen, hull[i], hull[i + 1])));
      start[hull[i]] = from;
      end[hull[i]] = to;
      from = to;
    }
    return new int[][] {start, end};
  }

  /** Level a before level b: by value, then penalty, then index. */
  private static boolean before(float[] c, double[] pen, int a, int b) {
    if (c[a] != c[b]) return c[a] < c[b];
    if (pen[a] != pen[b]) return pen[a] < pen[b];
    return a < b;
  }

  /** x where the lines of levels i and j (c_i &lt; c_j) meet. */
  private static double cross(float[] c, double[] pen, int i, int j) {
    double ci = c[i], cj = c[j];
    return ((cj * cj + pen[j]) - (ci * ci + pen[i])) / (2 * (cj - ci));
  }

  /** Empirical entropy in bits per value of the cell counts. */
  static double entropy(int[][] cells, int n) {
    double h = 0;
    for (int j = 0; j < cells[0].length; j++) {
      int cnt = cells[1][j] - cells[0][j];
      if (cnt > 0) h -= (double) cnt / n * Math.log((double) cnt / n);
    }
    return h / Math.log(2);
  }

  /** The non-empty levels (ascending) and each value's index among them. */
  private static Fit fit(Sorted s, float[] c, int[][] cells) {
    int k = c.length;
    Integer[] o = new Integer[k];
    for (int j = 0; j < k; j++) o[j] = j;
    Arrays.sort(o, (a, b) -> Integer.compare(cells[0][a], cells[0][b]));
    int used = 0;
    for (int j = 0; j < k; j++) if (cells[1][j] > cells[0][j]) used++;
    float[] levels = new float[used];
    int[] codes = new int[s.size()];
    int u = 0;
    for (int j : o) {
      if (cells[1][j] <= cells[0][j]) continue;
      levels[u] = c[j];
      for (int i = cells[0][j]; i < cells[1][j]; i++) codes[s.index[i]] = u;
      u++;
    }
    return new Fit(levels, codes, used);
  }

  /** Drops unused levels from a fixed codebook, renumbering the codes. */
  private static Fit compact(float[] levels, int[] codes, int codebookFloats) {
    int[] count = new int[levels.length];
    for (int q : codes) count[q]++;
    int[] map = new int[levels.length];
    int used = 0;
    for (int j = 0; j < levels.length; j++) map[j] = count[j] > 0 ? used++ : -1;
    float[] l = new float[used];
    for (int j = 0; j < levels.length; j++) if (map[j] >= 0) l[map[j]] = levels[j];
    for (int i = 0; i < codes.length; i++) codes[i] = map[codes[i]];
    return new Fit(l, codes, codebookFloats);
  }
}
