package dev.fivefold.info;

import dev.fivefold.tensor.Rng;

/** Test data: samples of known distributions. */
final class Samples {
  private Samples() {}

  /** {@code {x, y}}, each {@code [n, 1]}, standard bivariate Gaussian with correlation rho. */
  static float[][][] bivariate(Rng rng, int n, double rho) {
    float[][] x = new float[n][1], y = new float[n][1];
    double c = Math.sqrt(1 - rho * rho);
    for (int i = 0; i < n; i++) {
      double a = rng.nextGaussian(), b = rng.nextGaussian();
      x[i][0] = (float) a;
      y[i][0] = (float) (rho * a + c * b);
    }
    return new float[][][] {x, y};
  }
}
