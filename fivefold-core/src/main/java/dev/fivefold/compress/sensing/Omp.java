package dev.fivefold.compress.sensing;

/**
 * Orthogonal matching pursuit (Pati, Rezaiifar &amp; Krishnaprasad 1993; Tropp &amp; Gilbert 2007,
 * "Signal recovery from random measurements via orthogonal matching pursuit"):
 *
 * <pre>
 *   r = y, S = {}
 *   repeat k times, or until ||r|| &lt;= tolerance ||y||:
 *     j = argmax_{j not in S} |a_j . r| / ||a_j||       (ties: the lowest j)
 *     S = S + {j}; x_S = argmin ||A_S x_S - y||          (incremental QR, {@link LeastSquares})
 *     r = y - A_S x_S
 * </pre>
 *
 * With Gaussian {@code A} it recovers a k-sparse {@code x} exactly (to rounding) with high
 * probability once {@code m >~ 2 k ln n} (Tropp &amp; Gilbert), in {@code k} steps of one
 * {@code A^T r} each ({@code O(k m n)}). A column numerically dependent on the chosen ones is
 * skipped for good. Unlike l1 recovery it needs {@code k}, which the archive stores.
 *
 * @param sparsity atoms to select, {@code k >= 1} (capped at the number of measurements)
 * @param tolerance stop early when {@code ||r|| <= tolerance ||y||}; {@code >= 0}
 */
public record Omp(int sparsity, double tolerance) implements SparseRecovery {
  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if {@code sparsity} &lt; 1 or {@code tolerance} is negative or not
   *     finite
   */
  public Omp {
    if (sparsity < 1) throw new IllegalArgumentException("sparsity (" + sparsity + ") must be >= 1");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("tolerance (" + tolerance + ") must be >= 0 and finite");
  }

  @Override
  public String label() {
    return "omp";
  }

  @Override
  public double[] recover(Measurement a, double[] y) {
    int m = a.rows(), n = a.cols();
    int k = Math.min(sparsity, m);
    double[] norms = new double[n];
    double[] col = new double[m];
    for (int j = 0; j < n; j++) {
      a.column(j, col);
      norms[j] = LeastSquares.norm(col);
    }
    boolean[] excluded = new boolean[n];
    double[] r = y.clone();
    double stop = tolerance * LeastSquares.norm(y);
    LeastSquares ls = new LeastSquares(m, k);
    int[] support = new int[k];
    double[] c = new double[n];
    while (ls.size() < k && LeastSquares.norm(r) > stop) {
      a.adjoint(r, c);
      int best = -1;
      double bestScore = -1;
      for (int j = 0; j < n; j++) {
        if (excluded[j] || norms[j] == 0) continue;
        double s = Math.abs(c[j]) / norms[j];
        if (s > bestScore) {
          bestScore = s;
          best = j;
        }
      }
      if (best < 0) break;
      excluded[best] = true;
      a.column(best, col);
      if (!ls.add(col)) continue;
      support[ls.size() - 1] = best;
      double[] qn = ls.q(ls.size() - 1);
      double d = LeastSquares.dot(qn, r);
      for (int t = 0; t < m; t++) r[t] -= d * qn[t];
    }
    double[] coef = ls.solve(y);
    double[] x = new double[n];
    for (int i = 0; i < ls.size(); i++) x[support[i]] = coef[i];
    return x;
  }
}
