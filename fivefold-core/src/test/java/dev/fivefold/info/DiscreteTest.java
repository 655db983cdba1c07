package dev.fivefold.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import org.junit.jupiter.api.Test;

/** {@link Discrete} against closed forms. */
class DiscreteTest {
  static final double EPS = 1e-12;

  static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  @Test
  void uniformEntropyIsLog2K() {
    for (int k : new int[] {1, 2, 3, 8, 1000}) {
      double[] p = new double[k];
      java.util.Arrays.fill(p, 1.0 / k);
      assertEquals(log2(k), Discrete.entropy(p), 1e-9, "K=" + k);
      int[] labels = new int[k * 5];
      for (int i = 0; i < labels.length; i++) labels[i] = i % k;
      assertEquals(log2(k), Discrete.entropy(labels), 1e-9, "labels K=" + k);
      long[] counts = new long[k];
      java.util.Arrays.fill(counts, 7);
      assertEquals(log2(k), Discrete.entropyFromCounts(counts), 1e-9);
    }
  }

  @Test
  void bernoulliEntropy() {
    for (double p : new double[] {0, 0.1, 0.25, 0.5, 0.9, 1}) {
      double h = (p == 0 || p == 1) ? 0 : -p * log2(p) - (1 - p) * log2(1 - p);
      assertEquals(h, Discrete.entropy(new double[] {p, 1 - p}), 1e-12, "p=" + p);
    }
    assertEquals(1.0, Discrete.entropy(new double[] {0.5, 0.5}), EPS);
    // counts 1:3 -> h(0.25)
    assertEquals(0.8112781244591328, Discrete.entropyFromCounts(new long[] {25, 75, 0}), 1e-12);
  }

  @Test
  void millerMadowIsCloserThanPlugInOnSmallSamples() {
    Rng rng = new Rng(7);
    int k = 8, n = 20, trials = 2000;
    double errPlugIn = 0, errMm = 0;
    for (int t = 0; t < trials; t++) {
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) labels[i] = rng.nextInt(k);
      errPlugIn += Discrete.entropy(labels) - 3;
      errMm += Discrete.millerMadow(labels) - 3;
    }
    errPlugIn /= trials;
    errMm /= trials;
    System.out.printf("Miller-Madow K=8 N=20: mean error plug-in %.4f, Miller-Madow %.4f bits%n", errPlugIn, errMm);
    assertTrue(errPlugIn < -0.2, "plug-in biased low: " + errPlugIn);
    assertTrue(Math.abs(errMm) < 0.5 * Math.abs(errPlugIn), "MM " + errMm + " vs plug-in " + errPlugIn);
    assertEquals(Discrete.entropy(new int[] {1, 1, 2}) + 1 / (2 * 3 * Math.log(2)), Discrete.millerMadow(new int[] {1, 1, 2}), EPS);
  }

  @Test
  void jointConditionalAndChainRule() {
    Rng rng = new Rng(3);
    int n = 5000;
    int[] x = new int[n], y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextInt(5);
      y[i] = (x[i] + rng.nextInt(2)) % 5;
    }
    double hxy = Discrete.jointEntropy(x, y);
    assertEquals(hxy, Discrete.entropy(y) + Discrete.conditionalEntropy(x, y), 1e-9);
    assertEquals(hxy, Discrete.entropy(x) + Discrete.conditionalEntropy(y, x), 1e-9);
    assertEquals(Discrete.entropy(x) - Discrete.conditionalEntropy(x, y), Discrete.mutualInformation(x, y), 1e-9);
    // y = x + coin: H(Y|X) = 1 bit exactly in distribution
    assertEquals(1.0, Discrete.conditionalEntropy(y, x), 0.01);
    assertEquals(0.0, Discrete.conditionalEntropy(x, x), EPS);
    assertEquals(Discrete.entropy(x), Discrete.mutualInformation(x, x), 1e-9);
  }

  @Test
  void klJsCrossEntropyKnownValues() {
    double[] p = {0.5, 0.5}, q = {0.25, 0.75};
    double kl = 0.5 * log2(2) + 0.5 * log2(0.5 / 0.75); // 0.2075187496
    assertEquals(kl, Discrete.klDivergence(p, q), 1e-12);
    assertEquals(1 + kl, Discrete.crossEntropy(p, q), 1e-12);
    assertEquals(0.0, Discrete.klDivergence(q, q), EPS);
    assertEquals(Double.POSITIVE_INFINITY, Discrete.klDivergence(p, new double[] {1, 0}));
    assertEquals(Double.POSITIVE_INFINITY, Discrete.crossEntropy(p, new double[] {0, 1}));
    assertEquals(log2(2), Discrete.klDivergence(new double[] {1, 0}, p), 1e-12); // support inside: finite
    assertEquals(1.0, Discrete.jsDivergence(new double[] {1, 0}, new double[] {0, 1}), EPS);
    assertEquals(0.0, Discrete.jsDivergence(q, q), EPS);
    double[] m = {0.375, 0.625};
    double js = 0.5 * Discrete.klDivergence(p, m) + 0.5 * Discrete.klDivergence(q, m);
    assertEquals(js, Discrete.jsDivergence(p, q), 1e-12);
    assertEquals(Discrete.jsDivergence(q, p), Discrete.jsDivergence(p, q), EPS);
    // JS of {1,0} and {1/2,1/2}: 1.5 - 0.75 log2 3... = h(3/4) - 1/2
    assertEquals(0.8112781244591328 - 0.5, Discrete.jsDivergence(new double[] {1, 0}, p), 1e-12);
  }

  @Test
  void independenceGivesNearZeroAndRelabellingIsInvariant() {
    Rng rng = new Rng(11);
    int n = 10_000;
    int[] x = new int[n], y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextInt(4);
      y[i] = rng.nextInt(4);
    }
    double mi = Discrete.mutualInformation(x, y);
    double bias = 9 / (2.0 * n * Math.log(2));
    System.out.printf("independent 4x4, N=10k: plug-in MI %.5f bits (predicted bias %.5f)%n", mi, bias);
    assertTrue(mi < 0.003, "MI of independent labels " + mi);
    int[] z = new int[n], xr = new int[n], yr = new int[n];
    for (int i = 0; i < n; i++) {
      z[i] = (x[i] * 3 + rng.nextInt(3)) % 4;
      xr[i] = 1000 - 7 * x[i];
      yr[i] = new int[] {42, -5, Integer.MIN_VALUE, Integer.MAX_VALUE}[z[i]];
    }
    assertEquals(Discrete.mutualInformation(x, z), Discrete.mutualInformation(xr, yr), 1e-12);
    assertEquals(Discrete.entropy(z), Discrete.entropy(yr), 1e-12);
  }

  @Test
  void conditionalMutualInformationOfXor() {
    Rng rng = new Rng(5);
    int n = 10_000;
    int[] x = new int[n], y = new int[n], z = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(2);
      z[i] = rng.nextInt(2);
      x[i] = y[i] ^ z[i];
    }
    assertTrue(Discrete.mutualInformation(x, y) < 0.002);
    assertEquals(1.0, Discrete.conditionalMutualInformation(x, y, z), 0.002);
    assertEquals(0.0, Discrete.conditionalMutualInformation(x, x, x), EPS);
  }

  @Test
  void mutualInformationOfJointTable() {
    assertEquals(1.0, Discrete.mutualInformation(new double[][] {{0.5, 0}, {0, 0.5}}), EPS);
    assertEquals(0.0, Discrete.mutualInformation(new double[][] {{0.06, 0.14}, {0.24, 0.56}}), 1e-12);
    // binary symmetric channel, flip 0.1: 1 - h(0.1)
    double h = -0.1 * log2(0.1) - 0.9 * log2(0.9);
    assertEquals(1 - h, Discrete.mutualInformation(new double[][] {{0.45, 0.05}, {0.05, 0.45}}), 1e-12);
  }
}
