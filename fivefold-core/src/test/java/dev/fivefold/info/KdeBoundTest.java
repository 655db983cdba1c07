package dev.fivefold.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link KdeBound} on a Gaussian channel: {@code h ~ N(0, 1)}, {@code T = h + N(0, σ²)}, true {@code
 * I(X;T) = ½ log2(1 + 1/σ²)}. For densely sampled h the upper bound converges to the true value plus
 * {@code 1/(2(1+σ²) ln 2)} bits, which the test checks as well.
 */
class KdeBoundTest {
  static float[][] gaussian(Rng rng, int n) {
    float[][] h = new float[n][1];
    for (int i = 0; i < n; i++) h[i][0] = (float) rng.nextGaussian();
    return h;
  }

  @Test
  void boundsBracketTheGaussianChannel() {
    Rng rng = new Rng(4);
    int n = 4000;
    float[][] h = gaussian(rng, n);
    for (double var : new double[] {4, 1, 0.25, 0.01}) {
      double truth = 0.5 * Math.log(1 + 1 / var) / Math.log(2);
      double predictedUpper = truth + 1 / (2 * (1 + var) * Math.log(2));
      double up = KdeBound.upper(h, var), lo = KdeBound.lower(h, var);
      System.out.printf("KDE sigma2=%.2f true=%.4f upper=%.4f (err %+.4f; predicted %.4f) lower=%.4f%n",
          var, truth, up, up - truth, predictedUpper, lo);
      assertTrue(up >= truth, "upper " + up + " < true " + truth);
      assertTrue(lo <= truth, "lower " + lo + " > true " + truth);
      assertEquals(predictedUpper, up, 0.03, "upper vs its large-n value, var=" + var);
      assertTrue(up <= Math.log(n) / Math.log(2) + 1e-9);
    }
    float[] flat = new float[n];
    for (int i = 0; i < n; i++) flat[i] = h[i][0];
    assertEquals(KdeBound.upper(h, 1), KdeBound.upper(Tensor.of(flat, n, 1), 1), 0);
  }

  @Test
  void separatedClustersGiveLogN() {
    // n well-separated points: both bounds are log2 n
    float[][] h = new float[8][2];
    for (int i = 0; i < 8; i++) h[i][0] = 100 * i;
    assertEquals(3.0, KdeBound.upper(h, 1), 1e-9);
    assertEquals(3.0, KdeBound.lower(h, 1), 1e-9);
  }

  @Test
  void labelCounterpartTracksClassInformation() {
    Rng rng = new Rng(6);
    int n = 2000;
    float[][] h = new float[n][1];
    int[] y = new int[n], random = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(2);
      random[i] = rng.nextInt(2);
      h[i][0] = (float) ((y[i] == 0 ? -10 : 10) + rng.nextGaussian());
    }
    double separated = KdeBound.withLabels(h, y, 0.1);
    double independent = KdeBound.withLabels(h, random, 0.1);
    System.out.printf("KDE I(T;Y): separated classes %.4f (H(Y)=%.4f), random labels %.4f%n",
        separated, Discrete.entropy(y), independent);
    assertEquals(Discrete.entropy(y), separated, 0.01);
    assertTrue(independent < 0.01, "random labels " + independent);
  }
}
