package dev.fivefold.info;

import dev.fivefold.tensor.Tensor;

/** Argument checks shared by the estimators; messages name the argument and its value. */
final class Check {
  static final double LN2 = Math.log(2);

  private Check() {}

  /** Tolerance on {@code |sum(p) - 1|} for probability vectors. */
  static final double SUM_TOLERANCE = 1e-6;

  static void nonEmpty(int[] labels, String name) {
    if (labels == null) throw new IllegalArgumentException(name + " (null) must not be null");
    if (labels.length == 0) throw new IllegalArgumentException(name + " (length 0) must not be empty");
  }

  static void sameLength(int na, String a, int nb, String b) {
    if (na != nb) {
      throw new IllegalArgumentException(
          a + " (" + na + " samples) and " + b + " (" + nb + " samples) must have the same number of samples");
    }
  }

  /** Checks {@code p} is a probability vector: finite, non-negative, summing to 1 within 1e-6. */
  static void probabilities(double[] p, String name) {
    if (p == null) throw new IllegalArgumentException(name + " (null) must not be null");
    if (p.length == 0) throw new IllegalArgumentException(name + " (length 0) must not be empty");
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0) || Double.isInfinite(p[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] (" + p[i] + ") must be finite and >= 0");
      }
      sum += p[i];
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException(name + " sums to " + sum + ", must sum to 1 (within 1e-6)");
    }
  }

  /** Checks counts are non-negative with a positive total; returns the total. */
  static long counts(long[] c, String name) {
    if (c == null) throw new IllegalArgumentException(name + " (null) must not be null");
    long total = 0;
    for (int i = 0; i < c.length; i++) {
      if (c[i] < 0) throw new IllegalArgumentException(name + "[" + i + "] (" + c[i] + ") must be >= 0");
      total += c[i];
    }
    if (total <= 0) throw new IllegalArgumentException(name + " (total " + total + ") must have a positive total");
    return total;
  }

  /** Checks a sample matrix {@code [n, d]}: n &ge; 1, d &ge; 1, rectangular, no NaN or infinity. */
  static int dims(float[][] x, String name) {
    if (x == null) throw new IllegalArgumentException(name + " (null) must not be null");
    if (x.length == 0) throw new IllegalArgumentException(name + " (0 samples) must not be empty");
    if (x[0] == null || x[0].length == 0) {
      throw new IllegalArgumentException(name + "[0] (dimension 0) must have at least one dimension");
    }
    int d = x[0].length;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == null || x[i].length != d) {
        throw new IllegalArgumentException(
            name + "[" + i + "] (dimension " + (x[i] == null ? "null" : x[i].length) + ") must have dimension " + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(x[i][j])) {
          throw new IllegalArgumentException(name + "[" + i + "][" + j + "] (" + x[i][j] + ") must be finite");
        }
      }
    }
    return d;
  }

  /** Rows of a rank-2 tensor {@code [n, d]} as a copied {@code float[n][d]}. */
  static float[][] rows(Tensor t, String name) {
    if (t == null) throw new IllegalArgumentException(name + " (null) must not be null");
    if (t.rank() != 2) throw new IllegalArgumentException(name + " (shape " + t.shape() + ") must have rank 2 [n, d]");
    int n = t.dim(0), d = t.dim(1);
    float[] a = t.data();
    float[][] x = new float[n][d];
    for (int i = 0; i < n; i++) System.arraycopy(a, i * d, x[i], 0, d);
    return x;
  }

  static void bins(int bins) {
    if (bins < 2) throw new IllegalArgumentException("bins (" + bins + ") must be >= 2");
  }

  static void positive(double v, String name) {
    if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " (" + v + ") must be finite and > 0");
  }
}
