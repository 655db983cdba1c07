package dev.fivefold.compress.sensing;

/**
 * Least squares on a growing set of columns, by an incremental QR factorisation (modified
 * Gram–Schmidt with one re-orthogonalisation pass, "twice is enough": Giraud et al. 2005): {@link
 * #add} appends a column {@code a}, {@link #solve} returns {@code argmin_c ||A_S c - y||} for the
 * columns added so far. What OMP runs at every step, and what debiases a FISTA solution on its
 * support. Deterministic (fixed order, no threads).
 */
final class LeastSquares {
  private final int m;
  private final double[][] q; // orthonormal columns, each of length m
  private final double[][] r; // r[j][i] = R[i][j] for i <= j: column j of the triangular factor
  private int size;

  LeastSquares(int rows, int capacity) {
    m = rows;
    q = new double[capacity][];
    r = new double[capacity][];
  }

  int size() {
    return size;
  }

  /** The orthonormal column {@code i}. */
  double[] q(int i) {
    return q[i];
  }

  /**
   * Appends column {@code a} (not modified). Returns false, adding nothing, if {@code a} lies in the
   * span of the columns already added (its orthogonal part below {@code 1e-10 ||a||}) or the
   * capacity is reached.
   */
  boolean add(double[] a) {
    if (size == q.length) return false;
    double[] v = a.clone();
    double[] coef = new double[size + 1];
    double norm0 = norm(a);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < size; i++) {
        double d = dot(q[i], v);
        coef[i] += d;
        for (int t = 0; t < m; t++) v[t] -= d * q[i][t];
      }
    }
    double nv = norm(v);
    if (!(nv > 1e-10 * norm0)) return false;
    for (int t = 0; t < m; t++) v[t] /= nv;
    coef[size] = nv;
    q[size] = v;
    r[size] = coef;
    size++;
    return true;
  }

  /** The coefficients {@code c} of the columns added, minimising {@code ||A_S c - y||}: {@code R c = Q^T y}. */
  double[] solve(double[] y) {
    double[] z = new double[size];
    for (int i = 0; i < size; i++) z[i] = dot(q[i], y);
    double[] c = new double[size];
    for (int i = size - 1; i >= 0; i--) {
      double s = z[i];
      for (int j = i + 1; j < size; j++) s -= r[j][i] * c[j];
      c[i] = s / r[i][i];
    }
    return c;
  }

  /**
   * The least-squares solution of {@code A x ≈ y} with {@code x} supported on {@code support}
   * (columns that are numerically dependent on earlier ones get 0), as a full-length vector.
   */
  static double[] onSupport(Measurement a, double[] y, int[] support) {
    LeastSquares ls = new LeastSquares(a.rows(), Math.min(support.length, a.rows()));
    double[] col = new double[a.rows()];
    int[] used = new int[support.length];
    int u = 0;
    for (int j : support) {
      a.column(j, col);
      if (ls.add(col)) used[u++] = j;
    }
    double[] c = ls.solve(y);
    double[] x = new double[a.cols()];
    for (int i = 0; i < u; i++) x[used[i]] = c[i];
    return x;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
