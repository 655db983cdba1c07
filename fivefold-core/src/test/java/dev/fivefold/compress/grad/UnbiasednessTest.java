package dev.fivefold.compress.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.tensor.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QSGD and random-k are unbiased: the mean of T independent compressions of a fixed vector v
 * tends to v. With a fixed seed the test is deterministic; the tolerance is 5 standard deviations
 * of the mean, from each scheme's variance bound, so a correct scheme passes each element with
 * probability 1 − 6·10⁻⁷ (and the 200 elements together with 1 − 10⁻⁴), while a bias of a few
 * percent of |v_i| — e.g. forgetting the n/k scale or rounding levels down — fails at once.
 */
class UnbiasednessTest {
  static final int D = 200, T = 4_000;
  static final Layout LAYOUT = new Layout(List.of("v"), new int[] {D}, new int[] {1});

  static float[] vector() {
    Rng rng = new Rng(17);
    float[] v = new float[D];
    for (int i = 0; i < D; i++) v[i] = (float) rng.nextGaussian();
    return v;
  }

  static double[] mean(GradientCompressor c, float[] v) {
    WorkerState s = c.init(LAYOUT, 99, 3);
    double[] m = new double[D];
    for (int t = 0; t < T; t++) {
      float[] d = c.decode(0, c.compress(0, new float[][] {v}, null, s), LAYOUT)[0];
      for (int i = 0; i < D; i++) m[i] += d[i];
    }
    for (int i = 0; i < D; i++) m[i] /= T;
    return m;
  }

  @Test
  void qsgdIsUnbiased() {
    float[] v = vector();
    for (int levels : new int[] {1, 4}) {
      double[] m = mean(new Qsgd(levels, 64), v);
      for (int i = 0; i < D; i++) {
        // ξ is Bernoulli between adjacent levels: Var Q(v_i) ≤ (‖v_bucket‖/s)² / 4
        double norm = 0;
        for (int j = i / 64 * 64; j < Math.min(D, i / 64 * 64 + 64); j++) norm += v[j] * (double) v[j];
        double sd = Math.sqrt(norm) / levels / 2 / Math.sqrt(T);
        assertTrue(Math.abs(m[i] - v[i]) <= 5 * sd, "s=" + levels + " v[" + i + "] = " + v[i] + ", mean " + m[i] + ", 5σ " + 5 * sd);
      }
    }
  }

  @Test
  void randomKIsUnbiased() {
    float[] v = vector();
    double ratio = 0.1;
    double[] m = mean(new RandomK(ratio, false), v);
    int k = TopK.k(ratio, D);
    for (int i = 0; i < D; i++) {
      // (n/k)·v_i with probability k/n, else 0: Var = v_i²·(n/k − 1)
      double sd = Math.abs(v[i]) * Math.sqrt((D / (double) k - 1) / T);
      assertTrue(Math.abs(m[i] - v[i]) <= 5 * sd + 1e-7, "v[" + i + "] = " + v[i] + ", mean " + m[i] + ", 5σ " + 5 * sd);
    }
  }
}
