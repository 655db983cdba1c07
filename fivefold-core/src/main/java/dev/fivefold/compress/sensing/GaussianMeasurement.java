package dev.fivefold.compress.sensing;

import dev.fivefold.tensor.Rng;

/**
 * A dense Gaussian measurement matrix: entries i.i.d. {@code N(0, 1/m)}, drawn row by row from
 * {@code new Rng(seed)} ({@link Rng#nextGaussian}, Box–Muller), so each column has unit norm in
 * expectation. The universal choice of compressed sensing: with {@code m >= C k log(n/k)} rows it
 * recovers every k-sparse vector with high probability whatever the basis (Candès, Romberg &amp;
 * Tao 2006; Baraniuk et al. 2008).
 *
 * <p>The matrix is materialised ({@code m n} doubles), so it is meant for blocks
 * ({@link LayerSensing} measures a layer block by block, one matrix for every block of the same
 * length), not for a whole layer; {@link HadamardMeasurement} is the fast operator.
 */
public final class GaussianMeasurement implements Measurement {
  private final int m, n;
  private final double[] a; // [m, n] row-major

  /**
   * The matrix of {@code rows x cols} drawn from {@code seed}.
   *
   * @param rows m, in 1..cols
   * @param cols n, &ge; 1
   * @param seed the entries' seed
   * @throws IllegalArgumentException if the sizes are out of range or the matrix has more than 2^26 entries
   */
  public GaussianMeasurement(int rows, int cols, long seed) {
    Measurement.checkSizes(rows, cols);
    if ((long) rows * cols > 1 << 26) throw new IllegalArgumentException("gaussian " + rows + " x " + cols + " exceeds 2^26 entries; measure in blocks");
    m = rows;
    n = cols;
    a = new double[m * n];
    Rng rng = new Rng(seed);
    double s = 1 / Math.sqrt(m);
    for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian() * s;
  }

  @Override
  public int rows() {
    return m;
  }

  @Override
  public int cols() {
    return n;
  }

  @Override
  public void apply(double[] x, double[] y) {
    for (int i = 0; i < m; i++) {
      double s = 0;
      int o = i * n;
      for (int j = 0; j < n; j++) s += a[o + j] * x[j];
      y[i] = s;
    }
  }

  @Override
  public void adjoint(double[] y, double[] x) {
    java.util.Arrays.fill(x, 0, n, 0);
    for (int i = 0; i < m; i++) {
      double yi = y[i];
      int o = i * n;
      for (int j = 0; j < n; j++) x[j] += a[o + j] * yi;
    }
  }

  @Override
  public void column(int j, double[] out) {
    for (int i = 0; i < m; i++) out[i] = a[i * n + j];
  }
}
