package dev.fivefold.info;

import dev.fivefold.tensor.Tensor;

/**
 * Mutual information of jointly Gaussian vectors in closed form, in bits:
 * {@code I(X;Y) = ½ log2(det Σ_X · det Σ_Y / det Σ)} with Σ the joint covariance of {@code [X, Y]}
 * (Cover &amp; Thomas, thm 8.4.1 applied to {@code h(X) + h(Y) - h(X,Y)}); for scalars with
 * correlation ρ this is {@code -½ log2(1 - ρ²)}.
 *
 * <p>Exact for Gaussian data; for other data it is the MI of the Gaussian with the same covariance,
 * a lower bound on the MI of the data when the marginals are fixed. From a sample covariance of N
 * samples it overestimates by about {@code dx·dy/(2N ln 2)} bits (the likelihood-ratio statistic
 * {@code -N ln(1-R²)} is χ² with {@code dx·dy} degrees of freedom under independence).
 */
public final class Gaussian {
  private Gaussian() {}

  /**
   * {@code -½ log2(1 - ρ²)}: MI of two scalar jointly Gaussian variables with correlation ρ. {@code
   * +∞} at {@code |ρ| = 1}.
   *
   * @throws IllegalArgumentException if ρ is NaN or outside {@code [-1, 1]}
   * @param rho the correlation ρ, in [-1, 1]
   * @return I(X;Y), bits
   */
  public static double fromCorrelation(double rho) {
    if (!(rho >= -1 && rho <= 1)) throw new IllegalArgumentException("rho (" + rho + ") must be in [-1, 1]");
    if (Math.abs(rho) == 1) return Double.POSITIVE_INFINITY;
    return -0.5 * Math.log1p(-rho * rho) / Check.LN2;
  }

  /**
   * MI between the first {@code dx} coordinates and the rest of a Gaussian with joint covariance
   * {@code cov} ({@code [dx+dy, dx+dy]}, symmetric positive definite), by Cholesky log-determinants.
   *
   * @throws IllegalArgumentException if {@code cov} is not square, {@code dx} is not in {@code [1,
   *     dim-1]}, or cov (or a marginal block) is not positive definite
   * @param cov the joint covariance {@code [d][d]}, d = dx + dy
   * @param dx the dimension of X, in [1, d-1]
   * @return I(X;Y), bits, &ge; 0
   */
  public static double mutualInformation(double[][] cov, int dx) {
    if (cov == null || cov.length < 2) {
      throw new IllegalArgumentException("cov (" + (cov == null ? "null" : cov.length + " rows") + ") must be at least 2 x 2");
    }
    int d = cov.length;
    for (int i = 0; i < d; i++) {
      if (cov[i] == null || cov[i].length != d) throw new IllegalArgumentException("cov[" + i + "] must have length " + d);
    }
    if (dx < 1 || dx >= d) throw new IllegalArgumentException("dx (" + dx + ") must be in [1, " + (d - 1) + "]");
    double ld = logDet(cov, 0, d), lx = logDet(cov, 0, dx), ly = logDet(cov, dx, d);
    return Math.max(0, 0.5 * (lx + ly - ld) / Check.LN2);
  }

  /**
   * MI of {@code x [n, dx]} and {@code y [n, dy]} under a Gaussian model fitted by their sample
   * covariance (divisor n - 1). Biased high by about {@code dx·dy/(2n ln 2)} bits; needs n &gt; dx +
   * dy for a nonsingular covariance.
   *
   * @throws IllegalArgumentException on empty, ragged or non-finite samples, mismatched sample counts,
   *     or a singular sample covariance (e.g. a constant coordinate)
   * @param x the samples of X {@code [n][dx]}
   * @param y the paired samples of Y {@code [n][dy]}
   * @return the Gaussian estimate of I(X;Y), bits, &ge; 0
   */
  public static double mutualInformation(float[][] x, float[][] y) {
    int dx = Check.dims(x, "x"), dy = Check.dims(y, "y");
    Check.sameLength(x.length, "x", y.length, "y");
    int n = x.length, d = dx + dy;
    if (n < 2) throw new IllegalArgumentException("x (" + n + " samples) must have at least 2 samples");
    double[] mean = new double[d];
    double[] row = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dx; j++) mean[j] += x[i][j];
      for (int j = 0; j < dy; j++) mean[dx + j] += y[i][j];
    }
    for (int j = 0; j < d; j++) mean[j] /= n;
    double[][] cov = new double[d][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dx; j++) row[j] = x[i][j] - mean[j];
      for (int j = 0; j < dy; j++) row[dx + j] = y[i][j] - mean[dx + j];
      for (int a = 0; a < d; a++) for (int b = 0; b <= a; b++) cov[a][b] += row[a] * row[b];
    }
    for (int a = 0; a < d; a++) {
      for (int b = 0; b <= a; b++) {
        cov[a][b] /= n - 1;
        cov[b][a] = cov[a][b];
      }
    }
    return mutualInformation(cov, dx);
  }

  /**
   * {@link #mutualInformation(float[][], float[][])} for tensors {@code [n, dx]} and {@code [n, dy]}.
   *
   * @param x the samples of X {@code [n, dx]}
   * @param y the paired samples of Y {@code [n, dy]}
   * @return the Gaussian estimate of I(X;Y), bits, &ge; 0
   */
  public static double mutualInformation(Tensor x, Tensor y) {
    return mutualInformation(Check.rows(x, "x"), Check.rows(y, "y"));
  }

  /** ln det of the diagonal block {@code [lo, hi)} by Cholesky. */
  private static double logDet(double[][] cov, int lo, int hi) {
    int m = hi - lo;
    double[][] l = new double[m][m];
    double ld = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j <= i; j++) {
        double s = cov[lo + i][lo + j];
        for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
        if (i == j) {
          if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("cov (block [" + lo + ", " + hi + ")) must be positive definite; pivot " + i + " is " + s);
          }
          l[i][i] = Math.sqrt(s);
          ld += Math.log(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return ld;
  }
}
