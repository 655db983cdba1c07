package dev.fivefold.compress.sensing;

import dev.fivefold.tensor.Rng;

/**
 * A structured fast operator, the subsampled randomised Walsh–Hadamard transform
 * {@code A = (1/sqrt(m)) S H D}: {@code D} flips the sign of each of the {@code n} inputs
 * (random ±1), the input is padded with zeros to {@code P = 2^ceil(log2 n)}, {@code H} is the
 * {@code P x P} Sylvester Hadamard matrix (entries ±1, {@code H_ij = (-1)^popcount(i & j)}) applied
 * by the fast transform in {@code O(P log P)}, and {@code S} keeps {@code m} of its {@code P}
 * outputs, the first {@code m} of a random permutation. Every entry is {@code ±1/sqrt(m)}, so
 * every column has norm exactly 1, and for {@code n = P} the rows are orthogonal ({@code A A^T =
 * (P/m) I}, {@code ||A||^2 = P/m}). The random signs make the rows incoherent with sparse vectors (Ailon &amp; Chazelle
 * 2006, the fast Johnson–Lindenstrauss transform; Do, Gan, Nguyen &amp; Tran 2012, structurally
 * random matrices). Only {@code n} signs and {@code m} row indices are held.
 *
 * <p>Signs then rows are drawn from {@code new Rng(seed)}: {@code n} times {@code nextLong() < 0},
 * then a Fisher–Yates shuffle of {@code 0..P-1} ({@link Rng#shuffle}).
 */
public final class HadamardMeasurement implements Measurement {
  private final int m, n, p;
  private final boolean[] flip;
  private final int[] rowIndex;
  private final double scale;

  /**
   * The operator of {@code rows x cols} drawn from {@code seed}.
   *
   * @param rows m, in 1..cols
   * @param cols n, in 1..2^26
   * @param seed the signs' and rows' seed
   * @throws IllegalArgumentException if the sizes are out of range
   */
  public HadamardMeasurement(int rows, int cols, long seed) {
    Measurement.checkSizes(rows, cols);
    if (cols > 1 << 26) throw new IllegalArgumentException("hadamard cols (" + cols + ") exceeds 2^26");
    m = rows;
    n = cols;
    p = Integer.highestOneBit(cols) == cols ? cols : Integer.highestOneBit(cols) << 1;
    Rng rng = new Rng(seed);
    flip = new boolean[n];
    for (int j = 0; j < n; j++) flip[j] = rng.nextLong() < 0;
    int[] perm = new int[p];
    for (int i = 0; i < p; i++) perm[i] = i;
    rng.shuffle(perm);
    rowIndex = java.util.Arrays.copyOf(perm, m);
    scale = 1 / Math.sqrt(m);
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
    double[] z = new double[p];
    for (int j = 0; j < n; j++) z[j] = flip[j] ? -x[j] : x[j];
    fwht(z);
    for (int i = 0; i < m; i++) y[i] = z[rowIndex[i]] * scale;
  }

  @Override
  public void adjoint(double[] y, double[] x) {
    double[] z = new double[p];
    for (int i = 0; i < m; i++) z[rowIndex[i]] = y[i];
    fwht(z);
    for (int j = 0; j < n; j++) x[j] = (flip[j] ? -z[j] : z[j]) * scale;
  }

  @Override
  public void column(int j, double[] out) {
    double s = flip[j] ? -scale : scale;
    for (int i = 0; i < m; i++) out[i] = (Integer.bitCount(rowIndex[i] & j) & 1) == 0 ? s : -s;
  }

  /** In-place unnormalised fast Walsh–Hadamard transform of a power-of-two-long array ({@code H z}, H symmetric). */
  static void fwht(double[] z) {
    for (int h = 1; h < z.length; h <<= 1) {
      for (int i = 0; i < z.length; i += h << 1) {
        for (int j = i; j < i + h; j++) {
          double a = z[j], b = z[j + h];
          z[j] = a + b;
          z[j + h] = a - b;
        }
      }
    }
  }
}
